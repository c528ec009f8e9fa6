// Serves the example on http://127.0.0.1:5174 with a WebSocket endpoint at
// /live that plays the server half: token "demo" is welcome (echo, and a
// tick every 2 s, and every 5th message it gets closes with 1012 Service
// Restart, to watch the countdown); any other token is accepted and closed
// with 4001 TokenExpired.
//   node --import tsx examples/react/serve.ts
// In an app these imports read `from 'closekit/server'`.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { closeWith, rejectAfterAccept } from '../../src/server/index';
import { buildExample } from './build';
import { AppCodes } from './codes';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

await buildExample();
const files: Record<string, string> = { '/': './index.html', '/app.js': './app.js' };
const http = createServer((request, response) => {
  const file = files[new URL(request.url ?? '/', 'http://x').pathname];
  if (file === undefined) return void response.writeHead(404).end();
  response.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'text/html' });
  response.end(readFileSync(here(file)));
});
const wss = new WebSocketServer({ server: http, path: '/live' });
wss.on('connection', (ws, request) => {
  if (new URL(request.url ?? '/', 'http://x').searchParams.get('token') !== 'demo') {
    rejectAfterAccept(ws, 'TokenExpired', 'unknown token', { codes: AppCodes });
    return;
  }
  let received = 0;
  const tick = setInterval(() => ws.send(`tick ${new Date().toLocaleTimeString()}`), 2000);
  ws.on('close', () => clearInterval(tick));
  ws.on('message', (data) => {
    ws.send(String(data));
    if (++received % 5 === 0) closeWith(ws, 1012, 'restarting');
  });
});
http.listen(5174, '127.0.0.1', () => console.log('http://127.0.0.1:5174/ (try ?token=wrong for a 4001)'));
