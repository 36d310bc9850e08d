import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertError, checked } from '../helpers/api.js';
import { TEST_SECRET_KEY, useServer } from '../helpers/server.js';
import { storeFactories } from '../helpers/stores.js';

for (const storeFactory of storeFactories()) {
  describe(`phone number routes (${storeFactory.name})`, () => {
    // Every answer checked on the wire: Content-Type, 200s against the reference schema, errors as ClerkErrors.
    const api = checked(useServer({ storeFactory }).api);

    const newUser = async (body: object = {}): Promise<any> => (await api('POST', '/v1/users', { body })).body;
    const getUser = async (id: string): Promise<any> => (await api('GET', `/v1/users/${id}`)).body;

    test('creates an unverified number in E.164, unclaimed and not primary', async () => {
      const user = await newUser();
      const res = await api('POST', '/v1/phone_numbers', { body: { user_id: user.id, phone_number: '+44 (20) 7946-0958' } });
      assert.equal(res.status, 200);
      assert.equal(res.body.phone_number, '+442079460958');
      assert.equal(res.body.object, 'phone_number');
      assert.match(res.body.id, /^idn_[0-9A-Z]{26}$/);
      assert.equal(res.body.verification, null);
      assert.equal(res.body.reserved, false);
      assert.deepEqual(res.body.linked_to, []);
      assert.equal(res.body.backup_codes, null);
      assert.equal((await getUser(user.id)).primary_phone_number_id, null);
    });

    test('a verified number gets the admin verification and becomes primary by itself', async () => {
      const user = await newUser();
      const res = await api('POST', '/v1/phone_numbers', { body: { user_id: user.id, phone_number: '+14155550101', verified: true } });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.verification, { object: 'verification_admin', status: 'verified', strategy: 'admin', attempts: null, expire_at: null });
      assert.equal((await getUser(user.id)).primary_phone_number_id, res.body.id);
    });

    test('a number added beside a primary changes no other number, answers as stored, and moves the user updated_at', async () => {
      const user = await newUser({ phone_number: ['+14155550131'] });
      const before = await getUser(user.id);
      await new Promise((resolve) => setTimeout(resolve, 5));
      for (const [phone_number, verified] of [['+14155550132', true], ['+14155550133', false]] as const) {
        const res = await api('POST', '/v1/phone_numbers', { body: { user_id: user.id, phone_number, verified } });
        assert.equal(res.status, 200);
        assert.deepEqual(res.body, (await api('GET', `/v1/phone_numbers/${res.body.id}`)).body);
      }
      const after = await getUser(user.id);
      assert.equal(after.primary_phone_number_id, before.primary_phone_number_id);
      assert.deepEqual(after.phone_numbers[0], before.phone_numbers[0]);
      assert.deepEqual(
        after.phone_numbers.map((n: any) => n.phone_number),
        ['+14155550131', '+14155550132', '+14155550133'],
      );
      assert.ok(after.updated_at > before.updated_at, 'the user changed: it holds more numbers');
    });

    test('rejects impossible numbers and numbers without a country code, naming phone_number', async () => {
      const user = await newUser();
      for (const phone_number of ['4155550101', '+1415', '+999123456', '+1 415 CALL NOW', '+١٤١٥٥٥٥٠١٠١', '', '+'.padEnd(100, '1')]) {
        const res = await api('POST', '/v1/phone_numbers', { body: { user_id: user.id, phone_number } });
        assertError(res, 422, 'form_param_format_invalid', 'phone_number');
      }
      assert.deepEqual((await getUser(user.id)).phone_numbers, []);
    });

    test('one claimed owner: a second user claiming the number is refused', async () => {
      const [a, b] = [await newUser(), await newUser()];
      const first = await api('POST', '/v1/phone_numbers', { body: { user_id: a.id, phone_number: '+14155550102', verified: true } });
      assert.equal(first.status, 200);
      const second = await api('POST', '/v1/phone_numbers', { body: { user_id: b.id, phone_number: '+1 415 555 0102', verified: true } });
      assertError(second, 422, 'form_identifier_exists', 'phone_number');
      // Nor may b hold an unclaimed copy of a number a holds claimed: it could never be claimed.
      const copy = await api('POST', '/v1/phone_numbers', { body: { user_id: b.id, phone_number: '+14155550102' } });
      assertError(copy, 422, 'form_identifier_exists', 'phone_number');
      assert.deepEqual((await getUser(b.id)).phone_numbers, []);
    });

    test('the same user adding a number twice is refused', async () => {
      const user = await newUser();
      await api('POST', '/v1/phone_numbers', { body: { user_id: user.id, phone_number: '+14155550103' } });
      const again = await api('POST', '/v1/phone_numbers', { body: { user_id: user.id, phone_number: '+14155550103' } });
      assertError(again, 422, 'form_identifier_exists', 'phone_number');
    });

    test('unclaimed duplicates coexist until one is claimed; then the others go', async () => {
      const [a, b, c] = [await newUser(), await newUser(), await newUser()];
      const numbers = [];
      for (const u of [a, b, c]) {
        const res = await api('POST', '/v1/phone_numbers', { body: { user_id: u.id, phone_number: '+14155550104' } });
        assert.equal(res.status, 200);
        numbers.push(res.body);
      }
      const claim = await api('PATCH', `/v1/phone_numbers/${numbers[1].id}`, { body: { verified: true } });
      assert.equal(claim.status, 200);
      assert.equal(claim.body.verification.strategy, 'admin');
      assertError(await api('GET', `/v1/phone_numbers/${numbers[0].id}`), 404, 'resource_not_found');
      assertError(await api('GET', `/v1/phone_numbers/${numbers[2].id}`), 404, 'resource_not_found');
      assert.deepEqual((await getUser(a.id)).phone_numbers, []);
      assert.equal((await getUser(b.id)).primary_phone_number_id, numbers[1].id);
    });

    test('primary: only a claimed number can be primary; setting it moves the primary', async () => {
      const user = await newUser();
      const first = (await api('POST', '/v1/phone_numbers', { body: { user_id: user.id, phone_number: '+14155550105', verified: true } })).body;
      const unverified = (await api('POST', '/v1/phone_numbers', { body: { user_id: user.id, phone_number: '+14155550106' } })).body;
      assertError(await api('PATCH', `/v1/phone_numbers/${unverified.id}`, { body: { primary: true } }), 422, 'form_param_value_invalid', 'primary');
      assertError(
        await api('POST', '/v1/phone_numbers', { body: { user_id: user.id, phone_number: '+14155550107', primary: true } }),
        422,
        'form_param_value_invalid',
        'primary',
      );
      const second = (await api('POST', '/v1/phone_numbers', { body: { user_id: user.id, phone_number: '+14155550108', verified: true, primary: true } })).body;
      assert.equal((await getUser(user.id)).primary_phone_number_id, second.id);
      const back = await api('PATCH', `/v1/phone_numbers/${first.id}`, { body: { primary: true } });
      assert.equal(back.status, 200);
      assert.equal((await getUser(user.id)).primary_phone_number_id, first.id);
      assertError(await api('PATCH', `/v1/phone_numbers/${first.id}`, { body: { primary: false } }), 422, 'form_param_value_invalid', 'primary');
    });

    test('deleting or unverifying the primary promotes the oldest remaining claimed number', async () => {
      const user = await newUser({ phone_number: ['+14155550110', '+14155550111', '+14155550112'] });
      const [n1, n2, n3] = user.phone_numbers;
      assert.equal(user.primary_phone_number_id, n1.id);
      const deleted = await api('DELETE', `/v1/phone_numbers/${n1.id}`);
      assert.deepEqual(deleted.body, { object: 'phone_number', id: n1.id, deleted: true });
      assert.equal((await getUser(user.id)).primary_phone_number_id, n2.id);
      const unverified = await api('PATCH', `/v1/phone_numbers/${n2.id}`, { body: { verified: false } });
      assert.equal(unverified.body.verification, null);
      assert.equal((await getUser(user.id)).primary_phone_number_id, n3.id);
      await api('DELETE', `/v1/phone_numbers/${n3.id}`);
      assert.equal((await getUser(user.id)).primary_phone_number_id, null);
    });

    test('verifying a reserved number clears the reservation: verification supersedes it', async () => {
      const user = await newUser({ phone_number: ['+14155550124'], phone_number_identification_status: ['reserved'] });
      const [reserved] = user.phone_numbers;
      assert.equal(reserved.reserved, true);
      const verified = await api('PATCH', `/v1/phone_numbers/${reserved.id}`, { body: { verified: true } });
      assert.equal(verified.body.reserved, false);
      assert.equal(verified.body.verification.strategy, 'admin');
      const unverified = await api('PATCH', `/v1/phone_numbers/${reserved.id}`, { body: { verified: false } });
      assert.equal(unverified.body.reserved, false);
      assert.equal(unverified.body.verification, null);
      assert.equal((await getUser(user.id)).primary_phone_number_id, null, 'no longer claimed, so no longer primary');
    });

    test('unknown ids and users answer 404 resource_not_found', async () => {
      assertError(await api('GET', '/v1/phone_numbers/idn_missing'), 404, 'resource_not_found');
      assertError(await api('PATCH', '/v1/phone_numbers/idn_missing', { body: {} }), 404, 'resource_not_found');
      assertError(await api('DELETE', '/v1/phone_numbers/idn_missing'), 404, 'resource_not_found');
      assertError(
        await api('POST', '/v1/phone_numbers', { body: { user_id: 'user_missing', phone_number: '+14155550120' } }),
        404,
        'resource_not_found',
        'user_id',
      );
    });

    test('no type coercion: "yes" or 1 for a boolean is a 422 naming it', async () => {
      const user = await newUser();
      for (const verified of ['yes', 1, 'true', {}, []]) {
        const res = await api('POST', '/v1/phone_numbers', { body: { user_id: user.id, phone_number: '+14155550121', verified } });
        assertError(res, 422, 'form_param_format_invalid', 'verified');
      }
      assertError(await api('POST', '/v1/phone_numbers', { body: { user_id: 42, phone_number: '+14155550121' } }), 422, 'form_param_format_invalid', 'user_id');
      assertError(await api('POST', '/v1/phone_numbers', { body: { user_id: user.id } }), 422, 'form_param_missing', 'phone_number');
      assertError(
        await api('POST', '/v1/phone_numbers', { body: { user_id: user.id, phone_number: '+14155550121', colour: 'red' } }),
        422,
        'form_param_unknown',
        'colour',
      );
      assert.deepEqual((await getUser(user.id)).phone_numbers, [], 'nothing written on a 4xx');
    });

    test('null for an optional boolean means "not given"', async () => {
      const user = await newUser();
      const res = await api('POST', '/v1/phone_numbers', {
        body: { user_id: user.id, phone_number: '+14155550122', verified: null, primary: null, reserved_for_second_factor: null },
      });
      assert.equal(res.status, 200);
      assert.equal(res.body.verification, null);
    });

    test('authentication: missing, wrong and malformed keys answer 401', async () => {
      for (const key of [null, 'sk_test_wrong', '']) {
        assertError(await api('GET', '/v1/phone_numbers/idn_x', { key }), 401, 'authentication_invalid');
      }
      assertError(await api('GET', '/v1/phone_numbers/idn_x', { key: null, headers: { authorization: `Basic ${TEST_SECRET_KEY}` } }), 401, 'authentication_invalid');
    });
  });
}
