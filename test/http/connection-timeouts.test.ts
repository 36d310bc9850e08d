import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { DEFAULT_HTTP_TIMEOUTS } from '../../src/http/limits.js';
import { assertClerkErrors } from '../helpers/api.js';
import { useServer } from '../helpers/server.js';

const TIMEOUTS = { headersMs: 600, requestMs: 1200, keepAliveMs: 1000 };
/** node:http checks for expired requests every quarter of the shorter timeout here; allow that and a margin. */
const SLACK_MS = 700;

interface Conversation {
  readonly socket: Socket;
  /** Everything received, once the server closed the connection. */
  readonly closed: Promise<{ text: string; afterMs: number }>;
}

/** Opens a raw connection and writes `bytes`; `closed` resolves when the server ends it. */
function open(url: string, bytes: string): Promise<Conversation> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      const start = Date.now();
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (text += chunk));
      const closed = new Promise<{ text: string; afterMs: number }>((done) => socket.on('close', () => done({ text, afterMs: Date.now() - start })));
      socket.on('error', () => {});
      if (bytes !== '') socket.write(bytes);
      resolve({ socket, closed });
    });
    socket.once('error', reject);
  });
}

function statusOf(text: string): number {
  return Number(/^HTTP\/1\.1 (\d{3}) /.exec(text)?.[1] ?? 0);
}

function bodyOf(text: string): any {
  return JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4));
}

describe('connection timeouts', () => {
  const running = useServer({ timeouts: TIMEOUTS });

  test('the defaults are finite: headers 10 s, whole request 30 s, idle keep-alive 72 s', () => {
    assert.deepEqual(DEFAULT_HTTP_TIMEOUTS, { headersMs: 10_000, requestMs: 30_000, keepAliveMs: 72_000 });
  });

  test('headers that stop coming: 408 request_timeout (ClerkErrors), connection closed within the headers timeout', async () => {
    const c = await open(running.server.url, `POST /v1/users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${running.server.key}\r\n`);
    const { text, afterMs } = await c.closed;
    assert.equal(statusOf(text), 408, text);
    assert.match(text, /\r\nContent-Type: application\/json\r\n/);
    const body = bodyOf(text);
    assertClerkErrors(body, 'stalled headers');
    assert.equal(body.errors[0].code, 'request_timeout');
    assert.ok(afterMs >= TIMEOUTS.headersMs - 50 && afterMs < TIMEOUTS.headersMs + SLACK_MS, `closed after ${afterMs} ms`);
  });

  test('a connection that sends nothing at all is closed within the headers timeout', async () => {
    const c = await open(running.server.url, '');
    const { afterMs } = await c.closed;
    assert.ok(afterMs < TIMEOUTS.headersMs + SLACK_MS, `closed after ${afterMs} ms`);
  });

  test('a body that stops coming (with a key): 408 request_timeout and closed within the request timeout; nothing is created', async () => {
    const before = await fetch(`${running.server.url}/v1/users/count`, { headers: { authorization: `Bearer ${running.server.key}` } }).then((r) => r.json() as Promise<{ total_count: number }>);
    const c = await open(
      running.server.url,
      `POST /v1/users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${running.server.key}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"first_name":`,
    );
    const { text, afterMs } = await c.closed;
    assert.equal(statusOf(text), 408, text);
    assert.equal(bodyOf(text).errors[0].code, 'request_timeout');
    assert.ok(afterMs >= TIMEOUTS.requestMs - 50 && afterMs < TIMEOUTS.requestMs + SLACK_MS, `closed after ${afterMs} ms`);
    const after = await fetch(`${running.server.url}/v1/users/count`, { headers: { authorization: `Bearer ${running.server.key}` } }).then((r) => r.json() as Promise<{ total_count: number }>);
    assert.equal(after.total_count, before.total_count);
  });

  test('a body that stops coming (without a key): the 401 is sent at once and the connection closed after it', async () => {
    const c = await open(running.server.url, `POST /v1/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"first_name":`);
    const { text, afterMs } = await c.closed;
    assert.equal(statusOf(text), 401, text);
    assert.match(text, /\r\nconnection: close\r\n/i);
    assert.equal(bodyOf(text).errors[0].code, 'authentication_invalid');
    assert.ok(afterMs < TIMEOUTS.headersMs, `closed after ${afterMs} ms, not at a timeout`);
  });

  test('an idle keep-alive connection is closed after the keep-alive timeout', async () => {
    const c = await open(running.server.url, `GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n`);
    const { text, afterMs } = await c.closed;
    assert.equal(statusOf(text), 200, text);
    assert.match(text, new RegExp(`\\r\\nKeep-Alive: timeout=${TIMEOUTS.keepAliveMs / 1000}\\r\\n`, 'i'));
    // node:http keeps the socket a further second past what it announces, so a client never sends on a closing one.
    assert.ok(afterMs >= TIMEOUTS.keepAliveMs - 50 && afterMs < TIMEOUTS.keepAliveMs + 1000 + SLACK_MS, `closed after ${afterMs} ms`);
  });

  test('500 stalled connections: /healthz keeps answering at once, and every one of them is closed in time', async () => {
    const stalled = await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        open(running.server.url, i % 2 === 0 ? 'GET /v1/users HTTP/1.1\r\nHost: x\r\n' : `POST /v1/users HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{`),
      ),
    );
    const start = Date.now();
    const health = await fetch(`${running.server.url}/healthz`);
    assert.equal(health.status, 200);
    assert.ok(Date.now() - start < 500, `/healthz took ${Date.now() - start} ms`);
    const closed = await Promise.race([Promise.all(stalled.map((c) => c.closed)), sleep(TIMEOUTS.requestMs + 3000, 'timeout' as const)]);
    assert.notEqual(closed, 'timeout', 'every stalled connection was closed');
    for (const c of stalled) c.socket.destroy();
  });
});
