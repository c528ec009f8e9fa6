// The socket scenarios (scenarios.ts) against closekit/testing's fake server and fake clock: exact delays, no real time.
import { runScenarios } from './scenarios';
import { fakeTransport } from './transports/fake';

runScenarios(fakeTransport());
