import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertError, checked } from '../helpers/api.js';
import { TestClock } from '../helpers/clock.js';
import { TEST_SECRET_KEY, useServer } from '../helpers/server.js';
import { storeFactories, type StoreFactory } from '../helpers/stores.js';
import { freshNumber, verificationApi } from './verification-helpers.js';

const SECOND_KEY = 'sk_test_callsign_second_key_abcdefghij';
const HOUR = 60 * 60_000;

/** The suite's server in test mode, taking either key, each with `keyHourlyLimit` sends an hour. */
const useTwoKeyServer = (storeFactory: StoreFactory, clock: TestClock, keyHourlyLimit: number) =>
  useServer({ storeFactory, clock, secretKeys: [TEST_SECRET_KEY, SECOND_KEY], devInbox: true, verification: { testMode: true, keyHourlyLimit } });

for (const storeFactory of storeFactories()) {
  describe(`SMS send limits (rule 8) (${storeFactory.name})`, () => {
    const clock = new TestClock();
    // Every answer checked on the wire: Content-Type, 200s against the reference schema, errors as ClerkErrors.
    const api = checked(useTwoKeyServer(storeFactory, clock, 1000).api);
    const v = verificationApi(api);

    test('resend cooldown: 429 too_many_requests with Retry-After counting down to the second', async () => {
      const phoneNumber = freshNumber();
      const n = await v.newNumber(phoneNumber);
      assert.equal((await v.prepare(n.id)).status, 200);
      const before = (await v.number(n.id)).verification;
      const refused = await v.prepare(n.id);
      assertError(refused, 429, 'too_many_requests');
      assert.equal(refused.headers.get('retry-after'), '30');
      clock.advance(10_500);
      assert.equal((await v.prepare(n.id)).headers.get('retry-after'), '20', 'rounded up');
      // Nothing was sent or changed by the refusals.
      assert.equal((await v.inbox(phoneNumber)).length, 1);
      assert.deepEqual((await v.number(n.id)).verification, before);
      clock.advance(19_500);
      assert.equal((await v.prepare(n.id)).status, 200);
    });

    test('hourly cap per number: the sixth send in an hour waits until the first leaves the window', async () => {
      const n = await v.newNumber(freshNumber());
      const start = clock.now();
      for (let i = 0; i < 5; i++) {
        assert.equal((await v.prepare(n.id)).status, 200, `send ${i + 1}`);
        clock.advance(60_000);
      }
      const refused = await v.prepare(n.id);
      assertError(refused, 429, 'too_many_requests');
      assert.match(refused.body.errors[0].long_message, /5 codes/);
      assert.equal(Number(refused.headers.get('retry-after')), (start + HOUR - clock.now()) / 1000);
      clock.set(start + HOUR);
      assert.equal((await v.prepare(n.id)).status, 200);
    });

    test('limits follow the number, not the row: other users holding it, and deleting and re-adding it, share them', async () => {
      const phoneNumber = freshNumber();
      const a = await v.newNumber(phoneNumber);
      const b = await v.newNumber(phoneNumber);
      assert.equal((await v.prepare(a.id)).status, 200);
      assertError(await v.prepare(b.id), 429, 'too_many_requests');
      await api('DELETE', `/v1/phone_numbers/${a.id}`);
      const again = await api('POST', '/v1/phone_numbers', { body: { user_id: a.userId, phone_number: phoneNumber } });
      assertError(await v.prepare(again.body.id), 429, 'too_many_requests');
    });

    test('concurrent sends to one number: exactly one passes the cooldown', async () => {
      const phoneNumber = freshNumber();
      const n = await v.newNumber(phoneNumber);
      const answers = await Promise.all(Array.from({ length: 10 }, () => v.prepare(n.id)));
      assert.deepEqual(answers.map((a) => a.status).sort(), [200, ...Array(9).fill(429)]);
      assert.equal((await v.inbox(phoneNumber)).length, 1);
    });
  });

  describe(`SMS send limits per secret key (${storeFactory.name})`, () => {
    const clock = new TestClock();
    const running = useTwoKeyServer(storeFactory, clock, 4);
    // Every answer checked on the wire: Content-Type, 200s against the reference schema, errors as ClerkErrors.
    const v = verificationApi(checked(running.api));

    test('each key has its own hourly allowance, counted in the database; concurrent sends cannot overshoot it', async () => {
      const numbers = [];
      for (let i = 0; i < 10; i++) numbers.push(await v.newNumber(freshNumber()));
      const answers = await Promise.all(numbers.map((n) => v.prepare(n.id)));
      assert.equal(answers.filter((a) => a.status === 200).length, 4);
      const refused = answers.filter((a) => a.status === 429);
      assert.equal(refused.length, 6);
      for (const r of refused) {
        assertError(r, 429, 'too_many_requests');
        assert.match(r.body.errors[0].long_message, /secret key/);
        assert.equal(r.headers.get('retry-after'), '3600');
      }
      // The other key is not affected.
      const idle = numbers.find((n, i) => answers[i]!.status === 429)!;
      assert.equal((await v.prepare(idle.id, { key: SECOND_KEY })).status, 200);
      // An hour later the first key may send again.
      clock.advance(HOUR);
      const later = numbers.find((n, i) => answers[i]!.status === 429 && n.id !== idle.id)!;
      assert.equal((await v.prepare(later.id)).status, 200);
    });

    test('the limiter stores a key id, never the key', async () => {
      const buckets = await running.server.store.db.selectFrom('rate_limit_buckets').select('bucket').execute();
      const text = JSON.stringify(buckets);
      assert.doesNotMatch(text, /sk_test/);
      assert.ok(buckets.some((b) => /^key:[0-9a-f]{8}$/.test(b.bucket)));
    });
  });

  describe(`SMS pumping guard (${storeFactory.name})`, () => {
    // Every answer checked on the wire: Content-Type, 200s against the reference schema, errors as ClerkErrors.
    const v = verificationApi(checked(useServer({ storeFactory, clock: new TestClock(), devInbox: true, verification: { testMode: true, blockedCountries: ['RU'] } }).api));

    const cases: [string, string, string][] = [
      ['premium rate (US 900)', '+19005551234', 'phone_number_premium_rate'],
      ['premium rate (FR 0899)', '+33899123456', 'phone_number_premium_rate'],
      ['shared cost (FR 0810)', '+33810123456', 'phone_number_shared_cost'],
      ['fixed line (GB)', '+442079460958', 'phone_number_cannot_receive_sms'],
      ['toll free (US 800)', '+18005551234', 'phone_number_cannot_receive_sms'],
      ['pager (GB 076)', '+447640123456', 'phone_number_cannot_receive_sms'],
      ['a blocked country', '+79123456789', 'sms_country_blocked'],
    ];
    for (const [what, phoneNumber, code] of cases) {
      test(`${what}: 422 ${code}, nothing sent, nothing recorded`, async () => {
        const n = await v.newNumber(phoneNumber);
        const res = await v.prepare(n.id);
        assertError(res, 422, code, 'phone_number');
        assert.equal((await v.number(n.id)).verification, null);
        assert.deepEqual(await v.inbox(phoneNumber), []);
      });
    }

    test('a mobile number abroad is sent to', async () => {
      const n = await v.newNumber('+33612345678');
      assert.equal((await v.prepare(n.id)).status, 200);
    });
  });

  describe(`SMS allowed countries (${storeFactory.name})`, () => {
    // Every answer checked on the wire: Content-Type, 200s against the reference schema, errors as ClerkErrors.
    const v = verificationApi(checked(useServer({ storeFactory, clock: new TestClock(), devInbox: true, verification: { allowedCountries: ['US', 'CA'] } }).api));

    test('only listed countries are sent to; the others are 422 sms_country_not_allowed', async () => {
      assert.equal((await v.prepare((await v.newNumber(freshNumber())).id)).status, 200);
      const fr = await v.newNumber('+33612345678');
      const res = await v.prepare(fr.id);
      assertError(res, 422, 'sms_country_not_allowed', 'phone_number');
      assert.match(res.body.errors[0].long_message, /FR/);
      assert.deepEqual(await v.inbox('+33612345678'), []);
    });
  });
}
