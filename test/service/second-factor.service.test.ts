import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { backupCodeSecret } from '../../src/domain/backup-code.js';
import { createIdGenerator } from '../../src/domain/id.js';
import { createKeyedHasher } from '../../src/domain/keyed-hash.js';
import type { Random } from '../../src/domain/ports.js';
import type { ServiceContext } from '../../src/service/context.js';
import { createPhoneNumberService } from '../../src/service/phone-number.service.js';
import { createSecondFactorService, issueBackupCodesIfNone } from '../../src/service/second-factor.service.js';
import { createUserService } from '../../src/service/user.service.js';
import { listBackupCodeHashes } from '../../src/store/backup-code.repository.js';
import type { Store } from '../../src/store/database.js';
import { TestClock } from '../helpers/clock.js';
import { storeFactories } from '../helpers/stores.js';

for (const storeFactory of storeFactories()) {
  describe(`second-factor service (${storeFactory.name})`, () => {
    let store: Store;
    let ctx: ServiceContext;
    const clock = new TestClock();
    const random: Random = { bytes: (n) => randomBytes(n) };
    before(async () => {
      store = await storeFactory.open();
      ctx = { store, clock, random, hasher: createKeyedHasher(Buffer.alloc(32, 3)), newId: createIdGenerator(clock, random) };
    });
    after(() => store.close());

    const newUser = async (): Promise<string> => (await createUserService(ctx).create({})).user.id;

    test('codes are issued from the injected Random and stored as keyed hashes of purpose, user and code', async () => {
      const userId = await newUser();
      // The first draw is scripted, the rest are random.
      let draws = 0;
      const scripted: Random = { bytes: (n) => (draws++ === 0 ? Uint8Array.from({ length: n }, (_, i) => i) : randomBytes(n)) };
      const codes = await store.transaction((trx) => issueBackupCodesIfNone({ random: scripted, hasher: ctx.hasher }, trx, userId, clock.now()));
      assert.equal(codes?.length, 10);
      assert.equal(codes![0], '01234567');
      const stored = await listBackupCodeHashes(store.db, userId);
      assert.equal(stored.length, 10);
      for (const code of codes!) assert.ok(stored.includes(ctx.hasher.hash(backupCodeSecret(userId, code))));
      // A user who holds codes gets none again.
      assert.equal(await store.transaction((trx) => issueBackupCodesIfNone(ctx, trx, userId, clock.now())), null);
    });

    test('issued codes roll back with the transaction that issued them (rule 12)', async () => {
      const userId = await newUser();
      await assert.rejects(
        store.transaction(async (trx) => {
          await issueBackupCodesIfNone(ctx, trx, userId, clock.now());
          throw new Error('crash after issuing');
        }),
        /crash after issuing/,
      );
      assert.deepEqual(await listBackupCodeHashes(store.db, userId), []);
    });

    test('a refused reservation issues nothing and changes no timestamp', async () => {
      const userId = await newUser();
      const numbers = createPhoneNumberService(ctx);
      await assert.rejects(numbers.create({ userId, phoneNumber: '+14155550170', reservedForSecondFactor: true }), { code: 'form_param_value_invalid' });
      assert.deepEqual(await listBackupCodeHashes(store.db, userId), []);
      const view = await createUserService(ctx).get(userId);
      assert.equal(view.user.mfaEnabledAt, null);
      assert.equal(view.backupCodeEnabled, false);
    });

    test('verifyTotp, deleteBackupCodes and disableMfa answer values; outcomes the caller must act on are errors from the catalogue', async () => {
      const userId = await newUser();
      const { backupCodes } = await createPhoneNumberService(ctx).create({ userId, phoneNumber: '+14155550171', verified: true, reservedForSecondFactor: true });
      const service = createSecondFactorService(ctx);
      assert.deepEqual(await service.verifyTotp(userId, backupCodes![0]!), { verified: true, codeType: 'backup_code' });
      await assert.rejects(service.verifyTotp(userId, backupCodes![0]!), { code: 'form_code_incorrect', status: 422 });
      assert.deepEqual(await service.deleteBackupCodes(userId), { userId });
      assert.deepEqual(await service.disableMfa(userId), { userId });
      await assert.rejects(service.verifyTotp(userId, backupCodes![1]!), { code: 'second_factor_not_enabled', status: 400 });
      await assert.rejects(service.disableMfa('user_missing'), { code: 'resource_not_found', status: 404 });
    });
  });
}
