import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertError, checked } from '../helpers/api.js';
import { TestClock } from '../helpers/clock.js';
import { useServer } from '../helpers/server.js';
import { storeFactories } from '../helpers/stores.js';
import { freshNumber, verificationApi } from './verification-helpers.js';

for (const storeFactory of storeFactories()) {
  describe(`development inbox (${storeFactory.name})`, () => {
    const clock = new TestClock();
    // Every answer checked on the wire: Content-Type, 200s against the reference schema, errors as ClerkErrors.
    const api = checked(useServer({ storeFactory, clock, devInbox: true, verification: { testMode: true } }).api);
    const v = verificationApi(api);

    test('lists every message newest first, with its delivery outcome; filters by number in any format', async () => {
      const first = freshNumber();
      const second = freshNumber();
      const a = await v.newNumber(first);
      const b = await v.newNumber(second);
      const prepA = (await v.prepare(a.id)).body;
      clock.advance(1);
      const prepB = (await v.prepare(b.id)).body;
      clock.advance(30_000);
      const prepA2 = (await v.prepare(a.id)).body;

      const all = await api('GET', '/v1/dev/sms_messages');
      assert.equal(all.status, 200);
      assert.ok(all.body.total_count >= 3);
      const mine = all.body.data.filter((m: any) => [a.id, b.id].includes(m.phone_number_id));
      assert.deepEqual(mine.map((m: any) => m.verification_id), [prepA2.id, prepB.id, prepA.id]);
      const m = mine[0];
      assert.deepEqual(Object.keys(m).sort(), [
        'attempts', 'body', 'code', 'created_at', 'delivered_at', 'id', 'last_error', 'next_attempt_at', 'object', 'phone_number_id',
        'provider', 'provider_message_id', 'status', 'to', 'updated_at', 'verification_id',
      ]);
      assert.equal(m.object, 'sms_message');
      assert.match(m.id, /^sms_[0-9A-Z]{26}$/);
      assert.equal(m.to, first);
      assert.equal(m.delivered_at, clock.now());

      // +1 415 201 xxxx written with spaces, and with its + sent unencoded (it arrives as a space).
      const spaced = `${first.slice(0, 2)} ${first.slice(2, 5)} ${first.slice(5, 8)} ${first.slice(8)}`;
      for (const query of [encodeURIComponent(spaced), first.replace('+', '%2B'), first]) {
        const res = await api('GET', `/v1/dev/sms_messages?phone_number=${query}`);
        assert.equal(res.status, 200);
        assert.deepEqual(res.body.data.map((x: any) => x.verification_id), [prepA2.id, prepA.id], query);
        assert.equal(res.body.total_count, 2);
      }

      const page = await api('GET', `/v1/dev/sms_messages?phone_number=${encodeURIComponent(first)}&limit=1&offset=1`);
      assert.deepEqual(page.body.data.map((x: any) => x.verification_id), [prepA.id]);
      assert.equal(page.body.total_count, 2);
    });

    test('bad queries are 422 naming the parameter', async () => {
      // A filter that is no possible number would otherwise answer an empty inbox, as if nothing had been sent.
      for (const bad of ['nonsense', encodeURIComponent('+1 555'), '%2B99912345', '']) {
        const res = await api('GET', `/v1/dev/sms_messages?phone_number=${bad}`);
        assertError(res, 422, 'form_param_format_invalid', 'phone_number');
        assert.match(res.body.errors[0].long_message, /phone_number must be a valid phone number/);
      }
      assertError(await api('GET', '/v1/dev/sms_messages?limit=0'), 422, 'form_param_value_invalid', 'limit');
      assertError(await api('GET', '/v1/dev/sms_messages?limit=abc'), 422, 'form_param_format_invalid', 'limit');
      assertError(await api('GET', '/v1/dev/sms_messages?colour=red'), 422, 'form_param_unknown', 'colour');
    });

    test('needs the secret key like every /v1 route', async () => {
      assertError(await api('GET', '/v1/dev/sms_messages', { key: null }), 401, 'authentication_invalid');
    });
  });

  describe(`development inbox outside development and test mode (${storeFactory.name})`, () => {
    // Every answer checked on the wire: Content-Type, 200s against the reference schema, errors as ClerkErrors.
    const api = checked(useServer({ storeFactory }).api);

    test('is not served: 404 resource_not_found, as for any unknown route', async () => {
      assertError(await api('GET', '/v1/dev/sms_messages'), 404, 'resource_not_found');
    });
  });
}
