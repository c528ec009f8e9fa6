// closekit/presets: other protocols as profiles — close-code rules, retry
// limit, subprotocol and keep-alive. Pass one as `createSocket(url, { preset })`
// (or its rules alone as `createPolicy({ preset })`); the app's options win.
export type { Preset } from '../policy/types';
export type { Profile } from './types';
export { centrifugo } from './centrifugo';
export { graphqlWs } from './graphql-ws';
export { pusher } from './pusher';
