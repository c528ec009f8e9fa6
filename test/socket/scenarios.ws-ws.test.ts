// The socket scenarios (scenarios.ts) against a real `ws` server on 127.0.0.1, with the `ws` package's client.
import WebSocket from 'ws';
import { runScenarios } from './scenarios';
import { wsTransport } from './transports/ws';

runScenarios(wsTransport('ws', WebSocket));
