import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { checked, createApi, type Api, type ApiResponse } from '../helpers/api.js';
import { spawnCallsign, type CallsignProcess } from '../helpers/process.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../helpers/postgres.js';

/**
 * Three real Callsign processes (`node dist/src/main.js`) on one PostgreSQL
 * database, started at the same moment (so their migrations race), with the
 * load spread across them: what must hold across processes holds.
 */
const skip =
  testDatabaseUrl === undefined
    ? 'needs a PostgreSQL server that several Callsign processes share: set TEST_DATABASE_URL (npm test does on CI). PGlite lives inside one process.'
    : undefined;

const HOURLY_LIMIT = 5;

describe('three Callsign processes on one PostgreSQL', { skip }, () => {
  let database: TestDatabase;
  let processes: CallsignProcess[] = [];
  let apis: Api[] = [];
  let sql: pg.Client;
  /** The i-th request goes to process i mod 3. */
  const via = (i: number): Api => apis[i % apis.length]!;

  before(async () => {
    database = await createTestDatabase(testDatabaseUrl!);
    processes = await Promise.all(
      [0, 1, 2].map(() =>
        spawnCallsign({
          DATABASE_URL: database.url,
          DATABASE_POOL_SIZE: '5',
          LOG_LEVEL: 'warn',
          SMS_RESEND_COOLDOWN_SECONDS: '0',
          SMS_NUMBER_HOURLY_LIMIT: String(HOURLY_LIMIT),
        }),
      ),
    );
    // Every answer checked on the wire: Content-Type, 200s against the reference schema, errors as ClerkErrors
    // (under the mixed load a failed check is logged as a server error).
    apis = processes.map((p) => checked(createApi(p)));
    sql = new pg.Client({ connectionString: database.url });
    await sql.connect();
  });

  after(async () => {
    await sql?.end();
    const exits = await Promise.all(processes.map((p) => p.stop('SIGTERM')));
    await database?.drop();
    assert.deepEqual(exits, processes.map(() => ({ code: 0, signal: null })), 'every process shut down cleanly');
  });

  test('they started together: each migrated or found the schema migrated, and every migration ran once', async () => {
    const applied = await sql.query<{ name: string; n: number }>('select name, count(*)::int as n from kysely_migration group by name');
    assert.ok(applied.rows.length > 0);
    assert.ok(applied.rows.every((r) => r.n === 1));
    for (const api of apis) assert.equal((await api('GET', '/readyz')).status, 200);
  });

  test('100 concurrent claims of one number, spread over the three: exactly one owner, 99 form_identifier_exists', async () => {
    const users = await Promise.all(Array.from({ length: 100 }, (_, i) => via(i)('POST', '/v1/users', { body: {} })));
    const claims = await Promise.all(
      users.map((u, i) => via(i + 1)('POST', '/v1/phone_numbers', { body: { user_id: u.body.id, phone_number: '+14155550160', verified: true } })),
    );
    const won = claims.filter((r) => r.status === 200);
    assert.equal(won.length, 1, JSON.stringify(claims.filter((r) => r.status !== 200 && r.status !== 422).map((r) => r.text)));
    const lost = claims.filter((r) => r.status !== 200);
    assert.equal(lost.length, 99);
    for (const r of lost) assert.equal(r.body.errors[0].code, 'form_identifier_exists', r.text);
    const winner = users[claims.indexOf(won[0]!)]!.body.id;
    const stored = await sql.query('select user_id, claimed from phone_numbers where phone_number = $1', ['+14155550160']);
    assert.deepEqual(stored.rows, [{ user_id: winner, claimed: 1 }]);
    for (const api of apis) {
      const holders = await api('GET', '/v1/users?phone_number=%2B14155550160');
      assert.equal(holders.body.length, 1);
      assert.equal(holders.body[0].phone_numbers[0].id, won[0]!.body.id);
    }
  });

  test(`the per-number send limit holds across them: of 30 concurrent sends to one number, exactly ${HOURLY_LIMIT} go out`, async () => {
    const phoneNumber = '+14152019001'; // a real (not test-mode) number: it is limited
    const user = (await via(0)('POST', '/v1/users', { body: {} })).body;
    const number = (await via(1)('POST', '/v1/phone_numbers', { body: { user_id: user.id, phone_number: phoneNumber } })).body;
    const sends = await Promise.all(Array.from({ length: 30 }, (_, i) => via(i)('POST', `/v1/phone_numbers/${number.id}/prepare_verification`, { body: {} })));
    const sent = sends.filter((r) => r.status === 200);
    const refused = sends.filter((r) => r.status !== 200);
    assert.equal(sent.length, HOURLY_LIMIT, sends.map((r) => r.status).join(','));
    for (const r of refused) {
      assert.equal(r.status, 429, r.text);
      assert.equal(r.body.errors[0].code, 'too_many_requests');
      assert.ok(Number(r.headers.get('retry-after')) > 0);
    }
    const messages = await sql.query('select count(*)::int as n from sms_messages where to_number = $1', [phoneNumber]);
    assert.equal(messages.rows[0].n, HOURLY_LIMIT, 'one message recorded per accepted send, none for refusals');
  });

  test('a code is single-use across them: of 20 concurrent right attempts, one verifies', async () => {
    const phoneNumber = '+14152019002';
    const user = (await via(0)('POST', '/v1/users', { body: {} })).body;
    const number = (await via(1)('POST', '/v1/phone_numbers', { body: { user_id: user.id, phone_number: phoneNumber } })).body;
    const verification = (await via(2)('POST', `/v1/phone_numbers/${number.id}/prepare_verification`, { body: {} })).body;
    const inbox = await via(0)('GET', `/v1/dev/sms_messages?phone_number=${encodeURIComponent(phoneNumber)}`);
    const code = inbox.body.data[0].code as string;
    const attempts = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        via(i)('POST', `/v1/phone_numbers/${number.id}/attempt_verification`, { body: { verification_id: verification.id, code } }),
      ),
    );
    const verified = attempts.filter((r) => r.status === 200 && r.body.status === 'verified');
    assert.equal(verified.length, 1, attempts.map((r) => `${r.status}:${r.body?.status ?? r.body?.errors?.[0]?.code}`).join(','));
    for (const r of attempts.filter((a) => a !== verified[0])) {
      assert.equal(r.status, 400, r.text);
      assert.equal(r.body.errors[0].code, 'verification_already_verified');
    }
  });

  test('a mixed concurrent load: every acknowledged write is there afterwards, and nothing is duplicated', async (t) => {
    const log = await runMixedLoad(apis, { workers: 24, opsPerWorker: 40 });
    const live = [...log.users.values()].filter((u) => !u.deleted);
    t.diagnostic(
      `${log.acknowledged} acknowledged writes from 24 workers over 3 processes; ` +
        `${live.length} users and ${live.reduce((n, u) => n + u.numbers.size, 0)} numbers expected afterwards`,
    );
    assert.deepEqual(log.serverErrors, [], 'no 5xx and no transport errors');
    // Claims of the shared pool are refused (422) while another worker holds the number; the rest is acknowledged.
    assert.ok(log.acknowledged >= 24 * 40 * 0.5, `only ${log.acknowledged} of ${24 * 40} operations acknowledged`);

    // Users: exactly the live ones, once each, with their last acknowledged name.
    const users = await sql.query<{ id: string; external_id: string; first_name: string | null }>(
      "select id, external_id, first_name from users where external_id like 'load-%'",
    );
    const byExternal = new Map<string, { id: string; first_name: string | null }[]>();
    for (const u of users.rows) byExternal.set(u.external_id, [...(byExternal.get(u.external_id) ?? []), u]);
    for (const [externalId, rows] of byExternal) assert.equal(rows.length, 1, `${externalId} duplicated`);
    assert.equal(users.rows.length, live.length, 'no user beyond the acknowledged ones, none missing');
    for (const u of live) {
      const row = byExternal.get(u.externalId)?.[0];
      assert.ok(row !== undefined, `acknowledged user ${u.externalId} is missing`);
      assert.equal(row.id, u.id);
      assert.ok(u.names.has(row.first_name), `${u.externalId} is named ${row.first_name}, which no acknowledged write set`);
    }

    // Numbers: each live user holds exactly the numbers acknowledged for them, once each.
    const numbers = await sql.query<{ id: string; user_id: string; phone_number: string; claimed: number }>(
      "select p.id, p.user_id, p.phone_number, p.claimed from phone_numbers p join users u on u.id = p.user_id where u.external_id like 'load-%'",
    );
    const held = new Map<string, string[]>();
    for (const n of numbers.rows) held.set(n.user_id, [...(held.get(n.user_id) ?? []), n.id]);
    for (const u of live) assert.deepEqual((held.get(u.id) ?? []).sort(), [...u.numbers.keys()].sort(), `numbers of ${u.externalId}`);
    // Rules 4 and 2 under the load: a user with claimed numbers has exactly one primary, among them.
    const primaries = await sql.query<{ user_id: string; claimed: number; primaries: number }>(
      'select user_id, sum(claimed)::int as claimed, sum(is_primary)::int as primaries from phone_numbers group by user_id',
    );
    for (const r of primaries.rows) assert.equal(r.primaries, r.claimed > 0 ? 1 : 0, `user ${r.user_id}: ${r.claimed} claimed, ${r.primaries} primary`);
    const perNumber = new Map<string, number>();
    for (const n of numbers.rows.filter((r) => r.claimed === 1)) perNumber.set(n.phone_number, (perNumber.get(n.phone_number) ?? 0) + 1);
    for (const [e164, owners] of perNumber) assert.equal(owners, 1, `${e164} claimed by ${owners}`);
  });
});

interface LoggedUser {
  readonly externalId: string;
  id: string;
  /** Every first name acknowledged for the user; the stored one must be the last of them to commit. */
  readonly names: Set<string | null>;
  deleted: boolean;
  /** Acknowledged numbers still held: id → E.164 and the worker that added it (only it removes it). */
  readonly numbers: Map<string, { e164: string; worker: number }>;
}

interface LoadLog {
  readonly users: Map<string, LoggedUser>;
  acknowledged: number;
  readonly serverErrors: string[];
}

/**
 * The load generator: `workers` clients at once, each doing `opsPerWorker`
 * random operations (create a user, rename one, add a number, claim a number
 * from a small shared pool, delete a number, delete a user), each request to
 * a random process. Half the operations are on a few users every worker
 * shares, so changes to one user meet across processes. Every acknowledged
 * (2xx) write is entered in the log, which is what the database is checked
 * against: a number is removed only by the worker that added it, and shared
 * users are not deleted, so the log is exact.
 */
async function runMixedLoad(apis: Api[], options: { workers: number; opsPerWorker: number }): Promise<LoadLog> {
  const log: LoadLog = { users: new Map(), acknowledged: 0, serverErrors: [] };
  const pool = Array.from({ length: 8 }, (_, i) => `+1415555017${i}`);
  let seq = 0;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
  const any = (): Api => pick(apis);

  async function call(method: string, path: string, body?: unknown): Promise<ApiResponse | undefined> {
    let res: ApiResponse;
    try {
      res = await any()(method, path, body === undefined ? {} : { body });
    } catch (error) {
      log.serverErrors.push(`${method} ${path}: ${String(error)}`);
      return undefined;
    }
    if (res.status >= 500) log.serverErrors.push(`${method} ${path}: ${res.status} ${res.text}`);
    if (res.status === 200) log.acknowledged++;
    return res;
  }

  async function createUser(externalId: string): Promise<LoggedUser | undefined> {
    const res = await call('POST', '/v1/users', { external_id: externalId });
    if (res?.status !== 200) return undefined;
    const u: LoggedUser = { externalId, id: res.body.id, names: new Set([null]), deleted: false, numbers: new Map() };
    log.users.set(externalId, u);
    return u;
  }

  const shared = (await Promise.all(Array.from({ length: 4 }, (_, i) => createUser(`load-shared-${i}`)))).filter((u) => u !== undefined);

  async function worker(w: number): Promise<void> {
    const mine: LoggedUser[] = [];
    const someone = (): LoggedUser => {
      const alive = mine.filter((u) => !u.deleted);
      return alive.length === 0 || Math.random() < 0.5 ? pick(shared) : pick(alive);
    };
    for (let i = 0; i < options.opsPerWorker; i++) {
      const op = pick(['create', 'rename', 'rename', 'add', 'add', 'claim', 'claim', 'remove', 'remove', 'delete']);
      if (op === 'create') {
        const u = await createUser(`load-${w}-${++seq}`);
        if (u !== undefined) mine.push(u);
      } else if (op === 'rename') {
        const u = someone();
        const name = `n${w}-${++seq}`;
        const res = await call('PATCH', `/v1/users/${u.id}`, { first_name: name });
        if (res?.status === 200) u.names.add(name);
      } else if (op === 'add' || op === 'claim') {
        const u = someone();
        // An unverified number no one else adds, or a claim of a pool number others want too.
        const e164 = op === 'add' ? `+1415201${String(2000 + w * 200 + (++seq % 200)).padStart(4, '0')}` : pick(pool);
        if ([...u.numbers.values()].some((n) => n.e164 === e164)) continue;
        const res = await call('POST', '/v1/phone_numbers', { user_id: u.id, phone_number: e164, ...(op === 'claim' ? { verified: true } : {}) });
        if (res?.status === 200) u.numbers.set(res.body.id, { e164, worker: w });
        else if (res !== undefined && res.status !== 422 && !(res.status === 404 && u.deleted)) {
          log.serverErrors.push(`${op}: unexpected ${res.status} ${res.text}`);
        }
      } else if (op === 'remove') {
        const u = someone();
        const ids = [...u.numbers].filter(([, n]) => n.worker === w).map(([id]) => id);
        if (ids.length === 0) continue;
        const id = pick(ids);
        const res = await call('DELETE', `/v1/phone_numbers/${id}`);
        if (res?.status === 200) u.numbers.delete(id);
        else log.serverErrors.push(`remove: an acknowledged number is gone: ${res?.status} ${res?.text}`);
      } else {
        const u = mine.find((m) => !m.deleted);
        if (u === undefined) continue;
        const res = await call('DELETE', `/v1/users/${u.id}`);
        if (res?.status === 200) u.deleted = true;
      }
    }
  }

  await Promise.all(Array.from({ length: options.workers }, (_, w) => worker(w)));
  return log;
}
