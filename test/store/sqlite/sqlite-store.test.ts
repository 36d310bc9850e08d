import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { PhoneNumber } from '../../../src/domain/phone-number.js';
import type { Store } from '../../../src/store/database.js';
import { findPhoneNumber } from '../../../src/store/phone-number.repository.js';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { DatabaseInUseError, lockPathFor } from '../../../src/store/sqlite/process-lock.js';
import { cliEnv, runBin } from '../../helpers/cli.js';
import { spawnCallsign } from '../../helpers/process.js';
import { phoneNumberRow, userRow } from '../../helpers/rows.js';

const dir = mkdtempSync(join(tmpdir(), 'callsign-sqlite-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const newPath = (): string => join(dir, `db-${files++}.sqlite`);

describe('the phone-number cache of the SQLite store', () => {
  let store: Store;
  /** Reads `id` through the cache, counting how often the database was asked. */
  let loads = 0;
  const read = (id: string): Promise<PhoneNumber | undefined> =>
    store.phoneNumberCache!.read(id, () => {
      loads++;
      return findPhoneNumber(store.db, id);
    });

  test('every change to a number, by any statement, reaches the cache before the statement returns', async () => {
    store = await openSqliteStore({ path: newPath() });
    try {
      await store.transaction(async (trx) => {
        await trx.insertInto('users').values([userRow('user_1'), userRow('user_2')]).execute();
        await trx.insertInto('phone_numbers').values([phoneNumberRow('idn_1', 'user_1', '+14155550101'), phoneNumberRow('idn_2', 'user_1', '+14155550102'), phoneNumberRow('idn_3', 'user_2', '+14155550103')]).execute();
      });
      for (const id of ['idn_1', 'idn_2', 'idn_3']) await read(id);
      assert.equal(loads, 3);
      await read('idn_1');
      assert.equal(loads, 3, 'a second read is served from memory');

      await store.transaction((trx) => trx.updateTable('phone_numbers').set({ updated_at: 2 }).where('id', '=', 'idn_1').execute());
      assert.equal((await read('idn_1'))?.updatedAt, 2, 'an update is seen');
      assert.equal(loads, 4);

      // A change rolled back still drops the row; the next read finds it as it was.
      await assert.rejects(
        store.transaction(async (trx) => {
          await trx.updateTable('phone_numbers').set({ updated_at: 3 }).where('id', '=', 'idn_1').execute();
          throw new Error('rolled back');
        }),
      );
      assert.equal((await read('idn_1'))?.updatedAt, 2);
      assert.equal(loads, 5);

      // Deleting the user deletes its numbers by cascade, inside the database.
      await store.transaction((trx) => trx.deleteFrom('users').where('id', '=', 'user_1').execute());
      assert.equal(await read('idn_1'), undefined);
      assert.equal(await read('idn_2'), undefined);
      await read('idn_3');
      assert.equal(loads, 7, 'the other user\'s number stayed in memory');
    } finally {
      await store.close();
    }
  });
});

describe('one process per SQLite file', () => {
  test('a second store on a file already open is refused, naming the file, and opens once the first closes', async () => {
    const path = newPath();
    const first = await openSqliteStore({ path });
    await assert.rejects(openSqliteStore({ path }), (error: unknown) => {
      assert.ok(error instanceof DatabaseInUseError);
      assert.match(error.message, new RegExp(`another process is using the SQLite database ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      assert.match(error.message, /PostgreSQL/);
      return true;
    });
    await first.close();
    const second = await openSqliteStore({ path });
    await second.close();
    assert.ok(existsSync(lockPathFor(path)));
  });

  test('a second Callsign process, or `callsign migrate`, on the same file exits 1 with that message; the first keeps serving', async () => {
    const path = newPath();
    const first = await spawnCallsign({ DATABASE_URL: `sqlite:${path}` });
    try {
      await assert.rejects(spawnCallsign({ DATABASE_URL: `sqlite:${path}` }, 15_000), /exited \(1\) before listening:[\s\S]*another process is using the SQLite database/);
      const migrate = await runBin(['migrate', '--database-url', `sqlite:${path}`], cliEnv());
      assert.equal(migrate.code, 1);
      assert.match(migrate.stderr, /another process is using the SQLite database/);
      assert.equal((await fetch(`${first.url}/readyz`)).status, 200);
    } finally {
      await first.stop();
    }
    // The lock went with the process: a new one starts.
    const next = await spawnCallsign({ DATABASE_URL: `sqlite:${path}` });
    await next.stop();
  });

  test('a process that dies without closing leaves no lock behind', async () => {
    const path = newPath();
    const first = await spawnCallsign({ DATABASE_URL: `sqlite:${path}` });
    await first.stop('SIGKILL');
    const next = await spawnCallsign({ DATABASE_URL: `sqlite:${path}` });
    await next.stop();
  });
});

test('the lock follows the file, not the name: a second store through a symbolic link is refused too', async () => {
  const path = newPath();
  const link = join(dir, `link-${files++}.sqlite`);
  const first = await openSqliteStore({ path });
  try {
    symlinkSync(path, link);
    await assert.rejects(openSqliteStore({ path: link }), DatabaseInUseError);
  } finally {
    await first.close();
  }
  // Through the link, once free, it opens, and FULL durability finds the WAL beside the real file.
  const viaLink = await openSqliteStore({ path: link, synchronous: 'FULL' });
  try {
    await viaLink.transaction((trx) => trx.insertInto('users').values(userRow('user_via_link')).execute());
  } finally {
    await viaLink.close();
  }
});
