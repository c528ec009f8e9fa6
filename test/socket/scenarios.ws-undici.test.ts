// The socket scenarios (scenarios.ts) against a real `ws` server on 127.0.0.1, with undici's WebSocket (Node's) as the client.
import { WebSocket } from 'undici';
import { runScenarios } from './scenarios';
import { wsTransport } from './transports/ws';

runScenarios(wsTransport('undici', WebSocket));
