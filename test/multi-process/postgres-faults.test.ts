import assert from 'node:assert/strict';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { checked, createApi, type Api } from '../helpers/api.js';
import { freePort, spawnCallsign, type CallsignProcess } from '../helpers/process.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../helpers/postgres.js';

/**
 * A PostgreSQL that fails under Callsign (its backends terminated, the server
 * gone and back) must not end the process: requests answer 200 or 503 with
 * Retry-After, nothing acknowledged is lost, and service resumes by itself.
 * Each runs a real Callsign process, so a crash shows as an exit, not as a
 * failure of the test runner itself. Every answer is checked on the wire
 * (`checked`: Content-Type, 200s against the reference schema, errors as
 * ClerkErrors); a failed check is counted as an unexpected answer.
 */
const skip =
  testDatabaseUrl === undefined
    ? 'needs a PostgreSQL server whose backends can be terminated: set TEST_DATABASE_URL (npm test does on CI). PGlite runs in the test process with one connection, which nothing can terminate from outside.'
    : undefined;

const WRITERS = 20;

interface Outcome {
  readonly acknowledged: string[];
  readonly statuses: Map<number, number>;
  readonly unexpected: string[];
}

/** WRITERS loops creating users until `stop` is set; every answer is classified. */
function writeUntil(api: Api, stop: { done: boolean }, tag: string): Promise<Outcome> {
  const outcome: Outcome = { acknowledged: [], statuses: new Map(), unexpected: [] };
  const writer = async (w: number): Promise<void> => {
    for (let i = 0; !stop.done; i++) {
      let res;
      try {
        res = await api('POST', '/v1/users', { body: { first_name: `${tag}-${w}-${i}` } });
      } catch (error) {
        outcome.unexpected.push(`request failed: ${String(error)}`);
        await sleep(20);
        continue;
      }
      outcome.statuses.set(res.status, (outcome.statuses.get(res.status) ?? 0) + 1);
      if (res.status === 200) outcome.acknowledged.push(res.body.id);
      else if (res.status === 503) {
        if (res.body.errors[0].code !== 'service_unavailable') outcome.unexpected.push(res.text);
        const retryAfter = res.headers.get('retry-after');
        if (retryAfter === null || !/^[1-9]\d*$/.test(retryAfter)) outcome.unexpected.push(`503 without a Retry-After: ${res.text}`);
        await sleep(20);
      } else outcome.unexpected.push(`${res.status} ${res.text}`);
    }
  };
  return Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w))).then(() => outcome);
}

async function firstOkWithin(api: Api, ms: number): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < ms) {
    const res = await api('POST', '/v1/users', { body: { first_name: 'after' } }).catch(() => undefined);
    if (res?.status === 200) return Date.now() - start;
    await sleep(25);
  }
  return Number.POSITIVE_INFINITY;
}

/** A TCP relay to the PostgreSQL server that can be cut (every connection reset, new ones refused) and restored. */
class Relay {
  #server: Server | undefined;
  #sockets = new Set<Socket>();
  constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  async open(): Promise<void> {
    const server = createServer((client) => {
      const upstream = createConnection(this.target);
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on('close', () => this.#sockets.delete(s));
        s.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.#server = server;
  }

  /** Like a server that stops: open connections reset, new ones refused. */
  async cut(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const s of this.#sockets) s.resetAndDestroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}

describe('PostgreSQL faults under load', { skip }, () => {
  let database: TestDatabase;
  let admin: pg.Client;

  before(async () => {
    database = await createTestDatabase(testDatabaseUrl!);
    admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
  });
  after(async () => {
    await admin?.end();
    await database?.drop();
  });

  async function storedIds(ids: readonly string[]): Promise<Set<string>> {
    const { rows } = await admin.query<{ id: string }>('select id from users where id = any($1)', [ids]);
    return new Set(rows.map((r) => r.id));
  }

  test(`backends terminated (pg_terminate_backend) under ${WRITERS} writers: the process stays up, answers 200 or 503 + Retry-After, loses nothing`, async (t) => {
    const callsign: CallsignProcess = await spawnCallsign({ DATABASE_URL: database.url, DATABASE_POOL_SIZE: '8'});
    try {
      const api = checked(createApi(callsign));
      const stop = { done: false };
      const writing = writeUntil(api, stop, 'terminated');
      let terminated = 0;
      for (let round = 0; round < 8; round++) {
        await sleep(150);
        const { rows } = await admin.query<{ n: number }>(
          `select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
           where datname = current_database() and application_name = 'callsign' and pid <> pg_backend_pid()`,
        );
        terminated += rows[0]!.n;
      }
      await sleep(300);
      stop.done = true;
      const outcome = await writing;
      assert.equal(callsign.child.exitCode, null, `the process ended:\n${callsign.output()}`);
      assert.ok(terminated >= 8, `backends were terminated (${terminated})`);
      assert.deepEqual(outcome.unexpected, [], `only 200s and 503s with Retry-After:\n${callsign.output()}`);
      assert.ok(outcome.acknowledged.length > 0);
      const stored = await storedIds(outcome.acknowledged);
      assert.equal(stored.size, outcome.acknowledged.length, 'every acknowledged user was kept');
      t.diagnostic(`${terminated} backends terminated; answers: ${JSON.stringify(Object.fromEntries(outcome.statuses))}`);
      assert.ok((await firstOkWithin(api, 2000)) < 2000, 'serves again without a restart');
      assert.equal((await api('GET', '/readyz')).status, 200);
    } finally {
      await callsign.stop('SIGTERM');
    }
  });

  test('the server gone (connections reset, new ones refused) and back: 503 + Retry-After meanwhile, /readyz 503, first 200 within a second of its return', async (t) => {
    const target = new URL(database.url);
    const relay = new Relay(await freePort(), { host: target.hostname, port: Number(target.port || 5432) });
    await relay.open();
    const viaRelay = new URL(database.url);
    viaRelay.host = `127.0.0.1:${relay.port}`;
    const callsign = await spawnCallsign({ DATABASE_URL: viaRelay.toString(), DATABASE_POOL_SIZE: '8' });
    try {
      const api = checked(createApi(callsign));
      const stop = { done: false };
      const writing = writeUntil(api, stop, 'outage');
      await sleep(300);
      await relay.cut();
      await sleep(800);
      const ready = await api('GET', '/readyz');
      assert.equal(ready.status, 503, ready.text);
      assert.ok(ready.headers.get('retry-after'), '/readyz 503 carries Retry-After');
      await relay.open();
      const backAfterMs = await firstOkWithin(api, 5000);
      await sleep(200);
      stop.done = true;
      const outcome = await writing;
      assert.equal(callsign.child.exitCode, null, `the process ended:\n${callsign.output()}`);
      assert.deepEqual(outcome.unexpected, [], `only 200s and 503s with Retry-After:\n${callsign.output()}`);
      assert.ok((outcome.statuses.get(503) ?? 0) > 0, 'the outage was seen as 503s');
      t.diagnostic(`answers: ${JSON.stringify(Object.fromEntries(outcome.statuses))}; first 200 ${backAfterMs} ms after the server was back`);
      assert.ok(backAfterMs < 1000, `first 200 ${backAfterMs} ms after the server was back`);
      const stored = await storedIds(outcome.acknowledged);
      assert.equal(stored.size, outcome.acknowledged.length, 'every acknowledged user was kept');
      assert.equal((await api('GET', '/readyz')).status, 200);
    } finally {
      await callsign.stop('SIGTERM');
      await relay.cut();
    }
  });
});
