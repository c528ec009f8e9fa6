// A `ws` echo server on 127.0.0.1, run as its own process so that the client
// process's CPU time counts the clients only. Prints its port on stdout when
// listening; exits when stdin closes (so it never outlives the benchmark).
// Plain JavaScript, so it starts without a TypeScript loader.
import { WebSocketServer } from 'ws';

const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
server.on('connection', (socket) => {
  socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
});
server.on('listening', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address !== null ? address.port : 0}\n`);
});
process.stdin.resume();
process.stdin.on('end', () => {
  for (const client of server.clients) client.terminate();
  server.close(() => process.exit(0));
});
