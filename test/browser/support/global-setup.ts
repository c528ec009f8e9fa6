// Runs once per vitest run, before the browser project's files: says once per
// missing engine why its tests are skipped (with the install hint), or fails
// the run when an engine is required (CI, CLOSEKIT_REQUIRE_BROWSER=1).
import { assertBuilt } from './bundle';
import { ENGINE_NAMES, browserRequired, findEngine, missingEngineMessage, skipMessage } from './locate';

export default function setup(): void {
  const missing = ENGINE_NAMES.filter((engine) => findEngine(engine) === undefined);
  if (missing.length > 0 && browserRequired()) throw new Error(missing.map(missingEngineMessage).join('\n'));
  for (const engine of missing) console.warn(skipMessage(engine));
  if (missing.length < ENGINE_NAMES.length) assertBuilt();
}
