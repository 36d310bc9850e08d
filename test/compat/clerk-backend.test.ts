import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { ClerkClient } from '@clerk/backend';
import { useServer } from '../helpers/server.js';
import { storeFactories } from '../helpers/stores.js';
import { schemaValidator } from '../helpers/reference.js';
import { clerkError, createClerkClient, wire } from '../helpers/clerk-client.js';

/**
 * The official client, unchanged, pointed at Callsign with `apiUrl`: the
 * promise Callsign makes to teams whose backends already talk to Clerk.
 */
for (const storeFactory of storeFactories()) {
  describe(`@clerk/backend against Callsign (${storeFactory.name})`, () => {
    const running = useServer({ storeFactory });
    let clerk: ClerkClient;
    before(() => {
      clerk = createClerkClient({ secretKey: running.server.key, apiUrl: running.server.url });
    });

    test('createUser with phone numbers, getUser, getUserList by phone number, getCount', async () => {
      const user = await clerk.users.createUser({
        firstName: 'Ada',
        lastName: 'Lovelace',
        externalId: 'ada-1',
        phoneNumber: ['+14155550190', '+44 20 7946 0958'],
        phoneNumberIdentificationStatus: ['verified', 'reserved'] as any,
        publicMetadata: { plan: 'pro' },
      } as any);
      assert.match(user.id, /^user_/);
      assert.equal(user.firstName, 'Ada');
      assert.equal(user.externalId, 'ada-1');
      assert.deepEqual(user.publicMetadata, { plan: 'pro' });
      assert.deepEqual(
        user.phoneNumbers.map((n) => n.phoneNumber),
        ['+14155550190', '+442079460958'],
      );
      assert.equal(user.primaryPhoneNumberId, user.phoneNumbers[0]!.id);
      assert.equal(user.phoneNumbers[0]!.verification?.status, 'verified');
      assert.equal(user.phoneNumbers[0]!.verification?.strategy, 'admin');
      // The client's PhoneNumber class has no `reserved`; the wire carries it.
      const createdOnWire = wire.findLast((w) => w.method === 'POST' && w.url.endsWith('/v1/users'))!.body as any;
      assert.equal(createdOnWire.phone_numbers[1].reserved, true);
      assert.equal(user.primaryPhoneNumber?.phoneNumber, '+14155550190');

      const got = await clerk.users.getUser(user.id);
      assert.equal(got.id, user.id);
      assert.equal(got.phoneNumbers.length, 2);

      await clerk.users.createUser({ firstName: 'Other' });
      const list = await clerk.users.getUserList({ phoneNumber: ['+14155550190'] });
      assert.equal(list.totalCount, 1);
      assert.deepEqual(list.data.map((u) => u.id), [user.id]);
      const everyone = await clerk.users.getUserList({ limit: 10, orderBy: '+created_at' });
      assert.equal(everyone.data[0]!.id, user.id);
      assert.equal(everyone.totalCount, 2);
      assert.equal(await clerk.users.getCount(), 2);
      assert.equal(await clerk.users.getCount({ query: 'lovelace' }), 1);
    });

    test('createPhoneNumber, getPhoneNumber, updatePhoneNumber (primary, verified), deletePhoneNumber', async () => {
      const user = await clerk.users.createUser({ phoneNumber: ['+14155550191'] } as any);
      const created = await clerk.phoneNumbers.createPhoneNumber({ userId: user.id, phoneNumber: '+1 415 555 0192' });
      assert.equal(created.phoneNumber, '+14155550192');
      assert.equal(created.verification, null);

      const got = await clerk.phoneNumbers.getPhoneNumber(created.id);
      assert.equal(got.id, created.id);

      const verified = await clerk.phoneNumbers.updatePhoneNumber(created.id, { verified: true });
      assert.equal(verified.verification?.status, 'verified');
      assert.equal(verified.verification?.strategy, 'admin');
      const primary = await clerk.phoneNumbers.updatePhoneNumber(created.id, { primary: true });
      assert.equal(primary.id, created.id);
      assert.equal((await clerk.users.getUser(user.id)).primaryPhoneNumberId, created.id);

      const deleted = await clerk.phoneNumbers.deletePhoneNumber(created.id);
      assert.equal(deleted.id, created.id);
      assert.equal(deleted.deleted, true);
      assert.equal(deleted.object, 'phone_number');
      assert.equal((await clerk.users.getUser(user.id)).primaryPhoneNumberId, user.phoneNumbers[0]!.id);
    });

    test('updateUser and deleteUser', async () => {
      const user = await clerk.users.createUser({ firstName: 'Grace' });
      const updated = await clerk.users.updateUser(user.id, { lastName: 'Hopper', externalId: 'g-1' });
      assert.equal(updated.lastName, 'Hopper');
      assert.equal(updated.externalId, 'g-1');
      const merged = await clerk.users.updateUserMetadata(user.id, { privateMetadata: { level: 3, tags: { a: 1, b: 2 } } });
      assert.deepEqual(merged.privateMetadata, { level: 3, tags: { a: 1, b: 2 } });
      const remerged = await clerk.users.updateUserMetadata(user.id, { privateMetadata: { tags: { b: null, c: 3 } } });
      assert.deepEqual(remerged.privateMetadata, { level: 3, tags: { a: 1, c: 3 } });
      // The deprecated form: updateUser with metadata PATCHes the rest, then PUTs /metadata (replace).
      const replaced = await clerk.users.updateUser(user.id, { firstName: 'G.', publicMetadata: { role: 'admin' } } as any);
      assert.equal(replaced.firstName, 'G.');
      assert.deepEqual(replaced.publicMetadata, { role: 'admin' });
      assert.deepEqual(replaced.privateMetadata, { level: 3, tags: { a: 1, c: 3 } }, 'fields not given are left as they were');
      const deleted = (await clerk.users.deleteUser(user.id)) as unknown as { id: string; deleted: boolean; object: string };
      assert.equal(deleted.id, user.id);
      assert.equal(deleted.deleted, true);
      assert.equal(deleted.object, 'user');
    });

    test('errors reach the caller as ClerkAPIResponseError with status, code and trace id', async () => {
      const unauthorized = createClerkClient({ secretKey: 'sk_test_not_a_callsign_key', apiUrl: running.server.url });
      const e401 = await clerkError(() => unauthorized.users.getUser('user_x'));
      assert.equal(e401.status, 401);
      assert.equal(e401.errors[0].code, 'authentication_invalid');
      assert.match(e401.clerkTraceId, /^[0-9a-f]{24}$/);

      const e404 = await clerkError(() => clerk.phoneNumbers.getPhoneNumber('idn_missing'));
      assert.equal(e404.status, 404);
      assert.equal(e404.errors[0].code, 'resource_not_found');

      const user = await clerk.users.createUser({ phoneNumber: ['+14155550193'] } as any);
      const other = await clerk.users.createUser({});
      const e422 = await clerkError(() => clerk.phoneNumbers.createPhoneNumber({ userId: other.id, phoneNumber: '+14155550193', verified: true }));
      assert.equal(e422.status, 422);
      assert.equal(e422.errors[0].code, 'form_identifier_exists');
      assert.equal(e422.errors[0].meta.paramName, 'phone_number');

      const invalid = await clerkError(() => clerk.phoneNumbers.createPhoneNumber({ userId: user.id, phoneNumber: '555-0100' }));
      assert.equal(invalid.status, 422);
      assert.equal(invalid.errors[0].code, 'form_param_format_invalid');
      assert.equal(invalid.errors[0].longMessage.includes('phone_number'), true);

      const unsupported = await clerkError(() => clerk.users.createUser({ emailAddress: ['a@example.com'] }));
      assert.equal(unsupported.errors[0].code, 'form_param_unsupported');
      assert.equal(unsupported.errors[0].meta.paramName, 'email_address');
    });

    test('every body the client received matches the reference schemas', () => {
      const validators = {
        phone_number: schemaValidator('PhoneNumber'),
        user: schemaValidator('User'),
        errors: schemaValidator('ClerkErrors'),
        deleted: schemaValidator('DeletedObject'),
      };
      assert.ok(wire.length > 20);
      for (const { method, url, status, body } of wire) {
        const where = `${method} ${url} → ${status}`;
        const items = Array.isArray(body) ? body : [body];
        for (const item of items as any[]) {
          const validate = status >= 400 ? validators.errors : item?.deleted === true ? validators.deleted : validators[item?.object as 'user' | 'phone_number'];
          if (validate === undefined) continue;
          assert.ok(validate(item), `${where}: ${JSON.stringify(validate.errors)}`);
        }
      }
    });
  });
}
