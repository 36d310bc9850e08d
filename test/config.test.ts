import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { ConfigError, GENERATE, loadConfig } from '../src/config.js';
import { refused } from './helpers/config.js';

test('secret keys: comma-separated for rotation, trimmed; each must be printable ASCII, as HTTP headers carry it', () => {
  assert.deepEqual(loadConfig({ CALLSIGN_SECRET_KEY: ' sk_test_one , sk_test_two ' }).secretKeys, ['sk_test_one', 'sk_test_two']);
  for (const key of ['sk_test_clé', 'sk_test_ключ', 'sk test', 'sk_test_\u0001']) {
    refused({ CALLSIGN_SECRET_KEY: `sk_test_fine,${key}` }, /printable ASCII/);
  }
});

test('production wants keys of at least 24 characters', () => {
  refused({ CALLSIGN_ENV: 'production', CALLSIGN_SECRET_KEY: 'sk_live_short' }, /at least 24 characters/);
  refused({ CALLSIGN_ENV: 'production' }, /CALLSIGN_SECRET_KEY is required/);
});

test('production reports every missing setting at once, each with how to generate it', () => {
  let error: unknown;
  try {
    loadConfig({ CALLSIGN_ENV: 'production', DATABASE_URL: 'sqlite::memory:' });
  } catch (caught) {
    error = caught;
  }
  assert.ok(error instanceof ConfigError, String(error));
  assert.equal(error.problems.length, 3, error.message);
  const [secretKey, hashKey, provider] = error.problems;
  assert.match(secretKey!, /^CALLSIGN_SECRET_KEY is required in production.+generate one with `echo "sk_live_\$\(openssl rand -hex 24\)"`$/);
  assert.match(hashKey!, /^CALLSIGN_HASH_KEY is required in production.+generate one with `openssl rand -hex 32`$/);
  assert.match(provider!, /^SMS_PROVIDER must be webhook or twilio in production.+SMS_WEBHOOK_URL and SMS_WEBHOOK_SECRET.+TWILIO_ACCOUNT_SID/);
  // One message, one line per problem.
  assert.equal(error.message, `3 settings are missing or invalid:\n${error.problems.map((p) => `  - ${p}`).join('\n')}`);
});

test('missing and invalid settings are reported together, the provider\'s own settings included', () => {
  assert.throws(
    () => loadConfig({ CALLSIGN_ENV: 'production', CALLSIGN_SECRET_KEY: 'sk_live_short', CALLSIGN_HASH_KEY: 'abcd', PORT: 'http', SMS_PROVIDER: 'webhook' }),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.deepEqual(
        e.problems.map((p) => p.match(/[A-Z][A-Z0-9_]+/)?.[0]),
        ['CALLSIGN_SECRET_KEY', 'CALLSIGN_HASH_KEY', 'PORT', 'SMS_WEBHOOK_URL', 'SMS_WEBHOOK_SECRET'],
        e.message,
      );
      assert.match(e.problems[4]!, /generate one with `echo "whsec_\$\(openssl rand -base64 32\)"`/);
      return true;
    },
  );
  // One problem alone is the message as it is.
  assert.throws(() => loadConfig({ PORT: '99999' }), (e: unknown) => e instanceof ConfigError && e.message === 'PORT must be an integer from 0 to 65535, got "99999"');
});

test('the commands the problems suggest generate settings production accepts', { skip: spawnSync('openssl', ['version']).status === 0 ? false : 'no openssl here' }, () => {
  const generate = (command: string): string => execFileSync('sh', ['-c', command.replace(/^`|`$/g, '')], { encoding: 'utf8' }).trim();
  const config = loadConfig({
    CALLSIGN_ENV: 'production',
    DATABASE_URL: 'sqlite::memory:',
    CALLSIGN_SECRET_KEY: generate(GENERATE.secretKey),
    CALLSIGN_HASH_KEY: generate(GENERATE.hashKey),
    SMS_PROVIDER: 'webhook',
    SMS_WEBHOOK_URL: 'https://gateway.example/sms',
    SMS_WEBHOOK_SECRET: generate(GENERATE.webhookSecret),
  });
  assert.match(config.secretKeys[0]!, /^sk_live_[0-9a-f]{48}$/);
  assert.equal(config.hashKey?.length, 32);
});

test('HTTP timeouts: finite defaults, each settable, and headers within the request', () => {
  assert.deepEqual(loadConfig({}).httpTimeouts, { headersMs: 10_000, requestMs: 30_000, keepAliveMs: 72_000 });
  assert.deepEqual(
    loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '2000', HTTP_REQUEST_TIMEOUT_MS: '5000', HTTP_KEEP_ALIVE_TIMEOUT_MS: '61000' }).httpTimeouts,
    { headersMs: 2000, requestMs: 5000, keepAliveMs: 61_000 },
  );
  refused({ HTTP_REQUEST_TIMEOUT_MS: '0' }, /HTTP_REQUEST_TIMEOUT_MS must be an integer from 100/);
  refused({ HTTP_HEADERS_TIMEOUT_MS: '20000', HTTP_REQUEST_TIMEOUT_MS: '10000' }, /HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS/);
});
