import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { createClerkClient, type ClerkClient } from '@clerk/backend';
import { checked } from '../helpers/api.js';
import { TestClock } from '../helpers/clock.js';
import { schemaValidator } from '../helpers/reference.js';
import { useServer } from '../helpers/server.js';
import { storeFactories } from '../helpers/stores.js';

/**
 * @clerk/backend 3.25 has no phone-number verification methods: its
 * PhoneNumberAPI is get, create, update and delete only, and nothing in the
 * package calls prepare_verification or attempt_verification. So the routes
 * are driven over HTTP here (their 200s checked against the reference's
 * `_VerificationResponse` by `checked`), and the official client checks what
 * it can read: the phone number's `verification_otp` and the user.
 */
for (const storeFactory of storeFactories()) {
  describe(`@clerk/backend reads SMS verifications (${storeFactory.name})`, () => {
    const clock = new TestClock();
    const running = useServer({ storeFactory, clock, devInbox: true, verification: { testMode: true } });
    // Every answer checked on the wire: Content-Type, 200s against the reference schema, errors as ClerkErrors.
    const api = checked(running.api);
    let clerk: ClerkClient;
    before(() => {
      clerk = createClerkClient({ secretKey: running.server.key, apiUrl: running.server.url });
    });

    test('the official client has no prepare or attempt verification method for phone numbers (if one appears, extend this test)', () => {
      const phoneNumbers = clerk.phoneNumbers as unknown as Record<string, unknown>;
      for (const name of ['prepareVerification', 'attemptVerification', 'preparePhoneNumberVerification', 'attemptPhoneNumberVerification']) {
        assert.equal(typeof phoneNumbers[name], 'undefined', name);
      }
    });

    test('a phone number being verified by SMS, then verified, as the official client reads it', async () => {
      const user = await clerk.users.createUser({ firstName: 'Grace' });
      const number = await clerk.phoneNumbers.createPhoneNumber({ userId: user.id, phoneNumber: '+1 415 555 0123', verified: false });
      assert.equal(number.verification, null);

      const prepared = await api('POST', `/v1/phone_numbers/${number.id}/prepare_verification`);
      assert.equal(prepared.status, 200);
      const pending = await clerk.phoneNumbers.getPhoneNumber(number.id);
      assert.equal(pending.verification?.status, 'unverified');
      assert.equal(pending.verification?.strategy, 'phone_code');
      assert.equal(pending.verification?.attempts, 0);
      assert.equal(pending.verification?.expireAt, prepared.body.expire_at);
      assert.equal((await clerk.users.getUser(user.id)).primaryPhoneNumberId, null);

      const wrong = await api('POST', `/v1/phone_numbers/${number.id}/attempt_verification`, { body: { verification_id: prepared.body.id, code: '000000' } });
      assert.equal(wrong.body.status, 'unverified');
      assert.equal((await clerk.phoneNumbers.getPhoneNumber(number.id)).verification?.attempts, 1);

      const right = await api('POST', `/v1/phone_numbers/${number.id}/attempt_verification`, { body: { verification_id: prepared.body.id, code: '424242' } });
      assert.equal(right.body.status, 'verified');
      const verified = await clerk.phoneNumbers.getPhoneNumber(number.id);
      assert.equal(verified.verification?.status, 'verified');
      assert.equal(verified.verification?.strategy, 'phone_code');
      assert.equal(verified.verification?.attempts, 2);
      const reread = await clerk.users.getUser(user.id);
      assert.equal(reread.primaryPhoneNumberId, number.id);
      assert.equal(reread.primaryPhoneNumber?.verification?.status, 'verified');
    });

    test('every verification state of a phone number matches the reference PhoneNumber schema', async () => {
      const validate = schemaValidator('PhoneNumber');
      const user = (await api('POST', '/v1/users', { body: {} })).body;
      const n = (await api('POST', '/v1/phone_numbers', { body: { user_id: user.id, phone_number: '+14155550124' } })).body;
      const check = async (): Promise<string> => {
        const res = await api('GET', `/v1/phone_numbers/${n.id}`);
        assert.ok(validate(res.body), JSON.stringify(validate.errors));
        return (res.body as any).verification.status;
      };
      const prep = (await api('POST', `/v1/phone_numbers/${n.id}/prepare_verification`)).body;
      assert.equal(await check(), 'unverified');
      for (let i = 0; i < 3; i++) await api('POST', `/v1/phone_numbers/${n.id}/attempt_verification`, { body: { verification_id: prep.id, code: '1' } });
      assert.equal(await check(), 'failed');
      const again = (await api('POST', `/v1/phone_numbers/${n.id}/prepare_verification`)).body;
      clock.advance(10 * 60_000);
      await api('POST', `/v1/phone_numbers/${n.id}/attempt_verification`, { body: { verification_id: again.id, code: '424242' } });
      assert.equal(await check(), 'expired');
    });
  });
}
