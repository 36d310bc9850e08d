import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import type { SendResult, SmsSender } from '../../src/sms/sms-sender.js';
import { assertClerkErrors, checked, createApi } from '../helpers/api.js';
import { startServer } from '../helpers/server.js';

interface RawResponse {
  readonly status: number;
  readonly head: string;
  readonly body: string;
}

/** Reads HTTP/1.1 responses (headers and a Content-Length body) from a socket, in order, until it closes. */
function readResponses(socket: Socket): Promise<RawResponse[]> {
  return new Promise((resolve, reject) => {
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
    socket.once('error', reject);
    socket.once('close', () => {
      const responses: RawResponse[] = [];
      while (received.length > 0) {
        const end = received.indexOf('\r\n\r\n');
        if (end < 0) break;
        const head = received.slice(0, end);
        const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? 0);
        responses.push({ status: Number(head.slice(9, 12)), head, body: received.slice(end + 4, end + 4 + length) });
        received = received.slice(end + 4 + length);
      }
      resolve(responses);
    });
  });
}

test('while closing, a request arriving on a connection still busy with one in flight is refused as ClerkErrors 503 with Retry-After, and the connection closed', async () => {
  let release: (result: SendResult) => void = () => {};
  const slowSender: SmsSender = { provider: 'log', keepsBody: true, send: () => new Promise((resolve) => (release = resolve)) };
  const server = await startServer({ sms: slowSender });
  // Every answer checked on the wire: Content-Type, 200s against the reference schema, errors as ClerkErrors.
  const api = checked(createApi(server));
  const user = (await api('POST', '/v1/users', { body: {} })).body;
  const numberId = (await api('POST', '/v1/phone_numbers', { body: { user_id: user.id, phone_number: '+14155550143' } })).body.id;

  const { hostname, port } = new URL(server.url);
  const socket = connect(Number(port), hostname);
  await new Promise((resolve) => socket.once('connect', resolve));
  const responses = readResponses(socket);
  // The first request waits on the SMS provider, so the connection is busy when closing starts (idle ones are closed at once).
  socket.write(`POST /v1/phone_numbers/${numberId}/prepare_verification HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${server.key}\r\nContent-Length: 0\r\n\r\n`);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const closed = server.close();
  await new Promise((resolve) => setTimeout(resolve, 100));
  socket.write(`GET /v1/users/${user.id} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${server.key}\r\n\r\n`);
  await new Promise((resolve) => setTimeout(resolve, 100));
  release({ status: 'delivered' });

  // The connection closes after the refusal.
  const [inFlight, refused] = await responses;
  assert.equal(inFlight!.status, 200, `the request in flight was answered: ${inFlight!.head}`);
  assert.equal(refused!.status, 503, refused!.head);
  assert.match(refused!.head, /\r\nretry-after: 1\r\n/i);
  assert.match(refused!.head, /\r\nconnection: close\r\n/i);
  assert.match(refused!.head, /\r\ncontent-type: application\/json\r\n/i);
  const body = JSON.parse(refused!.body);
  assertClerkErrors(body, 'closing');
  assert.equal(body.errors[0].code, 'service_unavailable');
  await closed;
});
