import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { assertError, checked } from '../helpers/api.js';
import { useServer } from '../helpers/server.js';
import { storeFactories } from '../helpers/stores.js';

for (const storeFactory of storeFactories()) {
  describe(`user routes (${storeFactory.name})`, () => {
    // Every answer checked on the wire: Content-Type, 200s against the reference schema, errors as ClerkErrors.
    const api = checked(useServer({ storeFactory }).api);

    test('POST /v1/users with {} creates a user with no identifiers and truthful empty fields', async () => {
      const res = await api('POST', '/v1/users', { body: {} });
      assert.equal(res.status, 200);
      const user = res.body;
      assert.match(user.id, /^user_[0-9A-Z]{26}$/);
      assert.equal(user.object, 'user');
      assert.deepEqual(user.phone_numbers, []);
      assert.deepEqual(user.email_addresses, []);
      assert.equal(user.primary_phone_number_id, null);
      assert.equal(user.two_factor_enabled, false);
      assert.equal(user.password_enabled, false);
      assert.deepEqual(user.public_metadata, {});
      assert.equal(user.created_at, user.updated_at);
    });

    test('an empty body with Content-Type: application/json counts as {}', async () => {
      const res = await api('POST', '/v1/users', { body: '' , headers: { 'content-type': 'application/json' } });
      assert.equal(res.status, 200);
      assert.equal(res.body.object, 'user');
    });

    test('creates a user with numbers in each identification status', async () => {
      const res = await api('POST', '/v1/users', {
        body: {
          external_id: 'ext-1',
          first_name: 'Ada',
          last_name: 'Lovelace',
          phone_number: ['+14155550130', '+14155550131', '+14155550132'],
          phone_number_identification_status: ['unverified', 'reserved', 'verified'],
          public_metadata: { plan: 'pro' },
          private_metadata: { note: 'x' },
          unsafe_metadata: { theme: 'dark' },
        },
      });
      assert.equal(res.status, 200);
      const [unverified, reserved, verified] = res.body.phone_numbers;
      assert.equal(unverified.verification, null);
      assert.equal(unverified.reserved, false);
      assert.equal(reserved.reserved, true);
      assert.equal(reserved.verification, null);
      assert.equal(verified.verification.strategy, 'admin');
      // The oldest claimed number is primary: the reserved one, created before the verified one.
      assert.equal(res.body.primary_phone_number_id, reserved.id);
      assert.equal(res.body.external_id, 'ext-1');
      assert.deepEqual(res.body.public_metadata, { plan: 'pro' });
    });

    test('numbers given without statuses are verified, as in Clerk', async () => {
      const res = await api('POST', '/v1/users', { body: { phone_number: ['+14155550133'] } });
      assert.equal(res.body.phone_numbers[0].verification.strategy, 'admin');
      assert.equal(res.body.primary_phone_number_id, res.body.phone_numbers[0].id);
    });

    test('create is all-or-nothing: a taken number creates no user and no numbers', async () => {
      await api('POST', '/v1/users', { body: { phone_number: ['+14155550134'] } });
      const before = (await api('GET', '/v1/users/count')).body.total_count;
      const res = await api('POST', '/v1/users', { body: { first_name: 'Late', phone_number: ['+14155550135', '+14155550134'] } });
      assertError(res, 422, 'form_identifier_exists', 'phone_number');
      assert.equal((await api('GET', '/v1/users/count')).body.total_count, before);
      assert.equal((await api('GET', '/v1/users?phone_number=%2B14155550135')).body.length, 0);
    });

    test('status list must match the numbers one for one, and hold only known statuses', async () => {
      assertError(
        await api('POST', '/v1/users', { body: { phone_number: ['+14155550136'], phone_number_identification_status: [] } }),
        422,
        'form_param_value_invalid',
        'phone_number_identification_status',
      );
      assertError(
        await api('POST', '/v1/users', { body: { phone_number: ['+14155550136'], phone_number_identification_status: ['maybe'] } }),
        422,
        'form_param_value_invalid',
        'phone_number_identification_status',
      );
      assertError(await api('POST', '/v1/users', { body: { phone_number: ['+14155550136', '+1 415 555 0136'] } }), 422, 'form_identifier_exists', 'phone_number');
    });

    test('fields Clerk accepts but Callsign does not implement are a 422 naming them', async () => {
      for (const [field, value] of [
        ['email_address', ['a@example.com']],
        ['password', 'hunter2hunter2'],
        ['username', 'ada'],
        ['web3_wallet', ['0x0']],
        ['totp_secret', 'AAAA'],
        ['backup_codes', ['x']],
      ] as const) {
        assertError(await api('POST', '/v1/users', { body: { [field]: value } }), 422, 'form_param_unsupported', field);
      }
      const user = (await api('POST', '/v1/users', { body: {} })).body;
      assertError(await api('PATCH', `/v1/users/${user.id}`, { body: { password: 'hunter2hunter2' } }), 422, 'form_param_unsupported', 'password');
      assertError(await api('GET', '/v1/users?email_address=a%40example.com'), 422, 'form_param_unsupported', 'email_address');
      assertError(await api('GET', '/v1/users?favourite=1'), 422, 'form_param_unknown', 'favourite');
      // skip_* flags only switch off checks Callsign never makes: accepted.
      assert.equal((await api('POST', '/v1/users', { body: { skip_password_requirement: true } })).status, 200);
    });

    test('GET, PATCH and DELETE a user', async () => {
      const user = (await api('POST', '/v1/users', { body: { first_name: 'Grace', phone_number: ['+14155550140', '+14155550141'] } })).body;
      const got = await api('GET', `/v1/users/${user.id}`);
      assert.deepEqual(got.body, user);

      const [n1, n2] = user.phone_numbers;
      const patched = await api('PATCH', `/v1/users/${user.id}`, {
        body: { first_name: 'Grace B.', last_name: null, external_id: 'g-1', primary_phone_number_id: n2.id, public_metadata: { a: 1 } },
      });
      assert.equal(patched.status, 200);
      assert.equal(patched.body.first_name, 'Grace B.');
      assert.equal(patched.body.external_id, 'g-1');
      assert.equal(patched.body.primary_phone_number_id, n2.id);
      assert.deepEqual(patched.body.public_metadata, { a: 1 });
      assert.deepEqual(patched.body.private_metadata, {}, 'metadata not given stays');
      assert.ok(patched.body.updated_at >= user.updated_at);
      assert.equal(patched.body.phone_numbers.find((n: any) => n.id === n1.id).id, n1.id);

      const deleted = await api('DELETE', `/v1/users/${user.id}`);
      assert.deepEqual(deleted.body, { object: 'user', id: user.id, deleted: true });
      assertError(await api('GET', `/v1/users/${user.id}`), 404, 'resource_not_found');
      assertError(await api('GET', `/v1/phone_numbers/${n1.id}`), 404, 'resource_not_found');
      assertError(await api('DELETE', `/v1/users/${user.id}`), 404, 'resource_not_found');
      assertError(await api('PATCH', `/v1/users/${user.id}`, { body: {} }), 404, 'resource_not_found');
    });

    test('primary_phone_number_id must name a claimed number of this user', async () => {
      const a = (await api('POST', '/v1/users', { body: { phone_number: ['+14155550142', '+14155550143'], phone_number_identification_status: ['verified', 'unverified'] } })).body;
      const b = (await api('POST', '/v1/users', { body: { phone_number: ['+14155550144'] } })).body;
      for (const id of [a.phone_numbers[1].id, b.phone_numbers[0].id, 'idn_nope', null]) {
        assertError(await api('PATCH', `/v1/users/${a.id}`, { body: { primary_phone_number_id: id } }), 422, 'form_param_value_invalid', 'primary_phone_number_id');
      }
      assert.equal((await api('GET', `/v1/users/${a.id}`)).body.primary_phone_number_id, a.phone_numbers[0].id);
    });

    test('metadata is bounded at 8 KiB and must be an object', async () => {
      assertError(await api('POST', '/v1/users', { body: { public_metadata: { big: 'x'.repeat(9000) } } }), 422, 'form_param_value_invalid', 'public_metadata');
      assertError(await api('POST', '/v1/users', { body: { public_metadata: [1, 2] } }), 422, 'form_param_format_invalid', 'public_metadata');
      assertError(await api('POST', '/v1/users', { body: { first_name: 'x'.repeat(300) } }), 422, 'form_param_value_invalid', 'first_name');
    });

    test('replace swaps all numbers for one, atomically, in the requested state', async () => {
      const user = (await api('POST', '/v1/users', { body: { phone_number: ['+14155550150', '+14155550151'] } })).body;
      const res = await api('PUT', `/v1/users/${user.id}/phone_number`, { body: { phone_number: '+1 415 555 0152' } });
      assert.equal(res.status, 200);
      assert.equal(res.body.phone_number, '+14155550152');
      assert.equal(res.body.verification.strategy, 'admin');
      const after = (await api('GET', `/v1/users/${user.id}`)).body;
      assert.deepEqual(after.phone_numbers.map((n: any) => n.phone_number), ['+14155550152']);
      assert.equal(after.primary_phone_number_id, res.body.id);

      const reserved = await api('PUT', `/v1/users/${user.id}/phone_number`, { body: { phone_number: '+14155550153', identification_status: 'reserved' } });
      assert.equal(reserved.body.reserved, true);
      const unverified = await api('PUT', `/v1/users/${user.id}/phone_number`, { body: { phone_number: '+14155550154', identification_status: 'unverified' } });
      assert.equal(unverified.body.verification, null);
      assert.equal((await api('GET', `/v1/users/${user.id}`)).body.primary_phone_number_id, null);

      // A taken number leaves the user's numbers as they were.
      await api('POST', '/v1/users', { body: { phone_number: ['+14155550155'] } });
      assertError(await api('PUT', `/v1/users/${user.id}/phone_number`, { body: { phone_number: '+14155550155' } }), 422, 'form_identifier_exists', 'phone_number');
      assert.deepEqual((await api('GET', `/v1/users/${user.id}`)).body.phone_numbers.map((n: any) => n.phone_number), ['+14155550154']);
      assertError(await api('PUT', `/v1/users/user_nope/phone_number`, { body: { phone_number: '+14155550156' } }), 404, 'resource_not_found');
    });
  });

  describe(`user list and count (${storeFactory.name})`, () => {
    // Every answer checked on the wire: Content-Type, 200s against the reference schema, errors as ClerkErrors.
    const api = checked(useServer({ storeFactory }).api);
    const ids: string[] = [];
    before(async () => {
      for (let i = 0; i < 7; i++) {
        const body = {
          first_name: i % 2 === 0 ? 'Even' : 'Odd',
          last_name: `Number${i}`,
          external_id: `ext-${i}`,
          phone_number: [`+1415555017${i}`],
          phone_number_identification_status: [i < 3 ? 'verified' : 'unverified'],
        };
        ids.push((await api('POST', '/v1/users', { body })).body.id);
      }
    });

    test('lists newest first by default, with limit and offset', async () => {
      const all = await api('GET', '/v1/users');
      assert.deepEqual(all.body.map((u: any) => u.id), [...ids].reverse());
      const page = await api('GET', '/v1/users?limit=2&offset=1');
      assert.deepEqual(page.body.map((u: any) => u.id), [ids[5], ids[4]]);
      const oldest = await api('GET', '/v1/users?order_by=%2Bcreated_at&limit=3');
      assert.deepEqual(oldest.body.map((u: any) => u.id), ids.slice(0, 3));
    });

    test('starting_after continues after a user in the chosen order', async () => {
      const next = await api('GET', `/v1/users?starting_after=${ids[4]}&limit=10`);
      assert.deepEqual(next.body.map((u: any) => u.id), [ids[3], ids[2], ids[1], ids[0]]);
      const asc = await api('GET', `/v1/users?order_by=created_at&starting_after=${ids[4]}`);
      assert.deepEqual(asc.body.map((u: any) => u.id), [ids[5], ids[6]]);
      assertError(await api('GET', '/v1/users?starting_after=user_gone'), 422, 'form_param_value_invalid', 'starting_after');
    });

    test('filters by phone number (normalized, any state), user id, external id and query', async () => {
      const byPhone = await api('GET', `/v1/users?phone_number=${encodeURIComponent('+1 (415) 555-0174')}&phone_number=%2B14155550170`);
      assert.deepEqual(byPhone.body.map((u: any) => u.id).sort(), [ids[0], ids[4]].sort());
      // An unencoded + arrives as a space; it is read as the + it was.
      const rawPlus = await api('GET', '/v1/users?phone_number=+14155550171');
      assert.deepEqual(rawPlus.body.map((u: any) => u.id), [ids[1]]);
      const byId = await api('GET', `/v1/users?user_id=${ids[2]}&user_id=${ids[3]}`);
      assert.deepEqual(byId.body.map((u: any) => u.id), [ids[3], ids[2]]);
      const byExt = await api('GET', '/v1/users?external_id=ext-6');
      assert.deepEqual(byExt.body.map((u: any) => u.id), [ids[6]]);
      const byQuery = await api('GET', '/v1/users?query=odd');
      assert.deepEqual(byQuery.body.map((u: any) => u.id), [ids[5], ids[3], ids[1]]);
      const byDigits = await api('GET', '/v1/users?query=5550176');
      assert.deepEqual(byDigits.body.map((u: any) => u.id), [ids[6]]);
      const wildcard = await api('GET', '/v1/users?query=%25');
      assert.deepEqual(wildcard.body, [], 'LIKE wildcards in the query are literal');
      const none = await api('GET', '/v1/users?phone_number=not-a-number');
      assert.deepEqual(none.body, []);
    });

    test('count answers total_count with the same filters', async () => {
      assert.deepEqual((await api('GET', '/v1/users/count')).body, { object: 'total_count', total_count: 7 });
      assert.equal((await api('GET', '/v1/users/count?query=even')).body.total_count, 4);
      assert.equal((await api('GET', `/v1/users/count?user_id=${ids[0]}&query=odd`)).body.total_count, 0);
    });

    test('bad list parameters are 422 naming them', async () => {
      assertError(await api('GET', '/v1/users?limit=0'), 422, 'form_param_value_invalid', 'limit');
      assertError(await api('GET', '/v1/users?limit=501'), 422, 'form_param_value_invalid', 'limit');
      assertError(await api('GET', '/v1/users?limit=ten'), 422, 'form_param_format_invalid', 'limit');
      assertError(await api('GET', '/v1/users?offset=-1'), 422, 'form_param_value_invalid', 'offset');
      assertError(await api('GET', '/v1/users?order_by=email_address'), 422, 'form_param_value_invalid', 'order_by');
    });
  });
}
