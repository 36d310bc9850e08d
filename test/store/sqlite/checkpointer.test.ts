import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { startCheckpointer } from '../../../src/store/sqlite/checkpointer.js';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { countUsers } from '../../../src/store/user.repository.js';
import { userRow } from '../../helpers/rows.js';

/** A user row padded with metadata, so that a few hundred of them fill thousands of WAL pages. */
const bulkyUser = (i: number) => ({
  ...userRow(`user_${String(i).padStart(8, '0')}`, i),
  external_id: `ext-${'x'.repeat(200)}-${i}`,
  public_metadata: JSON.stringify({ pad: 'y'.repeat(300) }),
});

test('the WAL is checkpointed into the database file by the worker, not by COMMITs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'callsign-ckpt-'));
  const path = join(dir, 'db.sqlite');
  const store = await openSqliteStore({ path, synchronous: 'NORMAL' });
  try {
    const before = statSync(path).size;
    // A few thousand WAL frames: below the COMMIT-time backstop (10 000), so only the worker can move them.
    for (let i = 0; i < 600; i++) {
      await store.transaction((trx) => trx.insertInto('users').values(bulkyUser(i)).execute());
    }
    let grown = false;
    for (let wait = 0; wait < 50 && !grown; wait++) {
      await sleep(100);
      grown = statSync(path).size > before + 250_000;
    }
    assert.ok(grown, `the database file should have received the WAL's pages (was ${before}, now ${statSync(path).size} bytes)`);
    assert.equal(await countUsers(store.db, {}), 600);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('closing the store stops the worker and leaves a complete database', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'callsign-ckpt-'));
  const path = join(dir, 'db.sqlite');
  const first = await openSqliteStore({ path });
  await first.transaction((trx) => trx.insertInto('users').values(bulkyUser(1)).execute());
  await first.close();
  const again = await openSqliteStore({ path });
  try {
    const row = await again.db.selectFrom('users').select('id').executeTakeFirst();
    assert.equal(row?.id, 'user_00000001');
  } finally {
    await again.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a worker that fails is reported, never ends the process, and still stops', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'callsign-ckpt-'));
  let reportFailure!: (error: Error) => void;
  // The worker keeps no event loop alive (it is unref'd); this timer does, and bounds the wait.
  let timer: NodeJS.Timeout | undefined;
  const failed = new Promise<Error>((resolve, reject) => {
    reportFailure = resolve;
    timer = setTimeout(() => reject(new Error('the failure was never reported')), 10_000);
  });
  // A folder is no database file: the worker's connection cannot open it.
  const checkpointer = startCheckpointer(dir, (error) => reportFailure(error), 10);
  try {
    const error = await failed;
    assert.match(error.message, /unable to open database file/);
  } finally {
    clearTimeout(timer);
    await checkpointer.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
