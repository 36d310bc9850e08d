import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import type { Store } from '../../../src/store/database.js';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { userRow } from '../../helpers/rows.js';

const dir = mkdtempSync(join(tmpdir(), 'callsign-driver-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

/** A fresh store, and a second connection that sees committed rows only, as another program would. */
async function open(): Promise<{ store: Store; committed: () => string[]; close: () => Promise<void> }> {
  const path = join(dir, `db-${files++}.sqlite`);
  const store = await openSqliteStore({ path, synchronous: 'FULL' });
  const outside = new SqliteDatabase(path, { readonly: true });
  return {
    store,
    committed: () => outside.prepare('select id from users order by id').pluck().all() as string[],
    close: async () => {
      outside.close();
      await store.close();
    },
  };
}

const insertUser = (store: Store, id: string) => store.transaction((trx) => trx.insertInto('users').values(userRow(id)).execute());
/** Lets the database grow by two pages only, as on a full disk; returns what lifts the cap. */
async function capGrowth(store: Store): Promise<() => Promise<void>> {
  const pages = Number((await sql<{ page_count: number }>`pragma page_count`.execute(store.db)).rows[0]!.page_count);
  await sql.raw(`pragma max_page_count = ${pages + 2}`).execute(store.db);
  return async () => {
    await sql.raw('pragma max_page_count = 1073741823').execute(store.db);
  };
}

const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `user_${String(i).padStart(2, '0')}`);

test('transactions started together commit together, and none is acknowledged before its commit', async () => {
  const { store, committed, close } = await open();
  try {
    const seenInside: string[][] = [];
    const acknowledged: string[][] = [];
    await Promise.all(
      ids(10).map((id) =>
        store
          .transaction(async (trx) => {
            await trx.insertInto('users').values(userRow(id)).execute();
            seenInside.push(committed());
          })
          .then(() => acknowledged.push(committed())),
      ),
    );
    // Inside the batch, another connection sees none of the batch's earlier transactions.
    assert.deepEqual(seenInside.at(-1), [], 'the ten transactions shared one physical transaction');
    for (const seen of acknowledged) assert.deepEqual(seen, ids(10), 'each was acknowledged only once all ten were committed');
  } finally {
    await close();
  }
});

test('a transaction that throws in a batch undoes only itself', async () => {
  const { store, committed, close } = await open();
  try {
    const outcomes = await Promise.allSettled(
      ids(5).map((id, i) =>
        store.transaction(async (trx) => {
          await trx.insertInto('users').values(userRow(id)).execute();
          if (i === 2) throw new Error('refused');
        }),
      ),
    );
    assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    assert.equal((outcomes[2] as PromiseRejectedResult).reason.message, 'refused');
    assert.deepEqual(committed(), ['user_00', 'user_01', 'user_03', 'user_04']);
  } finally {
    await close();
  }
});

test('a plain query never sees a transaction that is not committed: the batch commits first', async () => {
  const { store, committed, close } = await open();
  try {
    let read: Promise<string[]> | undefined;
    let visibleToOthersWhenRead: string[] | undefined;
    const write = store.transaction(async (trx) => {
      await trx.insertInto('users').values(userRow('user_a')).execute();
      // Queued now, it runs once this transaction lets go of the connection, before the batch's own commit is due.
      read = store.db.selectFrom('users').select('id').execute().then((rows) => {
        visibleToOthersWhenRead = committed();
        return rows.map((r) => r.id);
      });
    });
    await write;
    assert.deepEqual(await read, ['user_a']);
    assert.deepEqual(visibleToOthersWhenRead, ['user_a'], 'what the read saw was already committed');
  } finally {
    await close();
  }
});

test('when SQLite loses a whole batch, every transaction in it fails: acknowledged means kept, and the store goes on', async () => {
  const { store, committed, close } = await open();
  try {
    const uncap = await capGrowth(store);
    const big = 'x'.repeat(64 * 1024);
    const users = ids(6);
    const outcomes = await Promise.allSettled(
      users.map((id, i) =>
        store.transaction((trx) => trx.insertInto('users').values({ ...userRow(id), public_metadata: i === 3 ? JSON.stringify({ big }) : '{}' }).execute()),
      ),
    );
    assert.equal(outcomes[3]!.status, 'rejected', 'the write that does not fit fails');
    assert.ok(store.unavailable((outcomes[3] as PromiseRejectedResult).reason), 'and is answered 503, the disk being full');
    const kept = committed();
    for (const [i, outcome] of outcomes.entries()) {
      assert.equal(kept.includes(users[i]!), outcome.status === 'fulfilled', `user ${i}: acknowledged if and only if kept`);
      if (outcome.status === 'rejected') assert.ok(store.unavailable(outcome.reason), `user ${i}: ${String(outcome.reason)}`);
    }
    await uncap();
    await insertUser(store, 'user_after');
    assert.ok(committed().includes('user_after'));
  } finally {
    await close();
  }
});

/**
 * Makes the first statement whose text matches `failOn`, run by any
 * connection's `exec` (which the driver uses for transaction control), fail
 * once as an I/O error would: a fault no real disk gives on demand.
 */
function failOnce(failOn: RegExp): () => void {
  const exec = SqliteDatabase.prototype.exec;
  let armed = true;
  SqliteDatabase.prototype.exec = function (this: SqliteDatabase.Database, text: string) {
    if (armed && failOn.test(text)) {
      armed = false;
      throw new SqliteDatabase.SqliteError(`injected failure of ${text}`, 'SQLITE_IOERR');
    }
    return exec.call(this, text);
  };
  return () => {
    SqliteDatabase.prototype.exec = exec;
  };
}

test('a transaction that catches the error that lost its batch cannot go on writing outside it', async () => {
  const { store, committed, close } = await open();
  try {
    const uncap = await capGrowth(store);
    const big = JSON.stringify({ big: 'x'.repeat(64 * 1024) });
    const outcomes = await Promise.allSettled([
      insertUser(store, 'user_before'),
      store.transaction(async (trx) => {
        try {
          await trx.insertInto('users').values({ ...userRow('user_big'), public_metadata: big }).execute();
        } catch {
          // a careless caller goes on
        }
        await trx.insertInto('users').values(userRow('user_after')).execute();
      }),
    ]);
    await uncap();
    const kept = committed();
    assert.ok(!kept.includes('user_after'), 'nothing is written outside a transaction');
    for (const [i, id] of ['user_before', 'user_big'].entries()) {
      assert.equal(kept.includes(id), outcomes[i]!.status === 'fulfilled', `${id}: acknowledged if and only if kept`);
    }
    assert.equal(outcomes[1]!.status, 'rejected');
    assert.ok(store.unavailable((outcomes[1] as PromiseRejectedResult).reason), 'answered 503');
  } finally {
    await close();
  }
});

for (const [what, failOn] of [
  ['the batch\'s COMMIT', /^commit$/],
  ['a failed transaction\'s ROLLBACK TO', /^rollback to /],
  ['a transaction\'s RELEASE', /^release /],
  ['a transaction\'s SAVEPOINT', /^savepoint /],
] as const) {
  test(`when ${what} fails, the batch settles, nothing of it is kept, and the store goes on`, async () => {
    const { store, committed, close } = await open();
    try {
      await insertUser(store, 'user_earlier');
      const restore = failOnce(failOn);
      const users = ids(4);
      const outcomes = await Promise.allSettled(
        users.map((id, i) =>
          store.transaction(async (trx) => {
            await trx.insertInto('users').values(userRow(id)).execute();
            if (i === 1) throw new Error('refused');
          }),
        ),
      ).finally(restore);
      const kept = committed();
      assert.ok(!kept.includes('user_01'), 'the transaction that threw is never kept');
      for (const [i, outcome] of outcomes.entries()) {
        assert.equal(kept.includes(users[i]!), outcome.status === 'fulfilled', `user ${i}: acknowledged if and only if kept`);
        if (outcome.status === 'rejected' && i !== 1) assert.ok(store.unavailable(outcome.reason), `user ${i} answered 503: ${String(outcome.reason)}`);
      }
      assert.ok(outcomes.some((o, i) => i !== 1 && o.status === 'rejected'), 'the failure reached the batch');
      await insertUser(store, 'user_later');
      assert.deepEqual(committed().filter((id) => id === 'user_earlier' || id === 'user_later'), ['user_earlier', 'user_later']);
    } finally {
      await close();
    }
  });
}
