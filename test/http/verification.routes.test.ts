import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertError, checked } from '../helpers/api.js';
import { TestClock } from '../helpers/clock.js';
import { phoneNumberRow } from '../helpers/rows.js';
import { useServer } from '../helpers/server.js';
import { storeFactories } from '../helpers/stores.js';
import { freshNumber, verificationApi, wrongCode } from './verification-helpers.js';

const TEN_MINUTES = 10 * 60_000;

for (const storeFactory of storeFactories()) {
  describe(`SMS verification: prepare and attempt (${storeFactory.name})`, () => {
    const clock = new TestClock();
    const running = useServer({ storeFactory, clock, devInbox: true, verification: { testMode: true } });
    // Every answer checked on the wire: Content-Type, 200s against the reference schema, errors as ClerkErrors.
    const api = checked(running.api);
    const v = verificationApi(api);

    /** A number with a prepared code, read from the development inbox. */
    async function prepared(phoneNumber = freshNumber(), extra: Record<string, unknown> = {}) {
      const n = await v.newNumber(phoneNumber, extra);
      const res = await v.prepare(n.id);
      assert.equal(res.status, 200, res.text);
      return { ...n, phoneNumber, verification: res.body, code: await v.codeFor(phoneNumber) };
    }

    test('prepare answers a pending verification_otp, shows it on the number and sends the code', async () => {
      const phoneNumber = freshNumber();
      const n = await v.newNumber(phoneNumber);
      const res = await v.prepare(n.id);
      assert.equal(res.status, 200);
      assert.match(res.body.id, /^ver_[0-9A-Z]{26}$/);
      assert.deepEqual(res.body, {
        object: 'verification_otp',
        id: res.body.id,
        status: 'unverified',
        strategy: 'phone_code',
        attempts: 0,
        expire_at: clock.now() + TEN_MINUTES,
        channel: 'sms',
      });
      const number = await v.number(n.id);
      assert.deepEqual(number.verification, {
        object: 'verification_otp',
        status: 'unverified',
        strategy: 'phone_code',
        attempts: 0,
        expire_at: clock.now() + TEN_MINUTES,
        channel: 'sms',
      });
      assert.equal(number.reserved, false);
      const [message] = await v.inbox(phoneNumber);
      assert.equal(message.provider, 'log');
      assert.equal(message.status, 'delivered');
      assert.equal(message.verification_id, res.body.id);
      assert.match(message.code, /^[0-9]{6}$/);
      assert.equal(message.body, `Your verification code is ${message.code}. It expires in 10 minutes.`);
    });

    test('an empty body or none at all is {} (the official client sends no body)', async () => {
      const n = await v.newNumber(freshNumber());
      const res = await api('POST', `/v1/phone_numbers/${n.id}/prepare_verification`);
      assert.equal(res.status, 200, res.text);
      const m = await v.newNumber(freshNumber());
      const empty = await api('POST', `/v1/phone_numbers/${m.id}/prepare_verification`, { body: '', headers: { 'content-type': 'application/json' } });
      assert.equal(empty.status, 200, empty.text);
    });

    test('unverified → verified: the right code verifies and claims the number, which becomes primary', async () => {
      const p = await prepared();
      const res = await v.attempt(p.id, p.verification.id, p.code);
      assert.equal(res.status, 200);
      assert.equal(res.body.status, 'verified');
      assert.equal(res.body.attempts, 1);
      const number = await v.number(p.id);
      assert.deepEqual(number.verification, {
        object: 'verification_otp',
        status: 'verified',
        strategy: 'phone_code',
        attempts: 1,
        expire_at: p.verification.expire_at,
        channel: 'sms',
      });
      const user = (await api('GET', `/v1/users/${p.userId}`)).body;
      assert.equal(user.primary_phone_number_id, p.id);
    });

    test('spaces and dashes in a typed code are ignored', async () => {
      const p = await prepared();
      const typed = ` ${p.code.slice(0, 3)}-${p.code.slice(3)} `;
      assert.equal((await v.attempt(p.id, p.verification.id, typed)).body.status, 'verified');
    });

    test('unverified → unverified: a wrong code counts an attempt, shown on the number', async () => {
      const p = await prepared();
      const res = await v.attempt(p.id, p.verification.id, wrongCode(p.code));
      assert.equal(res.status, 200);
      assert.equal(res.body.status, 'unverified');
      assert.equal(res.body.attempts, 1);
      assert.equal((await v.number(p.id)).verification.attempts, 1);
      assert.equal((await v.number(p.id)).verification.status, 'unverified');
    });

    test('brute force: the third wrong code fails the verification, and then even the right code is refused', async () => {
      const p = await prepared();
      const bad = wrongCode(p.code);
      assert.deepEqual(
        [(await v.attempt(p.id, p.verification.id, bad)).body.status, (await v.attempt(p.id, p.verification.id, bad)).body.status],
        ['unverified', 'unverified'],
      );
      const third = await v.attempt(p.id, p.verification.id, bad);
      assert.equal(third.body.status, 'failed');
      assert.equal(third.body.attempts, 3);
      const right = await v.attempt(p.id, p.verification.id, p.code);
      assert.equal(right.status, 200);
      assert.equal(right.body.status, 'failed');
      assert.equal(right.body.attempts, 3);
      const number = await v.number(p.id);
      assert.equal(number.verification.status, 'failed');
      assert.equal((await api('GET', `/v1/users/${p.userId}`)).body.primary_phone_number_id, null, 'not claimed');
    });

    test('brute force in parallel: ten concurrent wrong codes count exactly, and the verification fails at the cap', async () => {
      const p = await prepared();
      const bad = wrongCode(p.code);
      const answers = await Promise.all(Array.from({ length: 10 }, () => v.attempt(p.id, p.verification.id, bad)));
      assert.ok(answers.every((a) => a.status === 200));
      assert.deepEqual(answers.map((a) => a.body.status).filter((s) => s === 'unverified').length, 2);
      assert.equal((await v.attempt(p.id, p.verification.id, p.code)).body.status, 'failed');
      assert.equal((await v.number(p.id)).verification.attempts, 3);
    });

    test('unverified → expired: after ten minutes even the right code answers expired', async () => {
      const p = await prepared();
      clock.advance(TEN_MINUTES);
      const res = await v.attempt(p.id, p.verification.id, p.code);
      assert.equal(res.status, 200);
      assert.equal(res.body.status, 'expired');
      assert.equal(res.body.attempts, 0);
      assert.equal((await v.number(p.id)).verification.status, 'expired');
      // Expired stays expired.
      assert.equal((await v.attempt(p.id, p.verification.id, p.code)).body.status, 'expired');
    });

    test('just before expiry the code still verifies', async () => {
      const p = await prepared();
      clock.advance(TEN_MINUTES - 1);
      assert.equal((await v.attempt(p.id, p.verification.id, p.code)).body.status, 'verified');
    });

    test('replay: attempting a verified verification again is 400 verification_already_verified', async () => {
      const p = await prepared();
      assert.equal((await v.attempt(p.id, p.verification.id, p.code)).body.status, 'verified');
      assertError(await v.attempt(p.id, p.verification.id, p.code), 400, 'verification_already_verified');
      assertError(await v.attempt(p.id, p.verification.id, wrongCode(p.code)), 400, 'verification_already_verified');
    });

    test('superseded: a new prepare makes the previous code answer expired; only the newest verifies', async () => {
      const p = await prepared();
      clock.advance(30_000);
      const second = await v.prepare(p.id);
      assert.equal(second.status, 200);
      const newCode = await v.codeFor(p.phoneNumber);
      assert.notEqual(second.body.id, p.verification.id);
      const old = await v.attempt(p.id, p.verification.id, p.code);
      assert.equal(old.body.status, 'expired');
      // The number shows the newest code, not the superseded one.
      assert.equal((await v.number(p.id)).verification.status, 'unverified');
      assert.equal((await v.number(p.id)).verification.expire_at, second.body.expire_at);
      if (newCode !== p.code) assert.equal((await v.attempt(p.id, second.body.id, p.code)).body.status, 'unverified', 'the old code on the new verification');
      assert.equal((await v.attempt(p.id, second.body.id, newCode)).body.status, 'verified');
    });

    test('a number verified by an administrator stays as it is; its code still checks', async () => {
      const phoneNumber = freshNumber();
      const n = await v.newNumber(phoneNumber, { verified: true });
      const prep = await v.prepare(n.id);
      assert.equal(prep.status, 200);
      assert.equal((await v.number(n.id)).verification.strategy, 'admin');
      const res = await v.attempt(n.id, prep.body.id, await v.codeFor(phoneNumber));
      assert.equal(res.body.status, 'verified');
      assert.equal((await v.number(n.id)).verification.strategy, 'admin');
    });

    test('a reserved number, once verified by code, is verified and no longer merely reserved', async () => {
      const phoneNumber = freshNumber();
      const user = (await api('POST', '/v1/users', { body: { phone_number: [phoneNumber], phone_number_identification_status: ['reserved'] } })).body;
      const id = user.phone_numbers[0].id;
      const prep = await v.prepare(id);
      const number = await v.number(id);
      assert.equal(number.reserved, true);
      assert.equal(number.verification.status, 'unverified');
      await v.attempt(id, prep.body.id, await v.codeFor(phoneNumber));
      const verified = await v.number(id);
      assert.equal(verified.reserved, false);
      assert.equal(verified.verification.status, 'verified');
      assert.equal((await api('GET', `/v1/users/${user.id}`)).body.primary_phone_number_id, id);
    });

    test("rule 2 and 3 at the claim: the right code removes other users' unclaimed copies", async () => {
      const phoneNumber = freshNumber();
      const a = await v.newNumber(phoneNumber);
      const b = await v.newNumber(phoneNumber);
      const prepA = await v.prepare(a.id);
      const codeA = await v.codeFor(phoneNumber);
      clock.advance(30_000);
      const prepB = await v.prepare(b.id);
      const codeB = await v.codeFor(phoneNumber);
      assert.equal((await v.attempt(a.id, prepA.body.id, codeA)).body.status, 'verified');
      assertError(await api('GET', `/v1/phone_numbers/${b.id}`), 404, 'resource_not_found');
      assertError(await v.attempt(b.id, prepB.body.id, codeB), 404, 'resource_not_found', 'phone_number_id');
      // And nobody else may start verifying it now.
      const c = await api('POST', '/v1/phone_numbers', { body: { user_id: (await api('POST', '/v1/users', { body: {} })).body.id, phone_number: phoneNumber } });
      assertError(c, 422, 'form_identifier_exists', 'phone_number');
    });

    test('a right code for a number another user claimed meanwhile: 422 form_identifier_exists, nothing changes, the code stays usable', async () => {
      const p = await prepared();
      // Another user's claim that slipped in (a race the unique index settles), written straight to the store.
      const other = (await api('POST', '/v1/users', { body: {} })).body;
      const row = phoneNumberRow(`idn_RACE${p.id.slice(8)}`, other.id, p.phoneNumber, clock.now(), 'verified');
      await running.server.store.db.insertInto('phone_numbers').values(row).execute();
      assertError(await v.attempt(p.id, p.verification.id, p.code), 422, 'form_identifier_exists', 'phone_number');
      const number = await v.number(p.id);
      assert.equal(number.verification.status, 'unverified');
      assert.equal(number.verification.attempts, 0);
      // A new code is not even sent while someone else holds the number.
      clock.advance(30_000);
      assertError(await v.prepare(p.id), 422, 'form_identifier_exists', 'phone_number');
      // Once the other user lets go, the same code verifies.
      assert.equal((await api('DELETE', `/v1/phone_numbers/${row.id}`)).status, 200);
      assert.equal((await v.attempt(p.id, p.verification.id, p.code)).body.status, 'verified');
    });

    test('unknown numbers and verifications are 404, naming the parameter', async () => {
      assertError(await v.prepare('idn_missing'), 404, 'resource_not_found', 'phone_number_id');
      const p = await prepared();
      assertError(await v.attempt('idn_missing', p.verification.id, p.code), 404, 'resource_not_found', 'phone_number_id');
      assertError(await v.attempt(p.id, 'ver_missing', p.code), 404, 'resource_not_found', 'verification_id');
      // A verification of another number is not this number's.
      const q = await prepared();
      assertError(await v.attempt(p.id, q.verification.id, q.code), 404, 'resource_not_found', 'verification_id');
      assert.equal((await v.number(q.id)).verification.attempts, 0);
    });

    test("without verification_id the code is checked against the number's current verification: the newest prepare's", async () => {
      const n = await v.newNumber(freshNumber());
      const attempt = (code: string) => api('POST', `/v1/phone_numbers/${n.id}/attempt_verification`, { body: { code } });
      const none = await attempt('123456');
      assertError(none, 404, 'resource_not_found', 'verification_id');
      assert.match(none.body.errors[0].long_message, /prepare_verification first/);

      const first = (await v.prepare(n.id)).body;
      const firstCode = (await v.inbox()).find((m) => m.verification_id === first.id).code;
      clock.advance(60_000);
      const second = (await v.prepare(n.id)).body;
      const secondCode = (await v.inbox()).find((m) => m.verification_id === second.id).code;
      if (firstCode !== secondCode) {
        const stale = await attempt(firstCode);
        assert.equal(stale.body.id, second.id, 'the current verification is the newest one');
        assert.equal(stale.body.status, 'unverified');
        assert.equal(stale.body.attempts, 1);
      }
      const right = await attempt(` ${secondCode.slice(0, 3)}-${secondCode.slice(3)} `);
      assert.equal(right.status, 200, right.text);
      assert.deepEqual([right.body.id, right.body.status], [second.id, 'verified']);
      assert.equal((await v.number(n.id)).verification.status, 'verified');
      assertError(await attempt(secondCode), 400, 'verification_already_verified');
    });

    test('malformed requests are 422 naming the parameter, and change nothing', async () => {
      const p = await prepared();
      const attempt = (body: unknown) => api('POST', `/v1/phone_numbers/${p.id}/attempt_verification`, { body });
      assertError(await attempt({ verification_id: p.verification.id }), 422, 'form_param_missing', 'code');
      assertError(await attempt({ verification_id: p.verification.id, code: Number(p.code) }), 422, 'form_param_format_invalid', 'code');
      assertError(await attempt({ verification_id: p.verification.id, code: p.code, strategy: 'phone_code' }), 422, 'form_param_unknown', 'strategy');
      assertError(await attempt({ verification_id: p.verification.id, code: '1'.repeat(1000) }), 422, 'form_param_value_invalid', 'code');
      assertError(await v.prepare(p.id, { body: { strategy: 'phone_code' } }), 422, 'form_param_unknown', 'strategy');
      assert.equal((await v.number(p.id)).verification.attempts, 0);
      assertError(await api('POST', `/v1/phone_numbers/${p.id}/prepare_verification`, { key: null }), 401, 'authentication_invalid');
    });
  });

  describe(`SMS verification: test mode (${storeFactory.name})`, () => {
    // Every answer checked on the wire: Content-Type, 200s against the reference schema, errors as ClerkErrors.
    const v = verificationApi(checked(useServer({ storeFactory, clock: new TestClock(), devInbox: true, verification: { testMode: true } }).api));

    test('+1 XXX 555-0100…0199 send nothing, accept 424242, and are exempt from the send limits', async () => {
      const phoneNumber = '+12125550142';
      const n = await v.newNumber(phoneNumber);
      // Ten sends in the same instant: no cooldown, no hourly cap.
      let last: any;
      for (let i = 0; i < 10; i++) {
        last = await v.prepare(n.id);
        assert.equal(last.status, 200, last.text);
      }
      const inbox = await v.inbox(phoneNumber);
      assert.equal(inbox.length, 10);
      assert.deepEqual(
        [inbox[0].provider, inbox[0].status, inbox[0].code, inbox[0].attempts],
        ['test_mode', 'test_mode', '424242', 0],
        'recorded, never handed to a provider',
      );
      assert.equal((await v.attempt(n.id, last.body.id, '424242')).body.status, 'verified');
    });

    test('a wrong code on a test number behaves like any wrong code', async () => {
      const n = await v.newNumber('+13105550199');
      const prep = await v.prepare(n.id);
      assert.equal((await v.attempt(n.id, prep.body.id, '123456')).body.status, 'unverified');
    });
  });

  describe(`SMS verification: test mode off (${storeFactory.name})`, () => {
    // Every answer checked on the wire: Content-Type, 200s against the reference schema, errors as ClerkErrors.
    const v = verificationApi(checked(useServer({ storeFactory, clock: new TestClock(), devInbox: true, verification: { testMode: false } }).api));

    test('a fictional number is an ordinary number: a real code is sent, and limits apply', async () => {
      const phoneNumber = '+12125550143';
      const n = await v.newNumber(phoneNumber);
      const prep = await v.prepare(n.id);
      const [message] = await v.inbox(phoneNumber);
      assert.equal(message.provider, 'log');
      assert.equal(message.status, 'delivered');
      if (message.code !== '424242') assert.equal((await v.attempt(n.id, prep.body.id, '424242')).body.status, 'unverified');
      assertError(await v.prepare(n.id), 429, 'too_many_requests');
    });
  });
}
