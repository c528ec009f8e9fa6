// What every store test starts from: a fake clock and server, and a network and
// a page visibility the test switches by hand.
import type { CloseCodeContract, CloseCodeMap } from '../../src/codes';
import type { OnlineSource, VisibilitySource } from '../../src/socket';
import { createFakeClock, createFakeServer } from '../../src/testing';
import { toggle } from '../support/toggle';

export function storeWorld<M extends CloseCodeMap>(codes: CloseCodeContract<M>) {
  const clock = createFakeClock();
  const server = createFakeServer({ clock, codes });
  const net = toggle(true);
  const page = toggle(true);
  const online: OnlineSource = { isOnline: net.get, subscribe: net.subscribe };
  const visibility: VisibilitySource = { isVisible: page.get, subscribe: page.subscribe };
  return { clock, server, net, page, online, visibility };
}
