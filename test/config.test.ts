import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../src/config.js';
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
