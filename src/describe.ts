import { classify, type CloseEventLike, type CloseResult } from './classify';
import { nameOfCode, type CloseCodeName } from './codes';

// Registry titles (IANA's wording) and a plain-English account of each named code.
const titles: Record<CloseCodeName, readonly [title: string, sentence: string]> = {
  NormalClosure: ['Normal Closure', 'The connection was closed normally'],
  GoingAway: ['Going Away', 'The server is going away'],
  ProtocolError: ['Protocol Error', 'The connection was closed because of a protocol error'],
  UnsupportedData: ['Unsupported Data', 'The other side cannot accept this type of data'],
  NoStatusReceived: ['No Status Received', 'The connection was closed without a status code'],
  AbnormalClosure: ['Abnormal Closure', 'The connection was lost without a close frame'],
  InvalidFramePayloadData: ['Invalid Frame Payload Data', 'A message was not consistent with its type'],
  PolicyViolation: ['Policy Violation', 'The server closed the connection for violating its policy'],
  MessageTooBig: ['Message Too Big', 'A message was too big to process'],
  MandatoryExtension: ['Mandatory Extension', 'The server did not agree to a required extension'],
  InternalError: ['Internal Error', 'The server hit an unexpected error'],
  ServiceRestart: ['Service Restart', 'The server is restarting'],
  TryAgainLater: ['Try Again Later', 'The server is overloaded; try again later'],
  BadGateway: ['Bad Gateway', 'A gateway or proxy got an invalid response from the server behind it'],
  TLSHandshake: ['TLS Handshake', 'The TLS handshake failed'],
  Unauthorized: ['Unauthorized', 'The server requires authentication'],
  Forbidden: ['Forbidden', 'The server refused access'],
  Timeout: ['Timeout', 'The server timed out'],
};

const bandWords = {
  unused: 'a code below 1000, which the standard does not use',
  standard: 'a code the standard reserves without a meaning',
  future: 'a code reserved for future versions of the standard',
  extension: 'a code reserved for WebSocket extensions',
} as const;

/**
 * One plain English sentence describing a close, for a UI or a log. Never
 * throws: something that is not a result is described as `classify` sees it.
 *
 * @example
 * describe(classify({ code: 1012 })) // 'The server is restarting (1012 Service Restart).'
 */
export function describe(result: CloseResult): string {
  try {
    // A kind sentence() does not know (a raw CloseEvent, {}) gives no sentence: described below too.
    const text = sentence(result);
    if (typeof text === 'string') return text;
  } catch {}
  // Not a result classify made (null, a hand-built object with an unknown name…): describe what classify makes of it.
  return sentence(classify(result as CloseEventLike));
}

function sentence(result: CloseResult): string {
  const reason = result.reason === '' ? '' : `: "${result.reason}"`;
  switch (result.kind) {
    case 'standard': {
      const [title, sentence] = titles[result.name];
      if (result.code === 1006 && !result.opened) {
        return `The connection could not be established (1006 ${title}; the browser hides why: refused, rejected handshake, DNS or TLS).`;
      }
      return `${sentence} (${result.code} ${title})${reason}.`;
    }
    case 'library': {
      // Only closekit's own name for 3000, 3003 or 3008 has a title: an app may name them otherwise (even 'constructor').
      if (result.name !== undefined && result.name === nameOfCode(result.code)) {
        const [title, sentence] = titles[result.name];
        return `${sentence} (${result.code} ${title})${reason}.`;
      }
      const label = result.name === undefined ? '' : ` ${result.name}`;
      return `The server closed the connection with library code ${result.code}${label}${reason}.`;
    }
    case 'application': {
      const label = result.name === undefined ? ', which the app has not named' : ` ${result.name}`;
      return `The server closed the connection with application code ${result.code}${label}${reason}.`;
    }
    case 'reserved':
      return `The connection closed with ${result.code}, ${bandWords[result.range]}${reason}.`;
    case 'invalid':
      return `The connection closed with ${String(result.code)}, which is not a valid WebSocket close code${reason}.`;
  }
}
