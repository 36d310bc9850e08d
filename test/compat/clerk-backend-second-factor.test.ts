import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { ClerkClient } from '@clerk/backend';
import { useServer } from '../helpers/server.js';
import { storeFactories } from '../helpers/stores.js';

import { clerkError, createClerkClient, wire } from '../helpers/clerk-client.js';

/**
 * The official client's second-factor calls, unchanged, against Callsign:
 * users.verifyTOTP, users.deleteUserBackupCodes and users.disableUserMFA.
 */
for (const storeFactory of storeFactories()) {
  describe(`@clerk/backend second factor against Callsign (${storeFactory.name})`, () => {
    const running = useServer({ storeFactory });
    let clerk: ClerkClient;
    before(() => {
      clerk = createClerkClient({ secretKey: running.server.key, apiUrl: running.server.url });
    });

    /** A user whose number the client reserved for second factor, and the codes that response carried. */
    async function mfaUser(phoneNumber: string): Promise<{ userId: string; numberId: string; codes: string[] }> {
      const user = await clerk.users.createUser({});
      const number = await clerk.phoneNumbers.createPhoneNumber({ userId: user.id, phoneNumber, verified: true, reservedForSecondFactor: true });
      assert.equal(number.reservedForSecondFactor, true);
      assert.equal(number.defaultSecondFactor, true);
      const raw = wire.findLast((w) => w.method === 'POST' && w.url.endsWith('/v1/phone_numbers'))!;
      assert.equal(raw.body.id, number.id);
      return { userId: user.id, numberId: number.id, codes: raw.body.backup_codes };
    }

    test('getUser shows two_factor_enabled and backup_code_enabled as the client reads them', async () => {
      const { userId, codes } = await mfaUser('+14155550160');
      assert.equal(codes.length, 10);
      const user = await clerk.users.getUser(userId);
      assert.equal(user.twoFactorEnabled, true);
      assert.equal(user.backupCodeEnabled, true);
      assert.equal(user.totpEnabled, false);
      assert.equal(user.phoneNumbers[0]!.defaultSecondFactor, true);
    });

    test('users.verifyTOTP with a backup code verifies once, then throws 422', async () => {
      const { userId, codes } = await mfaUser('+14155550161');
      const result = await clerk.users.verifyTOTP({ userId, code: codes[0]! });
      // The client's type says code_type "totp"; the wire says what was checked.
      assert.deepEqual(result, { verified: true, code_type: 'backup_code' });
      const used = await clerkError(() => clerk.users.verifyTOTP({ userId, code: codes[0]! }));
      assert.equal(used.status, 422);
      assert.equal(used.errors[0].code, 'form_code_incorrect');
      assert.equal(used.errors[0].meta.paramName, 'code');
    });

    test('users.verifyTOTP for a user without a second factor throws 400 saying Callsign has no TOTP', async () => {
      const user = await clerk.users.createUser({});
      const error = await clerkError(() => clerk.users.verifyTOTP({ userId: user.id, code: '123456' }));
      assert.equal(error.status, 400);
      assert.equal(error.errors[0].code, 'second_factor_not_enabled');
      assert.match(error.errors[0].longMessage, /Callsign has no TOTP/);
      const missing = await clerkError(() => clerk.users.verifyTOTP({ userId: 'user_missing', code: '123456' }));
      assert.equal(missing.status, 404);
    });

    test('users.deleteUserBackupCodes answers the user id and turns backup codes off', async () => {
      const { userId, codes } = await mfaUser('+14155550162');
      // Typed as { userId }, but the client passes this body through as sent.
      const result: unknown = await clerk.users.deleteUserBackupCodes(userId);
      assert.deepEqual(result, { user_id: userId });
      const user = await clerk.users.getUser(userId);
      assert.equal(user.backupCodeEnabled, false);
      assert.equal(user.twoFactorEnabled, true);
      const error = await clerkError(() => clerk.users.verifyTOTP({ userId, code: codes[1]! }));
      assert.equal(error.status, 422);
    });

    test('users.disableUserMFA answers the user id; the number stays, no longer a second factor', async () => {
      const { userId, numberId } = await mfaUser('+14155550163');
      const result: unknown = await clerk.users.disableUserMFA(userId);
      assert.deepEqual(result, { user_id: userId });
      const user = await clerk.users.getUser(userId);
      assert.equal(user.twoFactorEnabled, false);
      assert.equal(user.backupCodeEnabled, false);
      assert.deepEqual(
        user.phoneNumbers.map((n) => [n.id, n.reservedForSecondFactor, n.defaultSecondFactor]),
        [[numberId, false, false]],
      );
      const missing = await clerkError(() => clerk.users.disableUserMFA('user_missing'));
      assert.equal(missing.status, 404);
      assert.equal(missing.errors[0].code, 'resource_not_found');
    });

    test('updatePhoneNumber reserving an unverified number throws 422 naming reserved_for_second_factor', async () => {
      const user = await clerk.users.createUser({});
      const number = await clerk.phoneNumbers.createPhoneNumber({ userId: user.id, phoneNumber: '+14155550164' });
      const error = await clerkError(() => clerk.phoneNumbers.updatePhoneNumber(number.id, { reservedForSecondFactor: true }));
      assert.equal(error.status, 422);
      assert.equal(error.errors[0].meta.paramName, 'reserved_for_second_factor');
    });
  });
}
