// Decision cost: how long classify() + policy.decide() take for one close,
// over a fixed, seeded mix of close codes, with a fixed random source.
import { classify, createPolicy, type CloseEventLike } from 'closekit';
import { createSeededRandom as seededRandom } from 'closekit/testing';
import { spreadOf, type Spread } from './lib/stats';

export const decisionScenario = {
  /** Distinct closes cycled through (a power of two). */
  events: 1024,
  operationsPerSample: 50_000,
  samples: 7,
  warmupOperations: 50_000,
  seed: 7,
} as const;

/** Each figure over the samples: the median and the range. */
export interface DecisionResult {
  /** ns for classify() + decide() together. */
  readonly nsPerDecision: Spread;
  /** ns for classify() alone, for reference. */
  readonly nsPerClassify: Spread;
  /**
   * ns for JSON.parse of a 64-byte message, measured in the same samples: a
   * yardstick every WebSocket app pays per message, so the cost of a decision
   * can be read independently of how fast or busy the machine is.
   */
  readonly nsPerJsonParse: Spread;
  /** Per sample, classify + decide ns ÷ JSON.parse ns. */
  readonly decisionInJsonParses: Spread;
}

/** Codes weighted roughly as a busy app would see them: mostly 1006 and restarts, some app codes, some garbage. */
function closeMix(): CloseEventLike[] {
  const random = seededRandom(decisionScenario.seed);
  const common = [1000, 1001, 1005, 1006, 1006, 1006, 1006, 1008, 1011, 1012, 1012, 1013, 3000, 3003, 3008, 4000, 4001, 4003, 4029, 4500];
  const events: CloseEventLike[] = [];
  for (let index = 0; index < decisionScenario.events; index++) {
    const code = random() < 0.9 ? (common[Math.floor(random() * common.length)] as number) : Math.floor(random() * 6000) - 500;
    events.push({ code, reason: code === 1006 ? '' : 'bye', wasClean: code !== 1006 });
  }
  return events;
}

export function runDecision(): DecisionResult {
  const { events: count, operationsPerSample, samples, warmupOperations } = decisionScenario;
  const events = closeMix();
  const policy = createPolicy({ random: () => 0.5 });
  const mask = count - 1;
  // A sink the optimiser cannot see through, so the work is not thrown away.
  let sink = 0;
  const decideMany = (operations: number): number => {
    const started = performance.now();
    for (let index = 0; index < operations; index++) {
      const decision = policy.decide(classify(events[index & mask] as CloseEventLike, { opened: (index & 1) === 0 }), { attempt: index & 7 });
      sink += decision.action === 'stop' ? 1 : decision.delayMs;
    }
    return ((performance.now() - started) * 1e6) / operations;
  };
  const classifyMany = (operations: number): number => {
    const started = performance.now();
    for (let index = 0; index < operations; index++) sink += classify(events[index & mask] as CloseEventLike).code;
    return ((performance.now() - started) * 1e6) / operations;
  };
  // 64 bytes, the size of the messages in the overhead section.
  const message = '{"type":"update","id":12345,"payload":"abcdefghijklmnopqrstuvw"}';
  const parseMany = (operations: number): number => {
    const started = performance.now();
    for (let index = 0; index < operations; index++) sink += (JSON.parse(message) as { id: number }).id;
    return ((performance.now() - started) * 1e6) / operations;
  };
  decideMany(warmupOperations);
  classifyMany(warmupOperations);
  parseMany(warmupOperations);
  const samplesNs: number[] = [];
  const classifyNs: number[] = [];
  const parseNs: number[] = [];
  for (let sample = 0; sample < samples; sample++) {
    samplesNs.push(decideMany(operationsPerSample));
    classifyNs.push(classifyMany(operationsPerSample));
    parseNs.push(parseMany(operationsPerSample));
  }
  if (sink === -1) console.log('unreachable');
  return {
    nsPerDecision: spreadOf(samplesNs),
    nsPerClassify: spreadOf(classifyNs),
    nsPerJsonParse: spreadOf(parseNs),
    decisionInJsonParses: spreadOf(samplesNs.map((ns, index) => ns / (parseNs[index] as number))),
  };
}
