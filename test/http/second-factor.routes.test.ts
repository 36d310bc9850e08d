import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backupCodeSecret } from '../../src/domain/backup-code.js';
import { createKeyedHasher } from '../../src/domain/keyed-hash.js';
import { assertError, checked } from '../helpers/api.js';
import { TestClock } from '../helpers/clock.js';
import { TEST_HASH_KEY, useServer } from '../helpers/server.js';
import { storeFactories } from '../helpers/stores.js';

const CODE = /^[0-9a-hjkmnp-tv-z]{8}$/;

for (const storeFactory of storeFactories()) {
  describe(`second factor and backup codes (${storeFactory.name})`, () => {
    // Stands still unless a test moves it: several events in one millisecond
    // are the case the MFA timestamps must survive.
    const clock = new TestClock();
    const logs: string[] = [];
    const running = useServer({ storeFactory, clock, logger: { level: 'trace', stream: { write: (line: string) => void logs.push(line) } } });
    // Every answer checked on the wire: Content-Type, 200s against the reference schema, errors as ClerkErrors.
    const api = checked(running.api);

    let next = 0;
    /** A fresh, valid US number per call, so tests never collide. */
    const freshNumber = (): string => `+1415555${String(1000 + next++).padStart(4, '0')}`;
    const newUser = async (): Promise<any> => (await api('POST', '/v1/users', { body: {} })).body;
    const getUser = async (id: string): Promise<any> => (await api('GET', `/v1/users/${id}`)).body;
    const addNumber = async (userId: string, body: object = {}): Promise<any> => {
      const res = await api('POST', '/v1/phone_numbers', { body: { user_id: userId, phone_number: freshNumber(), verified: true, ...body } });
      assert.equal(res.status, 200, res.text);
      return res.body;
    };
    const patch = async (id: string, body: object): Promise<any> => {
      const res = await api('PATCH', `/v1/phone_numbers/${id}`, { body });
      assert.equal(res.status, 200, res.text);
      return res.body;
    };
    const verify = (userId: string, code: unknown) => api('POST', `/v1/users/${userId}/verify_totp`, { body: { code } });
    /** A user with one verified number reserved for second factor, and the codes that call issued. */
    const mfaUser = async (): Promise<{ user: any; number: any; codes: string[] }> => {
      const user = await newUser();
      const number = await addNumber(user.id, { reserved_for_second_factor: true });
      return { user, number, codes: number.backup_codes };
    };

    test('reserving the first second factor issues ten codes, in that response only', async () => {
      const user = await newUser();
      assert.equal(user.backup_code_enabled, false);
      const plain = await addNumber(user.id);
      assert.equal(plain.backup_codes, null);
      const reserved = await patch(plain.id, { reserved_for_second_factor: true });
      assert.equal(reserved.reserved_for_second_factor, true);
      assert.equal(reserved.default_second_factor, true);
      assert.equal(reserved.backup_codes.length, 10);
      assert.equal(new Set(reserved.backup_codes).size, 10);
      for (const code of reserved.backup_codes) assert.match(code, CODE);

      const again = await api('GET', `/v1/phone_numbers/${plain.id}`);
      assert.equal(again.body.backup_codes, null);
      const u = await getUser(user.id);
      assert.equal(u.two_factor_enabled, true);
      assert.equal(u.backup_code_enabled, true);
      assert.equal(u.totp_enabled, false);
      assert.equal(u.mfa_enabled_at, clock.now());
      assert.equal(u.mfa_disabled_at, null);
      assert.ok(u.phone_numbers.every((n: any) => n.backup_codes === null));
      const listed = await api('GET', `/v1/users?user_id=${user.id}`);
      assert.equal(listed.body[0].backup_code_enabled, true);
      // Re-sending the same request turns nothing on, so issues nothing.
      assert.equal((await patch(plain.id, { reserved_for_second_factor: true })).backup_codes, null);
      for (const text of [again.text, JSON.stringify(u), listed.text]) {
        for (const code of reserved.backup_codes) assert.ok(!text.includes(code));
      }
    });

    test('POST /v1/phone_numbers with reserved_for_second_factor issues the codes in its response', async () => {
      const { user, number, codes } = await mfaUser();
      assert.equal(codes.length, 10);
      assert.equal(number.default_second_factor, true);
      assert.equal((await getUser(user.id)).backup_code_enabled, true);
    });

    test('codes are stored only as keyed hashes, one row each', async () => {
      const { user, codes } = await mfaUser();
      const rows = await running.server.store.db.selectFrom('backup_codes').selectAll().where('user_id', '=', user.id).execute();
      assert.equal(rows.length, 10);
      const hasher = createKeyedHasher(TEST_HASH_KEY);
      for (const code of codes) {
        assert.ok(rows.some((r) => hasher.matches(backupCodeSecret(user.id, code), r.code_hash)));
        assert.ok(rows.every((r) => !r.code_hash.includes(code)));
      }
    });

    test('reserved_for_second_factor requires a verified number: 422 naming it, nothing written', async () => {
      const user = await newUser();
      const create = await api('POST', '/v1/phone_numbers', {
        body: { user_id: user.id, phone_number: freshNumber(), reserved_for_second_factor: true },
      });
      assertError(create, 422, 'form_param_value_invalid', 'reserved_for_second_factor');
      const unverified = await addNumber(user.id, { verified: false });
      assertError(
        await api('PATCH', `/v1/phone_numbers/${unverified.id}`, { body: { reserved_for_second_factor: true } }),
        422,
        'form_param_value_invalid',
        'reserved_for_second_factor',
      );
      const verified = await addNumber(user.id);
      assertError(
        await api('PATCH', `/v1/phone_numbers/${verified.id}`, { body: { verified: false, reserved_for_second_factor: true } }),
        422,
        'form_param_value_invalid',
        'reserved_for_second_factor',
      );
      const u = await getUser(user.id);
      assert.equal(u.two_factor_enabled, false);
      assert.equal(u.backup_code_enabled, false);
      assert.equal(u.phone_numbers.length, 2);
      assert.equal(u.phone_numbers[1].verification.status, 'verified', 'the refused PATCH unverified nothing');
    });

    test('one default: the first second factor; removing it promotes the oldest other reserved number', async () => {
      const user = await newUser();
      const [a, b, c, d] = [await addNumber(user.id), await addNumber(user.id), await addNumber(user.id), await addNumber(user.id)];
      await patch(c.id, { reserved_for_second_factor: true });
      assert.equal((await patch(b.id, { reserved_for_second_factor: true })).default_second_factor, false);
      assert.equal((await patch(a.id, { reserved_for_second_factor: true })).default_second_factor, false);
      const defaults = async (): Promise<string[]> =>
        (await getUser(user.id)).phone_numbers.filter((n: any) => n.default_second_factor).map((n: any) => n.id);
      assert.deepEqual(await defaults(), [c.id]);
      // Unreserving the default promotes the oldest other reserved number (a, not b).
      await patch(c.id, { reserved_for_second_factor: false });
      assert.deepEqual(await defaults(), [a.id]);
      // Deleting the default promotes the next oldest.
      await api('DELETE', `/v1/phone_numbers/${a.id}`);
      assert.deepEqual(await defaults(), [b.id]);
      // Unverifying the default unreserves it; none other is reserved, so MFA is off.
      const unverified = await patch(b.id, { verified: false });
      assert.equal(unverified.reserved_for_second_factor, false);
      assert.equal(unverified.default_second_factor, false);
      const u = await getUser(user.id);
      assert.deepEqual(await defaults(), []);
      assert.equal(u.two_factor_enabled, false);
      assert.equal(u.backup_code_enabled, false);
      assert.ok(d.id);
    });

    test('verify_totp with a backup code: verified once, then 422; case, spaces and dashes ignored', async () => {
      const { user, codes } = await mfaUser();
      const first = await verify(user.id, codes[0]);
      assert.equal(first.status, 200);
      assert.deepEqual(first.body, { verified: true, code_type: 'backup_code' });
      assertError(await verify(user.id, codes[0]), 422, 'form_code_incorrect', 'code');
      const typed = `${codes[1]!.slice(0, 4).toUpperCase()}-${codes[1]!.slice(4)} `;
      assert.equal((await verify(user.id, typed)).status, 200);
      assertError(await verify(user.id, codes[1]), 422, 'form_code_incorrect', 'code');
    });

    test('wrong, malformed and other users\' codes answer 422 and use nothing up', async () => {
      const { user, codes } = await mfaUser();
      const other = await mfaUser();
      for (const code of ['00000000', 'nope', '', 'x'.repeat(64), other.codes[0], '424242']) {
        assertError(await verify(user.id, code), 422, 'form_code_incorrect', 'code');
      }
      assertError(await verify(user.id, 'x'.repeat(65)), 422, 'form_param_value_invalid', 'code');
      assertError(await api('POST', `/v1/users/${user.id}/verify_totp`, { body: {} }), 422, 'form_param_missing', 'code');
      assertError(await verify(user.id, 12345678), 422, 'form_param_format_invalid', 'code');
      assertError(await api('POST', `/v1/users/${user.id}/verify_totp`, { body: { code: codes[0], totp: true } }), 422, 'form_param_unknown');
      // Every code still works once.
      for (const code of codes) assert.equal((await verify(user.id, code)).status, 200);
      assert.equal((await verify(other.user.id, other.codes[0])).status, 200);
    });

    test('using the last code turns backup_code_enabled off but keeps two_factor_enabled', async () => {
      const { user, codes } = await mfaUser();
      for (const code of codes) assert.equal((await verify(user.id, code)).status, 200);
      const u = await getUser(user.id);
      assert.equal(u.backup_code_enabled, false);
      assert.equal(u.two_factor_enabled, true);
      assertError(await verify(user.id, codes[9]), 422, 'form_code_incorrect');
    });

    test('verify_totp for a user without a second factor is 400 saying Callsign has no TOTP; unknown user 404', async () => {
      const user = await newUser();
      await addNumber(user.id);
      const res = await verify(user.id, '123456');
      assertError(res, 400, 'second_factor_not_enabled');
      assert.match(res.body.errors[0].long_message, /Callsign has no TOTP/);
      assertError(await verify('user_missing', '12345678'), 404, 'resource_not_found', 'user_id');
    });

    test('concurrent requests with one code: exactly one is verified', async () => {
      const { user, codes } = await mfaUser();
      const results = await Promise.all(Array.from({ length: 12 }, () => verify(user.id, codes[3])));
      assert.deepEqual(results.map((r) => r.status).sort(), [200, ...Array(11).fill(422)]);
    });

    test('DELETE /backup_code removes the codes, answers {user_id}, and keeps the second factors', async () => {
      const { user, number, codes } = await mfaUser();
      const res = await api('DELETE', `/v1/users/${user.id}/backup_code`);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { user_id: user.id });
      const u = await getUser(user.id);
      assert.equal(u.backup_code_enabled, false);
      assert.equal(u.two_factor_enabled, true);
      assertError(await verify(user.id, codes[0]), 422, 'form_code_incorrect');
      // Not the first second factor: a second reserved number issues no codes.
      const second = await addNumber(user.id, { reserved_for_second_factor: true });
      assert.equal(second.backup_codes, null);
      assert.equal((await patch(number.id, { primary: true })).backup_codes, null);
      assert.equal((await getUser(user.id)).backup_code_enabled, false);
      // Idempotent.
      assert.deepEqual((await api('DELETE', `/v1/users/${user.id}/backup_code`)).body, { user_id: user.id });
      assertError(await api('DELETE', '/v1/users/user_missing/backup_code'), 404, 'resource_not_found');
    });

    test('DELETE /mfa unreserves every number (they stay), removes the codes, records mfa_disabled_at', async () => {
      const { user, number, codes } = await mfaUser();
      const other = await addNumber(user.id, { reserved_for_second_factor: true });
      clock.advance(1000);
      const res = await api('DELETE', `/v1/users/${user.id}/mfa`);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { user_id: user.id });
      const u = await getUser(user.id);
      assert.deepEqual(
        u.phone_numbers.map((n: any) => [n.id, n.reserved_for_second_factor, n.default_second_factor, n.verification.status]),
        [[number.id, false, false, 'verified'], [other.id, false, false, 'verified']],
      );
      assert.equal(u.two_factor_enabled, false);
      assert.equal(u.backup_code_enabled, false);
      assert.equal(u.mfa_disabled_at, clock.now());
      assert.ok(u.mfa_enabled_at < u.mfa_disabled_at);
      assertError(await verify(user.id, codes[0]), 400, 'second_factor_not_enabled');
      // Turning MFA on again issues a fresh set; the old codes are gone for good.
      const again = await patch(other.id, { reserved_for_second_factor: true });
      assert.equal(again.backup_codes.length, 10);
      assert.ok(again.backup_codes.every((c: string) => !codes.includes(c)));
      assertError(await verify(user.id, codes[0]), 422, 'form_code_incorrect');
      assert.equal((await verify(user.id, again.backup_codes[0])).status, 200);
      assertError(await api('DELETE', '/v1/users/user_missing/mfa'), 404, 'resource_not_found');
    });

    test('DELETE /mfa on a user without MFA changes no timestamp', async () => {
      const user = await newUser();
      await api('DELETE', `/v1/users/${user.id}/mfa`);
      const u = await getUser(user.id);
      assert.equal(u.mfa_enabled_at, null);
      assert.equal(u.mfa_disabled_at, null);
    });

    test('the last second factor going away implicitly takes the codes with it: delete, unverify, unreserve, replace', async () => {
      const ways: [string, (user: any, number: any) => Promise<unknown>][] = [
        ['delete', (_u, n) => api('DELETE', `/v1/phone_numbers/${n.id}`)],
        ['unverify', (_u, n) => patch(n.id, { verified: false })],
        ['unreserve', (_u, n) => patch(n.id, { reserved_for_second_factor: false })],
        ['replace', (u) => api('PUT', `/v1/users/${u.id}/phone_number`, { body: { phone_number: freshNumber() } })],
      ];
      for (const [way, act] of ways) {
        const { user, number, codes } = await mfaUser();
        await act(user, number);
        const u = await getUser(user.id);
        assert.equal(u.two_factor_enabled, false, way);
        assert.equal(u.backup_code_enabled, false, way);
        assert.ok(u.mfa_disabled_at > u.mfa_enabled_at, way);
        assertError(await verify(user.id, codes[0]), 400, 'second_factor_not_enabled');
        const rows = await running.server.store.db.selectFrom('backup_codes').select('code_hash').where('user_id', '=', user.id).execute();
        assert.equal(rows.length, 0, way);
      }
    });

    test('replace answers the new number with backup_codes null and MFA off', async () => {
      const { user } = await mfaUser();
      const res = await api('PUT', `/v1/users/${user.id}/phone_number`, { body: { phone_number: freshNumber() } });
      assert.equal(res.status, 200);
      assert.equal(res.body.reserved_for_second_factor, false);
      assert.equal(res.body.backup_codes, null);
    });

    test('MFA timestamps never tie, even when on, off and on again fall in one millisecond', async () => {
      const user = await newUser();
      const n = await addNumber(user.id);
      const t = clock.now();
      const first = await patch(n.id, { reserved_for_second_factor: true });
      await patch(n.id, { reserved_for_second_factor: false });
      let u = await getUser(user.id);
      assert.equal(u.mfa_enabled_at, t);
      assert.equal(u.mfa_disabled_at, t + 1);
      const second = await patch(n.id, { reserved_for_second_factor: true });
      u = await getUser(user.id);
      assert.equal(u.mfa_enabled_at, t + 2);
      assert.equal(u.two_factor_enabled, true);
      assert.equal(second.backup_codes.length, 10);
      assert.ok(second.backup_codes.every((c: string) => !first.backup_codes.includes(c)));
      // Still on: after DELETE /backup_code an unrelated change must not re-issue codes.
      await api('DELETE', `/v1/users/${user.id}/backup_code`);
      assert.equal((await patch(n.id, { reserved_for_second_factor: true })).backup_codes, null);
      assert.equal((await getUser(user.id)).mfa_enabled_at, t + 2);
    });

    test('deleting a user removes their codes', async () => {
      const { user } = await mfaUser();
      await api('DELETE', `/v1/users/${user.id}`);
      const rows = await running.server.store.db.selectFrom('backup_codes').select('code_hash').where('user_id', '=', user.id).execute();
      assert.equal(rows.length, 0);
    });

    test('no code ever reaches the log', async () => {
      const { user, codes } = await mfaUser();
      await verify(user.id, codes[0]);
      await verify(user.id, codes[0]);
      assert.ok(logs.length > 0, 'the logger ran');
      const all = logs.join('');
      for (const code of codes) assert.ok(!all.includes(code), 'a backup code was logged');
    });
  });
}
