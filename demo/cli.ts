// npm run demo [-- --scenario <name> | --preset <name> | --help]
// Plays closekit's story against an embedded server and exits by itself.
import { parseArgs } from 'node:util';
import { runScenario } from './run';
import { presetScenarios, scenarios, type Scenario } from './scenarios';
import { Timeline, wantsColour } from './timeline';

const USAGE = `Usage: npm run demo [-- options]

Starts a WebSocket server on 127.0.0.1 (closekit/server) and a closekit client
in the same process, plays a story of closes and prints what the client
decided, one line per event. Exits by itself.

Options:
  --scenario <name>   play one story (default: all)
${Object.values(scenarios)
  .map((s) => `                        ${s.name.padEnd(10)} ${s.summary}`)
  .join('\n')}
  --preset <name>     play another protocol's codes with its preset
${Object.values(presetScenarios)
  .map((s) => `                        ${s.name.padEnd(10)} ${s.summary}`)
  .join('\n')}
  --help              show this help

Colour is used on a terminal unless NO_COLOR is set.`;

function fail(message: string): never {
  process.stderr.write(`demo: ${message}\nRun with --help to see the options.\n`);
  process.exit(2);
}

function pick(): Scenario | 'help' {
  let values: { scenario?: string | undefined; preset?: string | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      options: { scenario: { type: 'string' }, preset: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  if (values.help === true) return 'help';
  if (values.scenario !== undefined && values.preset !== undefined) fail('use --scenario or --preset, not both.');
  if (values.preset !== undefined) {
    return presetScenarios[values.preset] ?? fail(`unknown preset "${values.preset}"; choose one of ${Object.keys(presetScenarios).join(', ')}.`);
  }
  const name = values.scenario ?? 'all';
  return scenarios[name] ?? fail(`unknown scenario "${name}"; choose one of ${Object.keys(scenarios).join(', ')}.`);
}

const choice = pick();
if (choice === 'help') {
  process.stdout.write(`${USAGE}\n`);
} else {
  const timeline = new Timeline({ write: (line) => process.stdout.write(`${line}\n`), colour: wantsColour(process.stdout, process.env) });
  timeline.say(`closekit demo · ${choice.name}: ${choice.summary}`, 'bold');
  const ended = await runScenario(choice, timeline);
  const seconds = (timeline.elapsedMs() / 1000).toFixed(1);
  if (ended) {
    timeline.say('');
    timeline.say(`Done in ${seconds} s. Every close got a typed result and a decision; the run ended in a typed stopped event.`);
  } else {
    process.stderr.write(`demo: the story did not end within ${seconds} s; this is a bug.\n`);
    process.exitCode = 1;
  }
}
