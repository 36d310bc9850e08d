/**
 * The baseline: a bare node:http server that reads each request body and
 * answers the bytes Callsign would, so the ratio measures Callsign's own cost
 * (routing, auth, validation, the database, serialization).
 */
import { createServer } from 'node:http';

const [port, status, body] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4] ?? '{}'];
const bytes = Buffer.from(body);
const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(status, { 'content-type': 'application/json', 'content-length': bytes.length });
    response.end(bytes);
  });
});
server.keepAliveTimeout = 72_000;
server.listen(port, '127.0.0.1', () => console.log('ready'));
