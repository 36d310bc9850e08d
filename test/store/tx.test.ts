import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Store } from '../../src/store/database.js';
import { userRow } from '../helpers/rows.js';
import { storeFactories } from '../helpers/stores.js';

/** The transaction handle use cases get: its locks, and the writes that must commit with a change. */
for (const factory of storeFactories()) {
  describe(`transaction handle (${factory.name})`, () => {
    let store: Store;
    before(async () => {
      store = await factory.open();
    });
    after(() => store.close());

    const exists = async (id: string): Promise<boolean> =>
      (await store.db.selectFrom('users').select('id').where('id', '=', id).execute()).length === 1;

    test('a write added with writeWith runs after the work, in the same transaction: both commit', async () => {
      const order: string[] = [];
      await store.transaction(async (tx) => {
        tx.writeWith(async (trx) => {
          order.push('with');
          await trx.insertInto('users').values(userRow('user_with_1')).execute();
        });
        await tx.insertInto('users').values(userRow('user_work_1')).execute();
        order.push('work');
      });
      assert.deepEqual(order, ['work', 'with']);
      assert.deepEqual([await exists('user_work_1'), await exists('user_with_1')], [true, true]);
    });

    test('a change that rolls back takes its added writes with it, and a failing added write rolls back the change', async () => {
      await assert.rejects(
        store.transaction(async (tx) => {
          tx.writeWith((trx) => trx.insertInto('users').values(userRow('user_with_2')).execute().then(() => undefined));
          await tx.insertInto('users').values(userRow('user_work_2')).execute();
          throw new Error('the use case refuses');
        }),
        /the use case refuses/,
      );
      await assert.rejects(
        store.transaction(async (tx) => {
          // The same id twice: the added write fails on the primary key.
          tx.writeWith((trx) => trx.insertInto('users').values(userRow('user_work_3')).execute().then(() => undefined));
          await tx.insertInto('users').values(userRow('user_work_3')).execute();
        }),
      );
      assert.deepEqual([await exists('user_with_2'), await exists('user_work_2'), await exists('user_work_3')], [false, false, false]);
    });

    test('reads for change lock through the handle: lockUser and lockPhoneNumber answer inside a transaction', async () => {
      await store.db.insertInto('users').values(userRow('user_locked')).execute();
      const seen = await store.transaction(async (tx) => {
        await tx.lockUser('user_locked');
        await tx.lockPhoneNumber('+14155550199');
        return (await tx.selectFrom('users').select('id').where('id', '=', 'user_locked').execute()).length;
      });
      assert.equal(seen, 1);
    });
  });
}
