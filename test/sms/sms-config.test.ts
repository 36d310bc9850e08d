import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';
import { createSmsSender } from '../../src/runtime/sms-sender.js';
import { refused } from '../helpers/config.js';
import { TWILIO_SID } from './fake-provider.js';

const production = {
  CALLSIGN_ENV: 'production',
  CALLSIGN_SECRET_KEY: 'sk_live_0123456789abcdefghijklmnop',
  CALLSIGN_HASH_KEY: randomBytes(32).toString('hex'),
  DATABASE_URL: 'sqlite::memory:',
};
const webhook = { SMS_PROVIDER: 'webhook', SMS_WEBHOOK_URL: 'https://gateway.example/sms', SMS_WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}` };
const twilio = { SMS_PROVIDER: 'twilio', TWILIO_ACCOUNT_SID: TWILIO_SID, TWILIO_AUTH_TOKEN: 'token', TWILIO_FROM_NUMBER: '+15005550006' };


describe('SMS settings', () => {
  test('development defaults: the log provider, test mode on, the inbox served, the documented limits', () => {
    const config = loadConfig({});
    assert.deepEqual(config.sms.provider, { kind: 'log' });
    assert.deepEqual(config.sms.retry, { initialDelayMs: 1000, maxDelayMs: 60_000 });
    assert.equal(config.sms.requestTimeoutMs, 10_000);
    assert.deepEqual(config.verification, {
      codeLength: 6,
      codeTtlMs: 600_000,
      maxAttempts: 3,
      testMode: true,
      resendCooldownMs: 30_000,
      numberHourlyLimit: 5,
      keyHourlyLimit: 1000,
      allowedCountries: [],
      blockedCountries: [],
    });
    assert.equal(config.devInbox, true);
    assert.ok(Object.isFrozen(config.verification) && Object.isFrozen(config.sms));
  });

  test('production refuses to start without a real provider', () => {
    refused(production, /SMS_PROVIDER must be webhook or twilio in production/);
    refused({ ...production, SMS_PROVIDER: 'log' }, /SMS_PROVIDER must be webhook or twilio in production/);
  });

  test('production: test mode off and no inbox unless CALLSIGN_TEST_MODE=true is set on purpose', () => {
    const config = loadConfig({ ...production, ...webhook });
    assert.equal(config.verification.testMode, false);
    assert.equal(config.devInbox, false);
    const testing = loadConfig({ ...production, ...webhook, CALLSIGN_TEST_MODE: 'true' });
    assert.equal(testing.verification.testMode, true);
    assert.equal(testing.devInbox, true);
    assert.equal(loadConfig({ CALLSIGN_TEST_MODE: 'false' }).verification.testMode, false);
    assert.equal(loadConfig({ CALLSIGN_TEST_MODE: 'false' }).devInbox, true, 'development always has its inbox');
    refused({ CALLSIGN_TEST_MODE: 'yes' }, /CALLSIGN_TEST_MODE must be true or false/);
  });

  test('webhook: a URL and a Standard Webhooks secret are required and checked', () => {
    const config = loadConfig({ ...production, ...webhook });
    assert.deepEqual(config.sms.provider, { kind: 'webhook', url: webhook.SMS_WEBHOOK_URL, secret: webhook.SMS_WEBHOOK_SECRET });
    assert.equal(createSmsSender(config.sms).provider, 'webhook');
    refused({ ...webhook, SMS_WEBHOOK_URL: '' }, /SMS_WEBHOOK_URL is required/);
    refused({ ...webhook, SMS_WEBHOOK_URL: 'ftp://x' }, /http/);
    refused({ ...webhook, SMS_WEBHOOK_SECRET: '' }, /SMS_WEBHOOK_SECRET is required/);
    refused({ ...webhook, SMS_WEBHOOK_SECRET: 'whsec_c2hvcnQ=' }, /24 to 64 random bytes/);
    refused({ ...webhook, SMS_WEBHOOK_SECRET: 'whsec_not base64!' }, /24 to 64 random bytes/);
  });

  test('twilio: account SID, token, and exactly one of a From number and a Messaging Service', () => {
    const config = loadConfig({ ...production, ...twilio });
    assert.deepEqual(config.sms.provider, {
      kind: 'twilio',
      accountSid: TWILIO_SID,
      authToken: 'token',
      from: '+15005550006',
      messagingServiceSid: undefined,
      baseUrl: 'https://api.twilio.com',
    });
    assert.equal(createSmsSender(config.sms).provider, 'twilio');
    const service = { ...twilio, TWILIO_FROM_NUMBER: '', TWILIO_MESSAGING_SERVICE_SID: 'MG0123456789abcdef0123456789abcdef' };
    assert.equal(createSmsSender(loadConfig(service).sms).provider, 'twilio');
    refused({ ...twilio, TWILIO_ACCOUNT_SID: 'nope' }, /TWILIO_ACCOUNT_SID/);
    refused({ ...twilio, TWILIO_AUTH_TOKEN: '' }, /TWILIO_AUTH_TOKEN/);
    refused({ ...twilio, TWILIO_FROM_NUMBER: '' }, /exactly one/);
    refused({ ...twilio, TWILIO_MESSAGING_SERVICE_SID: 'MG0123456789abcdef0123456789abcdef' }, /exactly one/);
    refused({ ...service, TWILIO_MESSAGING_SERVICE_SID: 'MGx' }, /Messaging Service SID/);
    refused({ ...twilio, TWILIO_BASE_URL: 'not a url' }, /TWILIO_BASE_URL/);
    refused({ SMS_PROVIDER: 'carrier-pigeon' }, /SMS_PROVIDER must be log, webhook or twilio/);
  });

  test('codes, limits and country lists are read and bounded', () => {
    const config = loadConfig({
      SMS_CODE_LENGTH: '8',
      SMS_CODE_TTL_SECONDS: '300',
      SMS_CODE_MAX_ATTEMPTS: '5',
      SMS_RESEND_COOLDOWN_SECONDS: '0',
      SMS_NUMBER_HOURLY_LIMIT: '10',
      SMS_KEY_HOURLY_LIMIT: '50',
      SMS_ALLOWED_COUNTRIES: 'us, ca ,GB',
      SMS_BLOCKED_COUNTRIES: 'RU',
      SMS_RETRY_INITIAL_DELAY_MS: '500',
      SMS_RETRY_MAX_DELAY_MS: '5000',
      SMS_REQUEST_TIMEOUT_MS: '2000',
    });
    assert.equal(config.verification.codeLength, 8);
    assert.equal(config.verification.codeTtlMs, 300_000);
    assert.equal(config.verification.maxAttempts, 5);
    assert.equal(config.verification.resendCooldownMs, 0);
    assert.equal(config.verification.numberHourlyLimit, 10);
    assert.equal(config.verification.keyHourlyLimit, 50);
    assert.deepEqual(config.verification.allowedCountries, ['US', 'CA', 'GB']);
    assert.deepEqual(config.verification.blockedCountries, ['RU']);
    assert.deepEqual(config.sms.retry, { initialDelayMs: 500, maxDelayMs: 5000 });
    assert.equal(config.sms.requestTimeoutMs, 2000);
    refused({ SMS_CODE_LENGTH: '3' }, /SMS_CODE_LENGTH/);
    refused({ SMS_CODE_LENGTH: '10' }, /SMS_CODE_LENGTH/);
    refused({ SMS_CODE_MAX_ATTEMPTS: '0' }, /SMS_CODE_MAX_ATTEMPTS/);
    refused({ SMS_ALLOWED_COUNTRIES: 'UK' }, /"UK" is not one/);
    refused({ SMS_BLOCKED_COUNTRIES: 'USA' }, /"USA" is not one/);
    refused({ SMS_RETRY_INITIAL_DELAY_MS: '5000', SMS_RETRY_MAX_DELAY_MS: '1000' }, /SMS_RETRY_MAX_DELAY_MS/);
  });

  test('the first retry must come before the code expires', () => {
    // Otherwise every transient first failure would leave the code undelivered.
    refused({ SMS_CODE_TTL_SECONDS: '30', SMS_RETRY_INITIAL_DELAY_MS: '30000' }, /^SMS_RETRY_INITIAL_DELAY_MS \(30000\) must be below SMS_CODE_TTL_SECONDS \(30 s\)/);
    refused({ SMS_CODE_TTL_SECONDS: '30', SMS_RETRY_INITIAL_DELAY_MS: '45000', SMS_RETRY_MAX_DELAY_MS: '60000' }, /SMS_RETRY_INITIAL_DELAY_MS/);
    refused({ SMS_RETRY_INITIAL_DELAY_MS: '600000' }, /must be below SMS_CODE_TTL_SECONDS \(600 s\)/);
    assert.throws(() => loadConfig({ SMS_CODE_TTL_SECONDS: '30', SMS_RETRY_INITIAL_DELAY_MS: '30000' }), (e: unknown) => e instanceof ConfigError && !e.message.includes('\n'));
    assert.equal(loadConfig({ SMS_CODE_TTL_SECONDS: '30', SMS_RETRY_INITIAL_DELAY_MS: '29999' }).sms.retry.initialDelayMs, 29_999);
  });
});
