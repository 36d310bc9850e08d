import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { createGroupCommit } from '../../../src/store/sqlite/group-commit.js';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { countUsers } from '../../../src/store/user.repository.js';
import { userRow } from '../../helpers/rows.js';

/** A sync that takes until the test releases it, recording when each began. */
function pacedSync() {
  const started: number[] = [];
  const releases: (() => void)[] = [];
  let clock = 0;
  return {
    started,
    tick: () => ++clock,
    sync: async () => {
      started.push(clock);
      await new Promise<void>((resolve) => releases.push(resolve));
    },
    releaseNext: () => releases.shift()?.(),
  };
}

test('every flush waits for a sync that started after it was asked for; concurrent flushes share syncs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'callsign-gc-'));
  writeFileSync(join(dir, 'db-wal'), 'x');
  const paced = pacedSync();
  const group = createGroupCommit(join(dir, 'db-wal'), paced.sync);
  try {
    const done: string[] = [];
    const first = group.flush().then(() => done.push('first'));
    await new Promise((r) => setImmediate(r));
    assert.equal(paced.started.length, 1, 'the first flush starts a sync at once');

    // Ten more commits arrive while that sync runs: they cannot rely on it.
    paced.tick();
    const later = Array.from({ length: 10 }, (_, i) => group.flush().then(() => done.push(`later${i}`)));
    await new Promise((r) => setImmediate(r));
    assert.equal(paced.started.length, 1, 'no second sync while one runs');

    paced.releaseNext();
    await first;
    assert.deepEqual(done, ['first'], 'the later flushes are still waiting');
    await new Promise((r) => setImmediate(r));
    assert.equal(paced.started.length, 2, 'one shared sync for all ten');
    assert.equal(paced.started[1], 1, 'and it started after they asked');

    paced.releaseNext();
    await Promise.all(later);
    assert.equal(done.length, 11);
  } finally {
    group.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a failed sync fails the flushes that waited on it, and the next flush syncs again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'callsign-gc-'));
  writeFileSync(join(dir, 'db-wal'), 'x');
  let calls = 0;
  const group = createGroupCommit(join(dir, 'db-wal'), async () => {
    calls += 1;
    if (calls === 1) throw new Error('EIO');
  });
  try {
    await assert.rejects(group.flush(), /EIO/);
    await group.flush();
    assert.equal(calls, 2);
  } finally {
    group.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * A SyncFile that notes, when each sync starts, which users are committed
 * (read through a second connection, which sees committed rows only), and
 * takes a few milliseconds, so commits keep arriving while it runs.
 */
function observingSync(path: string) {
  const syncs: { committed: Set<string>; done: boolean }[] = [];
  let reader: SqliteDatabase.Database | undefined;
  return {
    syncs,
    sync: async (): Promise<void> => {
      reader ??= new SqliteDatabase(path, { readonly: true });
      const entry = { committed: new Set(reader.prepare('select id from users').pluck().all() as string[]), done: false };
      syncs.push(entry);
      await new Promise((resolve) => setTimeout(resolve, 3));
      entry.done = true;
    },
    close: () => reader?.close(),
  };
}

/** A store on a new file whose syncs `observed` records; `close` removes it all. */
async function openObserved(synchronous: 'FULL' | 'NORMAL') {
  const dir = mkdtempSync(join(tmpdir(), 'callsign-gc-'));
  const path = join(dir, 'db.sqlite');
  const observed = observingSync(path);
  const store = await openSqliteStore({ path, synchronous, syncFile: observed.sync });
  return {
    store,
    observed,
    close: async () => {
      await store.close();
      observed.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

test('under FULL durability each transaction resolves only after a sync that started after its commit', async () => {
  const { store, observed, close } = await openObserved('FULL');
  try {
    const covered: boolean[] = [];
    // Forty writes in waves, so later commits land while earlier syncs run.
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        await new Promise((resolve) => setTimeout(resolve, (i % 8) * 2));
        const id = `user_${i}`;
        const result = await store.transaction(async (trx) => {
          await trx.insertInto('users').values(userRow(id, i)).execute();
          return i;
        });
        assert.equal(result, i);
        // At this moment some finished sync must have begun after this commit.
        covered[i] = observed.syncs.some((s) => s.done && s.committed.has(id));
      }),
    );
    assert.deepEqual(covered, Array.from({ length: 40 }, () => true), 'every acknowledged write was synced after its commit');
    assert.ok(observed.syncs.length >= 2, 'the writes needed more than one sync');
    assert.ok(observed.syncs.length < 40, `concurrent commits shared syncs (${observed.syncs.length} for 40)`);
    assert.equal(await countUsers(store.db, {}), 40);
  } finally {
    await close();
  }
});

test('under NORMAL durability transactions wait for no sync', async () => {
  const { store, observed, close } = await openObserved('NORMAL');
  try {
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store.transaction(async (trx) => {
          await trx.insertInto('users').values(userRow(`user_${i}`, i)).execute();
        }),
      ),
    );
    assert.equal(observed.syncs.length, 0);
    assert.equal(await countUsers(store.db, {}), 10);
  } finally {
    await close();
  }
});
