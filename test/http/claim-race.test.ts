import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checked } from '../helpers/api.js';
import { useServer } from '../helpers/server.js';
import { storeFactories } from '../helpers/stores.js';

/** Rule 2 under load: many users claim one number at once; the unique index lets exactly one win. */
for (const storeFactory of storeFactories()) {
  describe(`concurrent claims of one number (${storeFactory.name})`, () => {
    // Every answer checked on the wire, the losers' too: Content-Type, 200s against the reference schema, errors as ClerkErrors.
    const api = checked(useServer({ storeFactory }).api);

    test('50 users claim one number at once: exactly one wins, the rest get form_identifier_exists', async () => {
      const users = await Promise.all(Array.from({ length: 50 }, () => api('POST', '/v1/users', { body: {} })));
      const results = await Promise.all(
        users.map((u) => api('POST', '/v1/phone_numbers', { body: { user_id: u.body.id, phone_number: '+14155550199', verified: true } })),
      );
      const won = results.filter((r) => r.status === 200);
      const lost = results.filter((r) => r.status !== 200);
      assert.equal(won.length, 1);
      assert.equal(lost.length, 49);
      for (const r of lost) {
        assert.equal(r.status, 422);
        assert.equal(r.body.errors[0].code, 'form_identifier_exists');
      }
      const holders = await api('GET', '/v1/users?phone_number=%2B14155550199');
      assert.equal(holders.body.length, 1);
      assert.equal(holders.body[0].phone_numbers[0].id, won[0]!.body.id);
    });

    test('50 holders of an unclaimed copy verify at once: one claim stands, every other copy is gone', async () => {
      const users = await Promise.all(Array.from({ length: 50 }, () => api('POST', '/v1/users', { body: {} })));
      const copies = [];
      for (const u of users) {
        copies.push((await api('POST', '/v1/phone_numbers', { body: { user_id: u.body.id, phone_number: '+14155550198' } })).body);
      }
      const results = await Promise.all(copies.map((c) => api('PATCH', `/v1/phone_numbers/${c.id}`, { body: { verified: true } })));
      const won = results.filter((r) => r.status === 200);
      assert.equal(won.length, 1);
      for (const r of results.filter((r) => r.status !== 200)) {
        assert.ok(r.status === 404 || (r.status === 422 && r.body.errors[0].code === 'form_identifier_exists'), r.text);
      }
      const holders = await api('GET', '/v1/users?phone_number=%2B14155550198');
      assert.deepEqual(holders.body.map((u: any) => u.phone_numbers.length), [1]);
      assert.equal(holders.body[0].phone_numbers[0].verification.strategy, 'admin');
    });
  });
}
