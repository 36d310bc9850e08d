import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { checked, createApi } from '../helpers/api.js';
import { spawnCallsign } from '../helpers/process.js';
import { createTestDatabase, testDatabaseUrl } from '../helpers/postgres.js';

/**
 * SIGTERM while a request is in flight, on a real process: the request is
 * answered, new connections are refused, the store is closed and the process
 * exits 0; past CALLSIGN_SHUTDOWN_GRACE_MS the request is cut and nothing of
 * it is kept. The request is held in flight by a lock the test takes on the
 * database itself.
 */
const NEEDS_SERVER = 'needs a PostgreSQL server that a Callsign process can reach: set TEST_DATABASE_URL (PGlite lives inside one process).';

async function refused(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
    return false;
  } catch (error) {
    return (error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED';
  }
}

describe('graceful shutdown (sqlite)', () => {
  test('SIGTERM during a write waiting on the database: the write is answered and kept, then the process exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'callsign-shutdown-'));
    const file = join(dir, 'callsign.sqlite');
    try {
      const server = await spawnCallsign({ DATABASE_URL: `sqlite:${file}` });
      // Every answer checked on the wire: Content-Type, 200s against the reference schema, errors as ClerkErrors.
      const api = checked(createApi(server));
      // Another connection holds SQLite's write lock, so Callsign's insert waits (busy_timeout).
      const blocker = new SqliteDatabase(file);
      blocker.exec('BEGIN IMMEDIATE');
      const inFlight = api('POST', '/v1/users', { body: { external_id: 'in-flight' } });
      await sleep(300);
      server.child.kill('SIGTERM');
      await sleep(300);
      blocker.exec('COMMIT');
      const response = await inFlight;
      assert.equal(response.status, 200, server.output());
      assert.deepEqual(await server.exited, { code: 0, signal: null }, server.output());
      const kept = blocker.prepare('select count(*) as n from users where external_id = ?').get('in-flight') as { n: number };
      assert.equal(kept.n, 1);
      blocker.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('graceful shutdown (postgres)', () => {
  const skip = testDatabaseUrl === undefined ? NEEDS_SERVER : undefined;

  /** A Callsign process on a fresh database, a user, and a test connection holding the advisory lock of a number. */
  async function setUp(env: Record<string, string> = {}) {
    const database = await createTestDatabase(testDatabaseUrl!);
    const server = await spawnCallsign({ DATABASE_URL: database.url, ...env });
    // Every answer checked on the wire: Content-Type, 200s against the reference schema, errors as ClerkErrors.
    const api = checked(createApi(server));
    const user = (await api('POST', '/v1/users', { body: {} })).body;
    const holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    await holder.query('begin');
    await holder.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', ['+14155550177']);
    const claim = api('POST', '/v1/phone_numbers', { body: { user_id: user.id, phone_number: '+14155550177', verified: true } });
    await sleep(300); // the claim now waits for the number's lock
    return { database, server, api, user, holder, claim };
  }

  test('SIGTERM during a claim waiting on a lock: new connections are refused, the claim is answered and kept, exit 0', { skip }, async () => {
    const { database, server, user, holder, claim } = await setUp();
    try {
      server.child.kill('SIGTERM');
      await sleep(300);
      assert.equal(server.child.exitCode, null, 'still running while a request is in flight');
      assert.ok(await refused(server.url), 'stopped accepting connections');
      await holder.query('commit');
      const response = await claim;
      assert.equal(response.status, 200, response.text);
      assert.deepEqual(await server.exited, { code: 0, signal: null }, server.output());
      const rows = await holder.query('select user_id from phone_numbers where phone_number = $1', ['+14155550177']);
      assert.deepEqual(rows.rows, [{ user_id: user.id }]);
    } finally {
      await holder.end();
      await server.stop('SIGKILL');
      await database.drop();
    }
  });

  test('past the grace period the request is cut, nothing of it is kept, and the process exits 1 promptly', { skip }, async () => {
    const { database, server, holder, claim } = await setUp({ CALLSIGN_SHUTDOWN_GRACE_MS: '500' });
    try {
      const outcome = claim.then(() => 'answered', () => 'cut');
      const signalled = Date.now();
      server.child.kill('SIGTERM');
      const exit = await server.exited;
      const took = Date.now() - signalled;
      assert.deepEqual(exit, { code: 1, signal: null }, server.output());
      assert.ok(took < 500 + 2500, `exited ${took} ms after SIGTERM`);
      assert.equal(await outcome, 'cut', 'the cut request gets no answer');
      await holder.query('commit');
      const rows = await holder.query('select count(*)::int as n from phone_numbers where phone_number = $1', ['+14155550177']);
      assert.equal(rows.rows[0].n, 0);
    } finally {
      await holder.end();
      await server.stop('SIGKILL');
      await database.drop();
    }
  });
});
