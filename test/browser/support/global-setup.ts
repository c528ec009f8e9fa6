// Runs once per vitest run, before the browser project's files: says once
// why the suite is skipped, or fails the run when the browser is required.
import { assertBuilt } from './bundle';
import { SKIP_MESSAGE, browserRequired, findChromium, missingBrowserMessage } from './locate';

export default function setup(): void {
  if (findChromium() === undefined) {
    if (browserRequired()) throw new Error(missingBrowserMessage());
    console.warn(SKIP_MESSAGE);
    return;
  }
  assertBuilt();
}
