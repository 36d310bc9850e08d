import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Callsign, CallsignApiError, CallsignDecodeError, type FetchLike } from '@callsign/client';
import { schemaValidator } from '../helpers/reference.js';
import { thrownBy } from '../helpers/thrown.js';

/**
 * The client's wire handling with a handed-in fetch: what it sends, and how
 * it decodes answers shaped like Clerk's description, including the ones a
 * Callsign server does not produce (unknown enum values, extra fields,
 * broken bodies).
 */

interface Sent {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

function fake(answer: (sent: Sent) => Response | Promise<Response>): { callsign: Callsign; sent: Sent[] } {
  const sent: Sent[] = [];
  const fetch: FetchLike = async (url, init) => {
    const request: Sent = {
      url,
      method: init.method ?? 'GET',
      headers: Object.fromEntries(new Headers(init.headers).entries()),
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    sent.push(request);
    return answer(request);
  };
  return { callsign: new Callsign({ secretKey: 'sk_test_fake', baseUrl: 'https://callsign.example', fetch }), sent };
}

const ok = (body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(typeof body === 'string' ? body : JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json', ...headers } });

/** A phone number exactly as Clerk's description shapes it, with an OTP verification and every optional field. */
const referencePhoneNumber = {
  id: 'idn_2x',
  object: 'phone_number',
  phone_number: '+14155550101',
  reserved_for_second_factor: false,
  default_second_factor: false,
  reserved: false,
  verification: { object: 'verification_otp', status: 'verified', strategy: 'phone_code', attempts: 1, expire_at: 1778578200000, channel: 'sms', verified_at_client: null },
  linked_to: [{ type: 'oauth_google', id: 'idn_google' }],
  backup_codes: null,
  created_at: 1778577600000,
  updated_at: 1778577700000,
};

/** The CallsignDecodeError `call` must throw. */
const decodeError = (call: () => Promise<unknown>): Promise<CallsignDecodeError> => thrownBy(call, (e) => e instanceof CallsignDecodeError, 'a CallsignDecodeError');

describe('@callsign/client on the wire (handed-in fetch)', () => {
  test('the reference-shaped fixture is valid against Clerk description', () => {
    assert.ok(schemaValidator('PhoneNumber')(referencePhoneNumber), 'fixture must match the reference PhoneNumber schema');
  });

  test('decodes the otp variant, with its optional fields, camelCased and frozen', async () => {
    const { callsign } = fake(() => ok(referencePhoneNumber));
    const number = await callsign.phoneNumbers.get('idn_2x');
    assert.deepEqual(number, {
      id: 'idn_2x',
      object: 'phone_number',
      phoneNumber: '+14155550101',
      reservedForSecondFactor: false,
      defaultSecondFactor: false,
      reserved: false,
      verification: { object: 'verification_otp', status: 'verified', strategy: 'phone_code', attempts: 1, expireAt: 1778578200000, channel: 'sms', verifiedAtClient: null },
      linkedTo: [{ type: 'oauth_google', id: 'idn_google' }],
      backupCodes: null,
      createdAt: 1778577600000,
      updatedAt: 1778577700000,
    });
    assert.ok(Object.isFrozen(number) && Object.isFrozen(number.verification) && Object.isFrozen(number.linkedTo));
    if (number.verification?.object === 'verification_otp') assert.equal(number.verification.channel, 'sms');
  });

  test('decodes the admin variant; without `object`, strategy tells the variants apart', async () => {
    const admin = { status: 'verified', strategy: 'admin', attempts: null, expire_at: null };
    const { callsign } = fake(() => ok({ ...referencePhoneNumber, verification: admin }));
    assert.deepEqual((await callsign.phoneNumbers.get('idn_2x')).verification, { object: 'verification_admin', status: 'verified', strategy: 'admin', attempts: null, expireAt: null });
    const otp = { status: 'unverified', strategy: 'phone_code', attempts: 0, expire_at: 5 };
    const second = fake(() => ok({ ...referencePhoneNumber, verification: otp }));
    assert.equal((await second.callsign.phoneNumbers.get('idn_2x')).verification?.object, 'verification_otp');
  });

  test('fields the reference leaves optional may be absent', async () => {
    const { id: _id, reserved_for_second_factor: _r, default_second_factor: _d, backup_codes: _b, ...required } = referencePhoneNumber;
    const { callsign } = fake(() => ok(required));
    const number = await callsign.phoneNumbers.get('idn_2x');
    assert.equal(number.id, undefined);
    assert.equal('reservedForSecondFactor' in number, false);
    assert.equal(number.backupCodes, undefined);
  });

  test('unknown enum values are kept, unknown fields ignored', async () => {
    const { callsign } = fake(() =>
      ok({ ...referencePhoneNumber, matches_sso_connection: true, verification: { ...referencePhoneNumber.verification, status: 'transferable', strategy: 'email_link', future_field: 1 } }),
    );
    const number = await callsign.phoneNumbers.get('idn_2x');
    assert.equal(number.verification?.status, 'transferable');
    assert.equal(number.verification?.strategy, 'email_link');
    assert.equal('matchesSsoConnection' in number, false);
    assert.equal('future_field' in (number.verification ?? {}), false);
  });

  test('a wrong type is a decode error naming the field and the request', async () => {
    const user = (phone: unknown) => ({
      id: 'user_1', object: 'user', external_id: null, primary_email_address_id: null, primary_phone_number_id: null, primary_web3_wallet_id: null,
      username: null, first_name: null, last_name: null, has_image: false, public_metadata: {}, email_addresses: [], phone_numbers: [phone],
      web3_wallets: [], passkeys: [], password_enabled: false, two_factor_enabled: false, totp_enabled: false, backup_code_enabled: false,
      mfa_enabled_at: null, mfa_disabled_at: null, external_accounts: [], saml_accounts: [], enterprise_accounts: [], last_sign_in_at: null,
      banned: false, locked: false, lockout_expires_in_seconds: null, verification_attempts_remaining: null, created_at: 1, updated_at: 1,
      delete_self_enabled: false, create_organization_enabled: false, last_active_at: null, legal_accepted_at: null,
    });
    assert.ok(schemaValidator('User')(user(referencePhoneNumber)), 'the user fixture matches the reference');
    const good = fake(() => ok(user(referencePhoneNumber)));
    assert.equal((await good.callsign.users.get('user_1')).phoneNumbers[0]?.verification?.status, 'verified');

    const bad = fake(() => ok(user({ ...referencePhoneNumber, verification: { ...referencePhoneNumber.verification, attempts: 'one' } })));
    const error = await decodeError(() => bad.callsign.users.get('user_1'));
    assert.equal(error.field, 'phone_numbers[0].verification.attempts');
    assert.equal(error.expected, 'an integer or null');
    assert.equal(error.actual, 'one');
    assert.equal(error.request, 'GET /v1/users/user_1');
    assert.equal(error.message, 'cannot decode the answer to GET /v1/users/user_1: phone_numbers[0].verification.attempts must be an integer or null, got string "one"');
  });

  test('a missing field, a wrong discriminator, a non-object or non-JSON body are decode errors', async () => {
    const { created_at: _c, ...missing } = referencePhoneNumber;
    assert.match((await decodeError(() => fake(() => ok(missing)).callsign.phoneNumbers.get('x'))).message, /created_at must be an integer, got nothing \(the field is missing\)/);
    const wrongObject = { ...referencePhoneNumber, verification: { ...referencePhoneNumber.verification, object: 'verification_saml' } };
    assert.equal((await decodeError(() => fake(() => ok(wrongObject)).callsign.phoneNumbers.get('x'))).field, 'verification.object');
    assert.equal((await decodeError(() => fake(() => ok({ ...referencePhoneNumber, object: 'user' })).callsign.phoneNumbers.get('x'))).field, 'object');
    assert.equal((await decodeError(() => fake(() => ok([])).callsign.phoneNumbers.get('x'))).field, '(body)');
    assert.equal((await decodeError(() => fake(() => ok('<html>')).callsign.phoneNumbers.get('x'))).field, '(body)');
    assert.equal((await decodeError(() => fake(() => ok({ data: [] })).callsign.users.list())).field, '(body)');
  });

  test('the verification response: reference-shaped, and id and status required', async () => {
    const body = { object: 'verification_otp', id: 'ver_1', status: 'unverified', strategy: 'phone_code', attempts: 0, expire_at: 10, channel: 'sms' };
    const { callsign, sent } = fake(() => ok(body));
    assert.deepEqual(await callsign.phoneNumbers.prepareVerification('idn_1'), { object: 'verification_otp', id: 'ver_1', status: 'unverified', strategy: 'phone_code', attempts: 0, expireAt: 10, channel: 'sms' });
    assert.deepEqual(await callsign.phoneNumbers.attemptVerification('idn_1', { verificationId: 'ver_1', code: '123456' }), await callsign.phoneNumbers.prepareVerification('idn_1'));
    assert.deepEqual(sent[1]?.body, { verification_id: 'ver_1', code: '123456' });
    const sparse = fake(() => ok({ id: 'ver_2', status: 'expired' }));
    assert.deepEqual(await sparse.callsign.phoneNumbers.prepareVerification('idn_1'), { object: 'verification_otp', id: 'ver_2', status: 'expired', strategy: 'phone_code', attempts: null, expireAt: null, channel: null });
    assert.equal((await decodeError(() => fake(() => ok({ status: 'verified' })).callsign.phoneNumbers.prepareVerification('idn_1'))).field, 'id');
  });

  test('429 carries Retry-After in seconds, from a number or an HTTP date', async () => {
    const limited = (retryAfter: string) =>
      fake(() => new Response(JSON.stringify({ errors: [{ code: 'too_many_requests', message: 'Too many requests', long_message: 'Wait.', meta: {} }], clerk_trace_id: 't1' }), { status: 429, headers: { 'retry-after': retryAfter } }));
    await assert.rejects(limited('27').callsign.phoneNumbers.prepareVerification('idn_1'), (error: unknown) => {
      assert.ok(error instanceof CallsignApiError);
      assert.equal(error.status, 429);
      assert.equal(error.code, 'too_many_requests');
      assert.equal(error.retryAfter, 27);
      assert.equal(error.clerkTraceId, 't1');
      assert.deepEqual(error.errors, [{ code: 'too_many_requests', message: 'Too many requests', longMessage: 'Wait.', meta: {} }]);
      return true;
    });
    const date = new Date(Date.now() + 60_000).toUTCString();
    await assert.rejects(limited(date).callsign.phoneNumbers.prepareVerification('idn_1'), (error: unknown) => {
      assert.ok(error instanceof CallsignApiError && error.retryAfter !== undefined && error.retryAfter >= 58 && error.retryAfter <= 60, String((error as CallsignApiError).retryAfter));
      return true;
    });
  });

  test('an error answer that is not ClerkErrors is still a CallsignApiError, with no entries', async () => {
    const { callsign } = fake(() => new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway', headers: { 'content-type': 'text/html' } }));
    await assert.rejects(callsign.users.list(), (error: unknown) => {
      assert.ok(error instanceof CallsignApiError);
      assert.equal(error.status, 502);
      assert.deepEqual(error.errors, []);
      assert.equal(error.code, undefined);
      assert.equal(error.message, 'HTTP 502 Bad Gateway (GET /v1/users answered 502)');
      return true;
    });
  });

  test('sends camelCase inputs as snake_case, only the ones given, with the key, to the right paths', async () => {
    const { callsign, sent } = fake(({ url }) => (url.includes('count') ? ok({ object: 'total_count', total_count: 0 }) : url.includes('/users') ? ok([]) : ok(referencePhoneNumber)));
    await callsign.phoneNumbers.create({ userId: 'user_1', phoneNumber: '+14155550101', reservedForSecondFactor: null });
    await callsign.phoneNumbers.update('idn/../1', { primary: true });
    await callsign.users.list({ phoneNumber: ['+1 415', '+44'], limit: 2, orderBy: '+updated_at' });
    await callsign.users.count({ query: 'a&b' });
    assert.deepEqual(sent[0], {
      url: 'https://callsign.example/v1/phone_numbers',
      method: 'POST',
      headers: { accept: 'application/json', authorization: 'Bearer sk_test_fake', 'content-type': 'application/json' },
      body: { user_id: 'user_1', phone_number: '+14155550101', reserved_for_second_factor: null },
    });
    assert.equal(sent[1]?.url, 'https://callsign.example/v1/phone_numbers/idn%2F..%2F1');
    assert.deepEqual(sent[1]?.body, { primary: true });
    assert.equal(sent[2]?.url, 'https://callsign.example/v1/users?phone_number=%2B1+415&phone_number=%2B44&limit=2&order_by=%2Bupdated_at');
    assert.equal(sent[2]?.body, undefined);
    assert.equal(sent[3]?.url, 'https://callsign.example/v1/users/count?query=a%26b');
  });

  test('bad options fail at construction', () => {
    assert.throws(() => new Callsign({ secretKey: '' }), /secretKey is required/);
    assert.throws(() => new Callsign({ secretKey: 'k', baseUrl: 'localhost:4000' }), /baseUrl must be/);
    assert.throws(() => new Callsign({ secretKey: 'k', baseUrl: 'ftp://x' }), /http: or https:/);
    assert.equal(new Callsign({ secretKey: 'k' }).baseUrl, 'http://127.0.0.1:4000');
    assert.equal(new Callsign({ secretKey: 'k', baseUrl: 'https://api.clerk.com/v1' }).baseUrl, 'https://api.clerk.com');
  });
});
