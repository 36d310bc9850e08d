import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { refuseDestination, type DestinationPolicy } from '../../src/domain/sms-destination.js';

const open: DestinationPolicy = { allowedCountries: [], blockedCountries: [] };
const code = (e164: string, policy: DestinationPolicy = open): string | null => refuseDestination(e164, policy)?.code ?? null;

describe('SMS pumping guard', () => {
  test('mobile and fixed-line-or-mobile numbers are sent to', () => {
    for (const n of ['+14152011234', '+447911123456', '+33612345678', '+4915112345678', '+61412345678']) assert.equal(code(n), null, n);
  });

  test('premium-rate numbers are refused with their own code', () => {
    for (const n of ['+19005551234', '+33899123456', '+449098790123', '+34803123456']) assert.equal(code(n), 'phone_number_premium_rate', n);
  });

  test('shared-cost numbers are refused with their own code', () => {
    for (const n of ['+33810123456', '+34901123456', '+611300123456']) assert.equal(code(n), 'phone_number_shared_cost', n);
  });

  test('numbers that cannot receive SMS (fixed line, toll free, pager, UAN) are refused', () => {
    for (const n of ['+442079460958', '+18005551234', '+447640123456', '+443001234567', '+493012345678']) {
      assert.equal(code(n), 'phone_number_cannot_receive_sms', n);
    }
    const error = refuseDestination('+18005551234', open)!;
    assert.equal(error.status, 422);
    assert.match(error.longMessage, /toll free/);
  });

  test('blocked countries are refused; the block list wins over the allow list', () => {
    assert.equal(code('+33612345678', { allowedCountries: [], blockedCountries: ['FR'] }), 'sms_country_blocked');
    assert.equal(code('+33612345678', { allowedCountries: ['FR'], blockedCountries: ['FR'] }), 'sms_country_blocked');
    assert.equal(code('+14152011234', { allowedCountries: [], blockedCountries: ['FR'] }), null);
  });

  test('with an allow list, other countries are refused', () => {
    const policy = { allowedCountries: ['US', 'CA'], blockedCountries: [] };
    assert.equal(code('+14152011234', policy), null);
    assert.equal(code('+33612345678', policy), 'sms_country_not_allowed');
    const error = refuseDestination('+33612345678', policy)!;
    assert.match(error.longMessage, /FR/);
  });

  test('a number in no known range is judged by every country its calling code could mean', () => {
    // +44 7700 900xxx is reserved for drama: no country of its own, but +44 means GB, GG, IM or JE.
    assert.equal(code('+447700900123'), null);
    assert.equal(code('+447700900123', { allowedCountries: ['GB'], blockedCountries: [] }), 'sms_country_not_allowed');
    assert.equal(code('+447700900123', { allowedCountries: [], blockedCountries: ['JE'] }), 'sms_country_blocked');
  });
});
