import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createGroupCommit } from '../../src/store/group-commit.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';

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

test('concurrent transactions under FULL durability all commit and are all readable', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'callsign-gc-'));
  const store = await openSqliteStore({ path: join(dir, 'db.sqlite'), synchronous: 'FULL' });
  try {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.transaction(async (trx) => {
          await trx
            .insertInto('users')
            .values({ id: `user_${i}`, external_id: null, first_name: null, last_name: null, public_metadata: '{}', private_metadata: '{}', unsafe_metadata: '{}', mfa_enabled_at: null, mfa_disabled_at: null, created_at: i, updated_at: i })
            .execute();
          return i;
        }),
      ),
    );
    assert.equal(results.length, 20);
    const count = await store.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 20);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
