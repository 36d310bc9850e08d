import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { createIdGenerator } from '../../src/domain/id.js';
import { createKeyedHasher } from '../../src/domain/keyed-hash.js';
import { DEFAULT_VERIFICATION_SETTINGS } from '../../src/domain/verification.js';
import type { ServiceContext } from '../../src/service/context.js';
import { createUserService } from '../../src/service/user.service.js';
import { createVerificationService } from '../../src/service/verification.service.js';
import type { OutgoingSms, SmsSender } from '../../src/sms/sms-sender.js';
import type { Store } from '../../src/store/database.js';
import { TestClock } from '../helpers/clock.js';
import { storeFactories } from '../helpers/stores.js';

const quiet = { info() {}, warn() {}, error() {} };

for (const storeFactory of storeFactories()) {
  describe(`verification service: what is stored (${storeFactory.name})`, () => {
    let store: Store;
    let ctx: ServiceContext;
    const sent: OutgoingSms[] = [];
    const sender: SmsSender = { provider: 'capture', keepsBody: false, send: async (m) => (sent.push(m), { status: 'delivered' }) };
    before(async () => {
      store = await storeFactory.open();
      const clock = new TestClock();
      const random = { bytes: (n: number) => randomBytes(n) };
      ctx = { store, clock, random, hasher: createKeyedHasher(Buffer.alloc(32, 9)), newId: createIdGenerator(clock, random) };
    });
    after(() => store.close());

    test('a code is stored only as its keyed hash: no table holds it, and the hash needs the key', async () => {
      const service = createVerificationService(ctx, { settings: DEFAULT_VERIFICATION_SETTINGS, sender, log: quiet });
      const view = await createUserService(ctx).create({ phoneNumbers: ['+14152019999'], phoneNumberStatuses: ['unverified'] });
      const verification = await service.prepare(view.phoneNumbers[0]!.id, { keyId: 'abcd1234' });
      const code = sent.at(-1)!.code;
      assert.match(code, /^[0-9]{6}$/);

      for (const table of ['verifications', 'sms_messages', 'phone_numbers', 'rate_limit_buckets', 'rate_limit_events']) {
        const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(store.db);
        assert.ok(!JSON.stringify(rows.rows).includes(code), `${table} holds the code`);
      }
      const row = await store.db.selectFrom('verifications').select('code_hash').where('id', '=', verification.id).executeTakeFirstOrThrow();
      assert.ok(ctx.hasher.matches(code, row.code_hash));
      assert.equal(createKeyedHasher(Buffer.alloc(32, 1)).matches(code, row.code_hash), false, 'another key does not match');
      const message = await store.db.selectFrom('sms_messages').selectAll().executeTakeFirstOrThrow();
      assert.equal(message.body, 'Your verification code is ******. It expires in 10 minutes.');
      assert.equal(message.code, null);
      await service.close();
    });

    test('a definite refusal leaves the verification failed and no retry pending', async () => {
      const refusing: SmsSender = { provider: 'capture', keepsBody: false, send: async () => ({ status: 'refused', reason: 'no such number' }) };
      const service = createVerificationService(ctx, { settings: DEFAULT_VERIFICATION_SETTINGS, sender: refusing, log: quiet });
      const view = await createUserService(ctx).create({ phoneNumbers: ['+14152019998'], phoneNumberStatuses: ['unverified'] });
      await assert.rejects(service.prepare(view.phoneNumbers[0]!.id), (e: any) => e.code === 'sms_delivery_failed' && e.status === 422);
      const v = await store.db.selectFrom('verifications').selectAll().where('phone_number_id', '=', view.phoneNumbers[0]!.id).executeTakeFirstOrThrow();
      assert.equal(v.status, 'failed');
      // A retry still owed shows in the development inbox as a message `retrying`.
      const { data } = await service.listMessages({ to: '+14152019998', limit: 10, offset: 0 });
      assert.equal(data.filter((m) => m.status === 'retrying').length, 0);
      await service.close();
    });
  });
}
