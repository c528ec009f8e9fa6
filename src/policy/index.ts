export { createPolicy } from './createPolicy';
export { defaultPolicy } from './default-policy';
export { clientStopRule } from './engine';
export { defaultRule, defaultRules } from './defaults';
export type {
  Action,
  BackoffOptions,
  Decision,
  Jitter,
  MatchedRule,
  Policy,
  PolicyContext,
  PolicyOptions,
  PolicyRules,
  Preset,
  RangeKey,
  Rule,
  RuleObject,
  RuleSource,
  StopCause,
} from './types';
