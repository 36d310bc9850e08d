import assert from 'node:assert/strict';
import { toCallsignError } from '../../src/http/error-handler.js';
import { after, before, describe, test } from 'node:test';
import { sql, type Insertable, type Kysely } from 'kysely';
import { StoreBusyError, type Database, type PhoneNumberTable, type Store, type UserTable } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { migrationProvider } from '../../src/store/migrations/index.js';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { testDatabaseUrl, withTestDatabase } from '../helpers/postgres.js';
import { phoneNumberRow, userRow as sharedUserRow } from '../helpers/rows.js';
import { pglite, storeFactories } from '../helpers/stores.js';

/**
 * The Store contract, on every store: SQLite, PostgreSQL (the server at
 * TEST_DATABASE_URL, else PGlite), and PGlite too when a server is used, so
 * the in-process path that fresh machines rely on is kept honest on CI.
 */
const factories = storeFactories();
if (!factories.includes(pglite)) factories.push(pglite);

const NOW = 1_760_000_000_123; // past 2^32: a bigint that pg would hand back as a string
let serial = 0;
const nextId = (prefix: string): string => `${prefix}_${String(++serial).padStart(8, '0')}`;

const userRow = (id = nextId('user'), externalId: string | null = null): Insertable<UserTable> => ({ ...sharedUserRow(id, NOW), external_id: externalId });

/** A number verified by an administrator: claimed. */
const claimedNumber = (userId: string, e164: string): Insertable<PhoneNumberTable> => phoneNumberRow(nextId('idn'), userId, e164, NOW, 'verified');

/** Raises a real PostgreSQL error with the given SQLSTATE inside a transaction. */
const raise = (db: Kysely<Database>, code: string) =>
  sql.raw(`do $$ begin raise exception 'injected by the test' using errcode = '${code}'; end $$`).execute(db);

/** Resolves every caller once `parties` callers have arrived. */
function barrier(parties: number): () => Promise<void> {
  let arrived = 0;
  let release!: () => void;
  const all = new Promise<void>((resolve) => (release = resolve));
  return () => {
    if (++arrived === parties) release();
    return all;
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected a rejection');
}

class Taken extends Error {}

const SQLITE_NO_RETRIES = 'SQLite runs one writer at a time: it has no serialization failures or deadlocks to retry.';
const SQLITE_ONE_WRITER = 'SQLite has one connection per process and one writer at a time: there are no concurrent connections to race.';

for (const factory of factories) {
  describe(`store contract (${factory.name})`, () => {
    let store: Store;
    before(async () => {
      store = await factory.open();
    });
    after(() => store.close());

    const isPostgres = (): boolean => store.dialect === 'postgres';
    const retrySkip = (): string | undefined => (factory.name === 'sqlite' ? SQLITE_NO_RETRIES : undefined);
    const concurrencySkip = (): string | undefined => (factory.name === 'sqlite' ? SQLITE_ONE_WRITER : factory.noConcurrency);

    test('migrations: a fresh store has every migration applied, in order, and migrating again applies none', async () => {
      const expected = Object.keys(await migrationProvider.getMigrations()).sort();
      const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(store.db);
      assert.deepEqual(applied.rows.map((r) => r.name), expected);
      assert.deepEqual(await migrateToLatest(store.db as Kysely<unknown>), []);
      const tables = (await store.db.introspection.getTables()).map((t) => t.name);
      for (const table of ['users', 'phone_numbers']) assert.ok(tables.includes(table), `${table} in ${tables.join(', ')}`);
    });

    test('bigint timestamps and counts come back as numbers', async () => {
      const user = userRow();
      await store.db.insertInto('users').values(user).execute();
      const row = await store.db.selectFrom('users').selectAll().where('id', '=', user.id).executeTakeFirstOrThrow();
      assert.equal(row.created_at, NOW);
      assert.equal(typeof row.created_at, 'number');
      const count = await store.db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      assert.equal(typeof count.n, 'number');
    });

    test('the database refuses impossible states (check constraints), and that is no unique violation', async () => {
      const user = userRow();
      await store.db.insertInto('users').values(user).execute();
      const primaryUnclaimed = { ...claimedNumber(user.id, '+14155550140'), claimed: 0 as const, reserved: 0 as const, verification_strategy: null, verification_status: null, is_primary: 1 as const };
      const error = await rejection(store.db.insertInto('phone_numbers').values(primaryUnclaimed).execute());
      assert.equal(store.uniqueViolation(error), null);
      const orphan = await rejection(store.db.insertInto('phone_numbers').values(claimedNumber('user_missing', '+14155550141')).execute());
      assert.equal(store.uniqueViolation(orphan), null, 'a foreign-key violation is not a unique violation');
      assert.equal(store.uniqueViolation(new Error('UNIQUE constraint failed')), null);
    });

    test('uniqueViolation recognises a second claimed owner and names the index', async () => {
      const [a, b] = [userRow(), userRow()];
      await store.db.insertInto('users').values([a, b]).execute();
      await store.db.insertInto('phone_numbers').values(claimedNumber(a.id, '+14155550142')).execute();
      const error = await rejection(store.db.insertInto('phone_numbers').values(claimedNumber(b.id, '+14155550142')).execute());
      const name = store.uniqueViolation(error);
      if (isPostgres()) assert.equal(name, 'phone_numbers_one_claimed_owner');
      else assert.match(name ?? '', /phone_numbers\.phone_number/);
    });

    test('a transaction commits when its work resolves and leaves nothing when it throws', async () => {
      const kept = userRow();
      const dropped = userRow();
      await store.transaction((trx) => trx.insertInto('users').values(kept).execute());
      await assert.rejects(
        store.transaction(async (trx) => {
          await trx.insertInto('users').values(dropped).execute();
          throw new Error('changed my mind');
        }),
        /changed my mind/,
      );
      const ids = await store.db.selectFrom('users').select('id').where('id', 'in', [kept.id, dropped.id]).execute();
      assert.deepEqual(ids.map((r) => r.id), [kept.id]);
    });

    for (const locked of [true, false]) {
      test(`40 concurrent claims of one number ${locked ? 'under lockPhoneNumber' : 'by the unique index alone'}: exactly one owner`, async () => {
        const e164 = locked ? '+14155550143' : '+14155550144';
        const outcomes = await Promise.all(
          Array.from({ length: 40 }, () =>
            store.transaction(async (trx) => {
              const user = userRow();
              await trx.insertInto('users').values(user).execute();
              if (locked) await store.lockPhoneNumber(trx, e164);
              // A failed statement aborts a PostgreSQL transaction, so the violation is
              // turned into the caller's own error and thrown out of it, as the services do.
              try {
                await trx.insertInto('phone_numbers').values(claimedNumber(user.id, e164)).execute();
              } catch (error) {
                throw store.uniqueViolation(error) !== null ? new Taken() : error;
              }
              return 'won';
            }).catch((error: unknown) => (error instanceof Taken ? 'taken' : Promise.reject(error))),
          ),
        );
        assert.equal(outcomes.filter((o) => o === 'won').length, 1);
        assert.equal(outcomes.filter((o) => o === 'taken').length, 39);
        const owners = await store.db.selectFrom('phone_numbers').select('user_id').where('phone_number', '=', e164).execute();
        assert.equal(owners.length, 1);
      });
    }

    for (const [code, what] of [['40001', 'a serialization failure'], ['40P01', 'a deadlock']] as const) {
      test(`${what} (${code}) is retried: the work runs again and commits once`, { skip: retrySkip() }, async () => {
        const user = userRow();
        let runs = 0;
        const result = await store.transaction(async (trx) => {
          runs++;
          await trx.insertInto('users').values(user).execute();
          if (runs < 3) await raise(trx, code);
          return 'done';
        });
        assert.equal(result, 'done');
        assert.equal(runs, 3);
        const rows = await store.db.selectFrom('users').select('id').where('id', '=', user.id).execute();
        assert.equal(rows.length, 1);
      });
    }

    test('retries are bounded: a transaction that keeps failing answers 503 service_unavailable with Retry-After, not 500', { skip: retrySkip() }, async () => {
      let runs = 0;
      const error = await rejection(
        store.transaction(async (trx) => {
          runs++;
          await raise(trx, '40001');
        }),
      );
      // The store gives up with its own error; the HTTP error handler answers it.
      assert.ok(error instanceof StoreBusyError, String(error));
      const answered = toCallsignError(error);
      assert.equal(answered.status, 503);
      assert.equal(answered.code, 'service_unavailable');
      assert.equal(answered.retryAfterSeconds, 1);
      assert.equal(runs, 10);
    });

    test('other database errors are not retried', { skip: retrySkip() }, async () => {
      let runs = 0;
      await assert.rejects(
        store.transaction(async (trx) => {
          runs++;
          await raise(trx, '22023');
        }),
        (error: { code?: string }) => error.code === '22023',
      );
      assert.equal(runs, 1);
    });

    test('read-then-write under lockUser: of two concurrent "add if absent", the second sees the first', { skip: concurrencySkip() }, async () => {
      // Without the lock, at READ COMMITTED both would read "absent" and both would add.
      const owner = userRow();
      await store.db.insertInto('users').values(owner).execute();
      const bothStarted = barrier(2);
      const addIfAbsent = (e164: string) =>
        store.transaction(async (trx) => {
          await bothStarted();
          await store.lockUser(trx, owner.id);
          const held = await trx.selectFrom('phone_numbers').select('id').where('user_id', '=', owner.id).execute();
          if (held.length > 0) return 'found';
          await new Promise((resolve) => setTimeout(resolve, 50)); // widen the window a race would need
          await trx.insertInto('phone_numbers').values(claimedNumber(owner.id, e164)).execute();
          return 'added';
        });
      const outcomes = (await Promise.all([addIfAbsent('+14155550149'), addIfAbsent('+14155550150')])).sort();
      assert.deepEqual(outcomes, ['added', 'found']);
    });

    test('lockUser: a delete of the user waits for the holder; after it, the lock finds no row', { skip: concurrencySkip() }, async () => {
      const user = userRow();
      await store.db.insertInto('users').values(user).execute();
      const events: string[] = [];
      let release!: () => void;
      const mayCommit = new Promise<void>((resolve) => (release = resolve));
      let holds!: () => void;
      const held = new Promise<void>((resolve) => (holds = resolve));
      const holder = store.transaction(async (trx) => {
        await store.lockUser(trx, user.id);
        holds();
        await mayCommit;
        await trx.updateTable('users').set({ first_name: 'Held' }).where('id', '=', user.id).execute();
        events.push('holder commits');
      });
      await held;
      const deletion = store.db.deleteFrom('users').where('id', '=', user.id).execute().then(() => events.push('deleted'));
      await new Promise((resolve) => setTimeout(resolve, 150));
      events.push('released');
      release();
      await Promise.all([holder, deletion]);
      assert.deepEqual(events, ['released', 'holder commits', 'deleted']);
      await store.transaction(async (trx) => {
        await store.lockUser(trx, user.id); // no row, no wait, no error
        assert.equal((await trx.selectFrom('users').select('id').where('id', '=', user.id).execute()).length, 0);
      });
    });

    test('a real deadlock between two connections is detected and retried; both commit', { skip: concurrencySkip() }, async () => {
      const bothHoldOne = barrier(2);
      let runs = 0;
      const lockBoth = (first: string, second: string) =>
        store.transaction(async (trx) => {
          const initial = ++runs <= 2;
          await store.lockPhoneNumber(trx, first);
          if (initial) await bothHoldOne();
          await store.lockPhoneNumber(trx, second);
          return 'ok';
        });
      assert.deepEqual(await Promise.all([lockBoth('+14155550145', '+14155550146'), lockBoth('+14155550146', '+14155550145')]), ['ok', 'ok']);
      assert.equal(runs, 3);
    });

    test('lockPhoneNumber queues transactions on one number across connections, until commit', { skip: concurrencySkip() }, async () => {
      let releaseFirst!: () => void;
      const firstMayCommit = new Promise<void>((resolve) => (releaseFirst = resolve));
      let firstHolds!: () => void;
      const held = new Promise<void>((resolve) => (firstHolds = resolve));
      const events: string[] = [];
      const first = store.transaction(async (trx) => {
        await store.lockPhoneNumber(trx, '+14155550147');
        firstHolds();
        await firstMayCommit;
        events.push('first commits');
      });
      await held;
      const second = store.transaction(async (trx) => {
        await store.lockPhoneNumber(trx, '+14155550147');
        events.push('second has the lock');
      });
      const other = store.transaction(async (trx) => {
        await store.lockPhoneNumber(trx, '+14155550148');
        events.push('another number is not held up');
      });
      await other;
      await new Promise((resolve) => setTimeout(resolve, 150));
      events.push('released');
      releaseFirst();
      await Promise.all([first, second]);
      assert.deepEqual(events, ['another number is not held up', 'released', 'first commits', 'second has the lock']);
    });
  });
}

describe('three stores migrating one new PostgreSQL database at once', () => {
  test(
    'each opens; every migration ran exactly once',
    { skip: testDatabaseUrl === undefined ? 'needs a PostgreSQL server: set TEST_DATABASE_URL (PGlite is one session, so nothing there can race).' : undefined },
    () =>
      withTestDatabase(async (database) => {
        const stores = await Promise.all([1, 2, 3].map(() => openPostgresStore({ connection: { connectionString: database.url }, poolSize: 2 })));
        const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(stores[0]!.db);
        assert.deepEqual(applied.rows.map((r) => r.name), Object.keys(await migrationProvider.getMigrations()).sort());
        await Promise.all(stores.map((s) => s.close()));
      }),
  );
});

describe('a Callsign in a schema of its own, beside another in public', () => {
  test(
    'each migrates its own schema and sees only its own rows',
    { skip: testDatabaseUrl === undefined ? 'needs a PostgreSQL server: set TEST_DATABASE_URL.' : undefined },
    () =>
      withTestDatabase(async (database) => {
        const inPublic = await openPostgresStore({ connection: { connectionString: database.url }, poolSize: 2 });
        await sql`create schema tenant`.execute(inPublic.db);
        // As DATABASE_URL=…?options=-c%20search_path%3Dtenant would say it.
        const url = new URL(database.url);
        url.searchParams.set('options', '-c search_path=tenant');
        const inTenant = await openPostgresStore({ connection: { connectionString: url.toString() }, poolSize: 2 });
        await inTenant.db.insertInto('users').values(userRow(undefined, 'tenant-only')).execute();
        const seen = async (store: Store): Promise<number> =>
          (await store.db.selectFrom('users').select('id').where('external_id', '=', 'tenant-only').execute()).length;
        assert.equal(await seen(inTenant), 1);
        assert.equal(await seen(inPublic), 0);
        const records = await sql<{ schema: string }>`select table_schema as schema from information_schema.tables where table_name = 'kysely_migration' order by 1`.execute(inPublic.db);
        assert.deepEqual(records.rows.map((r) => r.schema), ['public', 'tenant']);
        await Promise.all([inPublic.close(), inTenant.close()]);
      }),
  );
});

describe('PostgreSQL out of reach', () => {
  test(
    'no free connection within the connect timeout answers 503 service_unavailable, not 500',
    { skip: testDatabaseUrl === undefined ? 'needs a PostgreSQL server: set TEST_DATABASE_URL.' : undefined },
    () =>
      withTestDatabase(async (database) => {
        const store = await openPostgresStore({ connection: { connectionString: database.url }, poolSize: 1, connectTimeoutMs: 200 });
        try {
          let release!: () => void;
          const held = new Promise<void>((resolve) => (release = resolve));
          let holding!: () => void;
          const isHeld = new Promise<void>((resolve) => (holding = resolve));
          const holder = store.transaction(async () => {
            holding();
            await held;
          });
          await isHeld;
          try {
            const error = await rejection(store.transaction(async (trx) => trx.selectFrom('users').select('id').execute()));
            // The store says "unavailable"; the HTTP error handler answers that 503 with Retry-After.
            assert.equal(store.unavailable(error), true, String(error));
            const answered = toCallsignError(error, {}, 0, (e) => store.unavailable(e));
            assert.deepEqual([answered.status, answered.code, answered.retryAfterSeconds], [503, 'service_unavailable', 1]);
          } finally {
            release();
            await holder;
          }
        } finally {
          await store.close();
        }
      }),
  );
});
