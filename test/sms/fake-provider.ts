import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Credentials the fakes expect. */
export const TWILIO_SID = 'AC0123456789abcdef0123456789abcdef';
export const TWILIO_TOKEN = 'twilio_auth_token_for_tests';
export const WEBHOOK_SECRET = `whsec_${randomBytes(32).toString('base64')}`;

export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/**
 * What the fake answers to one request: a status and a body, or `hang` (never
 * answers), or `drop` (closes the socket). The body may be made from the
 * request, as receivers that echo what they got in their errors do.
 */
export type FakeAnswer = { readonly status: number; readonly body?: unknown } | 'hang' | 'drop';

/** A body made from the request the fake received. */
export type EchoBody = (request: ReceivedRequest) => unknown;

export interface FakeProvider {
  /** http://127.0.0.1:port */
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Answers for the next requests, in order; once used up, `fallback` answers. */
  queue(...answers: FakeAnswer[]): void;
  fallback: FakeAnswer;
  /** Resolves once `count` requests have arrived. */
  received(count: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A local HTTP server standing in for Twilio or a webhook receiver: it
 * records every request exactly as a provider would receive it, and answers
 * as told.
 */
export async function startFakeProvider(fallback: FakeAnswer = { status: 200, body: {} }): Promise<FakeProvider> {
  const requests: ReceivedRequest[] = [];
  const pending: FakeAnswer[] = [];
  let waiters: { count: number; resolve: () => void }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received: ReceivedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(received);
      waiters = waiters.filter((w) => (requests.length >= w.count ? (w.resolve(), false) : true));
      const answer = pending.shift() ?? fake.fallback;
      if (answer === 'hang') return;
      if (answer === 'drop') {
        req.socket.destroy();
        return;
      }
      const body = typeof answer.body === 'function' ? (answer.body as EchoBody)(received) : answer.body;
      const text = typeof body === 'string' ? body : JSON.stringify(body ?? {});
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const fake: FakeProvider = {
    url: `http://127.0.0.1:${port}`,
    requests,
    fallback,
    queue: (...answers) => void pending.push(...answers),
    received: (count) => (requests.length >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve }))),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}
