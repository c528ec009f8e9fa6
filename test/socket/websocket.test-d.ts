// The real WebSocket classes fit closekit's WebSocket types as they are (no
// cast): their `on…` handlers take their own event types, which the
// method-style (bivariant) handler declarations accept under strictFunctionTypes.
import { WebSocket as UndiciWebSocket } from 'undici';
import WsWebSocket from 'ws';
import { describe, expectTypeOf, it } from 'vitest';
import { createSocket, type SocketOptions, type WebSocketClass, type WebSocketConstructorLike, type WebSocketLike } from '../../src/index';
import { createFakeServer } from '../../src/testing';

describe('WebSocketConstructorLike', () => {
  it('is what the browser (DOM lib), undici and ws classes are, without a cast', () => {
    const dom: WebSocketConstructorLike = WebSocket;
    const undici: WebSocketConstructorLike = UndiciWebSocket;
    const ws: WebSocketConstructorLike = WsWebSocket;
    const fake: WebSocketConstructorLike = createFakeServer().WebSocket;
    const instances: WebSocketLike[] = [new dom('wss://x.test'), new undici('wss://x.test'), new ws('wss://x.test'), new fake('wss://x.test')];
    expectTypeOf(instances).toEqualTypeOf<WebSocketLike[]>();
  });

  it('is the type of the WebSocket option; WebSocketClass is the same type', () => {
    expectTypeOf<NonNullable<SocketOptions['WebSocket']>>().toEqualTypeOf<WebSocketConstructorLike>();
    expectTypeOf<WebSocketClass>().toEqualTypeOf<WebSocketConstructorLike>();
  });

  it('lets createSocket take each class', () => {
    createSocket('wss://x.test', { WebSocket });
    createSocket('wss://x.test', { WebSocket: UndiciWebSocket });
    createSocket('wss://x.test', { WebSocket: WsWebSocket });
  });

  it('rejects what is clearly not a WebSocket class', () => {
    class Shaped {
      readonly readyState = 0;
      readonly protocol = '';
      binaryType = 'blob';
      onopen = null;
      onmessage = null;
      onerror = null;
      constructor(readonly url: string) {}
      close(): void {}
    }
    class NoSend extends Shaped {
      onclose = null;
    }
    // @ts-expect-error: instances have no send()
    createSocket('wss://x.test', { WebSocket: NoSend });

    class CloseTakesANumber extends Shaped {
      onclose: ((code: number) => void) | null = null;
      send(): void {}
    }
    // @ts-expect-error: onclose must take a close event, not a number
    createSocket('wss://x.test', { WebSocket: CloseTakesANumber });

    class Fine extends Shaped {
      onclose = null;
      send(): void {}
    }
    createSocket('wss://x.test', { WebSocket: Fine });

    // @ts-expect-error: an instance, not the class
    createSocket('wss://x.test', { WebSocket: new WsWebSocket('wss://x.test') });
    createSocket('wss://x.test', {
      // @ts-expect-error: a constructor that cannot take a URL string
      WebSocket: class extends UndiciWebSocket {
        constructor(url: number) {
          super(String(url));
        }
      },
    });
  });
});
