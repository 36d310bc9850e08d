import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Callsign, CallsignApiError, CallsignConnectionError, type PhoneNumber, type User } from '@callsign/client';
import { startServer, type TestServer } from '../helpers/server.js';
import { storeFactories } from '../helpers/stores.js';
import { thrownBy } from '../helpers/thrown.js';

/** Real (non-test-mode) mobile numbers, a fresh one per call: +1 415 202 xxxx. */
let next = 1000;
const freshNumber = (): string => `+1415202${String((next += 1)).padStart(4, '0')}`;

/** The CallsignApiError `call` must throw. */
const apiError = (call: () => Promise<unknown>): Promise<CallsignApiError> => thrownBy(call, (e) => e instanceof CallsignApiError, 'a CallsignApiError');

/**
 * Every client method against a running Callsign (real HTTP on loopback, a
 * real database), in development settings: the development inbox on, test
 * mode on (+1 XXX 555-01XX numbers accept 424242).
 */
for (const storeFactory of storeFactories()) {
  describe(`@callsign/client against Callsign (${storeFactory.name})`, () => {
    let server: TestServer;
    let callsign: Callsign;
    before(async () => {
      server = await startServer({ storeFactory, devInbox: true, verification: { testMode: true } });
      callsign = new Callsign({ secretKey: server.key, baseUrl: server.url });
    });
    after(() => server.close());

    test('users.create, get, list, count, update, updateMetadata, replaceMetadata, delete', async () => {
      const user = await callsign.users.create({
        firstName: 'Ada',
        lastName: 'Lovelace',
        externalId: 'ada-client',
        phoneNumber: ['+14155550180', '+44 20 7946 0958'],
        phoneNumberIdentificationStatus: ['verified', 'reserved'],
        publicMetadata: { plan: 'pro' },
        privateMetadata: { crm: 7 },
      });
      assert.match(user.id, /^user_/);
      assert.equal(user.object, 'user');
      assert.equal(user.firstName, 'Ada');
      assert.equal(user.externalId, 'ada-client');
      assert.deepEqual(user.publicMetadata, { plan: 'pro' });
      assert.deepEqual(user.privateMetadata, { crm: 7 });
      assert.deepEqual(user.emailAddresses, []);
      assert.equal(user.twoFactorEnabled, false);
      assert.ok(Object.isFrozen(user) && Object.isFrozen(user.phoneNumbers) && Object.isFrozen(user.phoneNumbers[0]));
      const [verified, reserved] = user.phoneNumbers as [PhoneNumber, PhoneNumber];
      assert.equal(verified.phoneNumber, '+14155550180');
      assert.deepEqual(verified.verification, { object: 'verification_admin', status: 'verified', strategy: 'admin', attempts: null, expireAt: null });
      assert.equal(user.primaryPhoneNumberId, verified.id);
      assert.equal(reserved.phoneNumber, '+442079460958');
      assert.equal(reserved.reserved, true);
      assert.equal(reserved.verification, null);

      assert.deepEqual(await callsign.users.get(user.id), user);
      const listed = await callsign.users.list({ phoneNumber: ['+1 415 555 0180'], orderBy: '-created_at', limit: 5 });
      assert.deepEqual(listed.map((u) => u.id), [user.id]);
      assert.deepEqual(await callsign.users.count({ externalId: ['ada-client', 'nobody'] }), { object: 'total_count', totalCount: 1 });

      const updated = await callsign.users.update(user.id, { firstName: 'Augusta', lastName: null, primaryPhoneNumberId: reserved.id! });
      assert.equal(updated.firstName, 'Augusta');
      assert.equal(updated.lastName, null);
      assert.equal(updated.primaryPhoneNumberId, reserved.id);
      const merged = await callsign.users.updateMetadata(user.id, { publicMetadata: { seats: 3 } });
      assert.deepEqual(merged.publicMetadata, { plan: 'pro', seats: 3 });
      const replaced = await callsign.users.replaceMetadata(user.id, { publicMetadata: { seats: 4 } });
      assert.deepEqual(replaced.publicMetadata, { seats: 4 });
      assert.deepEqual(replaced.privateMetadata, { crm: 7 }, 'fields not given are left alone');

      assert.deepEqual(await callsign.users.delete(user.id), { object: 'user', id: user.id, deleted: true });
      assert.equal((await apiError(() => callsign.users.get(user.id))).status, 404);
    });

    test('phoneNumbers.create, get, update, delete, replaceForUser', async () => {
      const user = await callsign.users.create();
      const created = await callsign.phoneNumbers.create({ userId: user.id, phoneNumber: '+1 (415) 555-0181' });
      assert.match(created.id!, /^idn_/);
      assert.equal(created.phoneNumber, '+14155550181');
      assert.equal(created.verification, null);
      assert.equal(created.reserved, false);
      assert.deepEqual(created.linkedTo, []);
      assert.equal(created.backupCodes, null);
      assert.deepEqual(await callsign.phoneNumbers.get(created.id!), created);

      const verified = await callsign.phoneNumbers.update(created.id!, { verified: true, primary: true });
      assert.equal(verified.verification?.object, 'verification_admin');
      assert.equal((await callsign.users.get(user.id)).primaryPhoneNumberId, created.id);

      const replacement = await callsign.phoneNumbers.replaceForUser(user.id, { phoneNumber: '+14155550182', identificationStatus: 'reserved' });
      assert.equal(replacement.phoneNumber, '+14155550182');
      assert.equal(replacement.reserved, true);
      assert.deepEqual((await callsign.users.get(user.id)).phoneNumbers.map((n) => n.id), [replacement.id]);

      assert.deepEqual(await callsign.phoneNumbers.delete(replacement.id!), { object: 'phone_number', id: replacement.id, deleted: true });
      assert.deepEqual((await callsign.users.get(user.id)).phoneNumbers, []);
    });

    test('prepareVerification, attemptVerification (wrong, then right), and the otp verification on the number; the inbox holds the code', async () => {
      const phoneNumber = freshNumber();
      const user = await callsign.users.create();
      const number = await callsign.phoneNumbers.create({ userId: user.id, phoneNumber });
      const prepared = await callsign.phoneNumbers.prepareVerification(number.id!);
      assert.match(prepared.id, /^ver_/);
      assert.deepEqual({ ...prepared, id: 'ver', expireAt: 0 }, {
        object: 'verification_otp',
        id: 'ver',
        status: 'unverified',
        strategy: 'phone_code',
        attempts: 0,
        expireAt: 0,
        channel: 'sms',
      });
      assert.ok(prepared.expireAt! > Date.now());

      const pending = await callsign.phoneNumbers.get(number.id!);
      assert.deepEqual(pending.verification, { object: 'verification_otp', status: 'unverified', strategy: 'phone_code', attempts: 0, expireAt: prepared.expireAt, channel: 'sms' });

      const inbox = await callsign.dev.listSmsMessages({ phoneNumber, limit: 1 });
      assert.equal(inbox.totalCount, 1);
      const [message] = inbox.data;
      assert.equal(message?.to, phoneNumber);
      assert.equal(message?.verificationId, prepared.id);
      assert.match(message?.code ?? '', /^\d{6}$/);

      const wrong = await callsign.phoneNumbers.attemptVerification(number.id!, { verificationId: prepared.id, code: message!.code === '000000' ? '111111' : '000000' });
      assert.equal(wrong.status, 'unverified');
      assert.equal(wrong.attempts, 1);
      const right = await callsign.phoneNumbers.attemptVerification(number.id!, { verificationId: prepared.id, code: message!.code! });
      assert.equal(right.status, 'verified');
      const done = await callsign.phoneNumbers.get(number.id!);
      assert.equal(done.verification?.object, 'verification_otp');
      assert.equal(done.verification?.status, 'verified');
      assert.equal(done.verification?.strategy, 'phone_code');

      const again = await apiError(() => callsign.phoneNumbers.attemptVerification(number.id!, { verificationId: prepared.id, code: message!.code! }));
      assert.equal(again.status, 400);
      assert.equal(again.code, 'verification_already_verified');
    });

    test('second factor: update reservedForSecondFactor shows the backup codes once; verifyTotp, deleteBackupCodes, disableMfa', async () => {
      const user = await callsign.users.create();
      const number = await callsign.phoneNumbers.create({ userId: user.id, phoneNumber: '+14155550183', verified: true });
      const reserved = await callsign.phoneNumbers.update(number.id!, { reservedForSecondFactor: true });
      assert.equal(reserved.reservedForSecondFactor, true);
      assert.equal(reserved.defaultSecondFactor, true);
      assert.equal(reserved.backupCodes?.length, 10);
      assert.equal((await callsign.phoneNumbers.get(number.id!)).backupCodes, null);

      assert.deepEqual(await callsign.users.verifyTotp(user.id, { code: reserved.backupCodes![0]! }), { verified: true, codeType: 'backup_code' });
      const used = await apiError(() => callsign.users.verifyTotp(user.id, { code: reserved.backupCodes![0]! }));
      assert.equal(used.status, 422);
      assert.deepEqual(await callsign.users.deleteBackupCodes(user.id), { userId: user.id });
      assert.equal((await callsign.users.get(user.id)).backupCodeEnabled, false);
      assert.deepEqual(await callsign.users.disableMfa(user.id), { userId: user.id });
      const after = await callsign.users.get(user.id);
      assert.equal(after.twoFactorEnabled, false);
      assert.equal(after.phoneNumbers[0]?.reservedForSecondFactor, false);
    });

    test('health, ready and the OpenAPI document', async () => {
      assert.deepEqual(await callsign.health(), { status: 'ok' });
      assert.equal((await callsign.ready()).status, 'ok');
      const document = await callsign.openApiDocument();
      assert.equal(document.openapi, '3.1.0');
    });

    test('a method for every route Callsign serves', async () => {
      // operationId (or route, for routes the description leaves out) → the method that calls it.
      const methods: Record<string, unknown> = {
        CreateUser: callsign.users.create,
        GetUser: callsign.users.get,
        GetUserList: callsign.users.list,
        GetUsersCount: callsign.users.count,
        UpdateUser: callsign.users.update,
        UpdateUserMetadata: callsign.users.updateMetadata,
        ReplaceUserMetadata: callsign.users.replaceMetadata,
        DeleteUser: callsign.users.delete,
        VerifyTOTP: callsign.users.verifyTotp,
        DeleteBackupCode: callsign.users.deleteBackupCodes,
        DisableMFA: callsign.users.disableMfa,
        CreatePhoneNumber: callsign.phoneNumbers.create,
        GetPhoneNumber: callsign.phoneNumbers.get,
        UpdatePhoneNumber: callsign.phoneNumbers.update,
        DeletePhoneNumber: callsign.phoneNumbers.delete,
        PreparePhoneNumberVerification: callsign.phoneNumbers.prepareVerification,
        AttemptPhoneNumberVerification: callsign.phoneNumbers.attemptVerification,
        ReplaceUserPhoneNumber: callsign.phoneNumbers.replaceForUser,
        ListDevSmsMessages: callsign.dev.listSmsMessages,
        'GET /healthz': callsign.health,
        'GET /readyz': callsign.ready,
        'GET /v1/openapi.json': callsign.openApiDocument,
      };
      const document = await callsign.openApiDocument();
      const served = Object.values(document.paths as Record<string, Record<string, { operationId: string }>>).flatMap((item) =>
        Object.values(item).map((operation) => operation.operationId),
      );
      const missing = served.filter((id) => typeof methods[id] !== 'function');
      assert.deepEqual(missing, [], 'served operations without a client method');
      for (const key of Object.keys(methods).filter((k) => k.includes(' '))) {
        const [method, url] = key.split(' ') as [string, string];
        assert.ok(server.app.hasRoute({ method: method as 'GET', url }), `${key} is not served any more`);
        assert.equal(typeof methods[key], 'function', key);
      }
    });

    test('errors: 401 with a wrong key, 404, 422 naming the parameter, each with its trace id', async () => {
      const stranger = new Callsign({ secretKey: 'sk_wrong', baseUrl: server.url });
      const unauthorized = await apiError(() => stranger.users.list());
      assert.equal(unauthorized.status, 401);
      assert.equal(unauthorized.code, 'authentication_invalid');
      assert.equal(unauthorized.request, 'GET /v1/users');
      assert.match(unauthorized.clerkTraceId ?? '', /^\w+$/);
      assert.match(unauthorized.message, /^authentication_invalid: .+ \(GET \/v1\/users answered 401\)$/);

      const notFound = await apiError(() => callsign.phoneNumbers.get('idn_missing'));
      assert.equal(notFound.status, 404);
      assert.equal(notFound.code, 'resource_not_found');

      const user = await callsign.users.create();
      const invalid = await apiError(() => callsign.phoneNumbers.create({ userId: user.id, phoneNumber: '4155550101' }));
      assert.equal(invalid.status, 422);
      assert.equal(invalid.code, 'form_param_format_invalid');
      assert.equal(invalid.paramName, 'phone_number');
      assert.equal(invalid.errors[0]?.meta.paramName, 'phone_number');
      assert.equal(typeof invalid.errors[0]?.longMessage, 'string');
      assert.equal(invalid.retryAfter, undefined);
    });

    test('errors: 429 with Retry-After when a number is sent codes too fast', async () => {
      const user = await callsign.users.create();
      const number = await callsign.phoneNumbers.create({ userId: user.id, phoneNumber: freshNumber() });
      await callsign.phoneNumbers.prepareVerification(number.id!);
      const limited = await apiError(() => callsign.phoneNumbers.prepareVerification(number.id!));
      assert.equal(limited.status, 429);
      assert.equal(limited.code, 'too_many_requests');
      assert.ok(limited.retryAfter !== undefined && limited.retryAfter > 0 && limited.retryAfter <= 30, `retryAfter ${limited.retryAfter}`);
    });

    test('a server that cannot be reached is a CallsignConnectionError', async () => {
      const closed = await startServer({ storeFactory });
      const url = closed.url;
      await closed.close();
      const gone = new Callsign({ secretKey: 'k', baseUrl: url });
      await assert.rejects(gone.users.list(), (error: unknown) => error instanceof CallsignConnectionError && error.message.includes(`GET ${url}/v1/users`));
    });

    test('baseUrl may carry /v1 and trailing slashes, as Clerk documents it', async () => {
      const withV1 = new Callsign({ secretKey: server.key, baseUrl: `${server.url}/v1/` });
      assert.equal(withV1.baseUrl, server.url);
      const users: readonly User[] = await withV1.users.list({ limit: 1 });
      assert.ok(Array.isArray(users));
    });
  });
}
