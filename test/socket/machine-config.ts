// The machine settings the machine tests start from: classification and a
// compiled policy, with the fixed figures the tables are written against.
import { classify } from '../../src/classify';
import { createPolicy } from '../../src/policy';
import type { PolicyOptions } from '../../src/policy/types';
import type { MachineConfig } from '../../src/socket/machine';

/** A machine config deciding with `createPolicy(policy)`: connect timeout 1 s, refresh timeout 3 s, reset after 5 s, no confirmation, a refresh configured. */
export function machineConfig(policy: PolicyOptions, overrides: Partial<MachineConfig> = {}): MachineConfig {
  const compiled = createPolicy(policy);
  return {
    classify: (event, opened) => classify(event, { opened }),
    decide: (result, context) => compiled.decide(result, context),
    resetAfterMs: 5000,
    connectTimeoutMs: 1000,
    refreshTimeoutMs: 3000,
    confirmAfterMs: 0,
    canRefresh: true,
    ...overrides,
  };
}
