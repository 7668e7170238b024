/**
 * The benchmarks' receiving end, run in its own process (forked) so it never competes with the code
 * under measurement for an event loop: answers every request 201 `{}` over keep-alive connections.
 * Tells its parent the port, and on request how many requests it has answered.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

let answered = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    answered++;
    res.writeHead(201, { 'content-type': 'application/json', 'content-length': '2' });
    res.end('{}');
  });
});
server.keepAliveTimeout = 60_000;

server.listen(0, '127.0.0.1', () => {
  process.send!({ port: (server.address() as AddressInfo).port });
});
process.on('message', () => process.send!({ answered }));
process.on('disconnect', () => server.close(() => process.exit(0)));
