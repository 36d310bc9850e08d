import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CallsignError } from '../../src/domain/errors.js';
import { maskPhoneNumber, parsePhoneNumber, toE164 } from '../../src/domain/phone.js';

test('rule 1: separators are removed and the result is E.164', () => {
  assert.equal(toE164('+1 (415) 555-0100'), '+14155550100');
  assert.equal(toE164('+44 20.7946.0958'), '+442079460958');
  assert.equal(toE164('+33 6 12 34 56 78'), '+33612345678');
  assert.equal(toE164('+14155550100'), '+14155550100');
});

test('rule 1: no country code, impossible lengths, unknown country codes, letters and non-ASCII digits are refused', () => {
  for (const input of ['4155550100', '001 415 555 0100', '+1 415', '+1 415 555 0100 12345', '+999 1234567', '+1 800 FLOWERS', '+１４１５５５５０１００', '', '+', '++14155550100', '+1/415/555/0100']) {
    assert.equal(toE164(input), null, input);
  }
});

test('parsePhoneNumber throws form_param_format_invalid naming the parameter', () => {
  assert.throws(
    () => parsePhoneNumber('12', 'phone_number'),
    (error: unknown) => error instanceof CallsignError && error.code === 'form_param_format_invalid' && error.paramName === 'phone_number' && error.status === 422,
  );
});

test('masking keeps the country code and last two digits only', () => {
  assert.equal(maskPhoneNumber('+14155550123'), '+14*******23');
  assert.doesNotMatch(maskPhoneNumber('+442079460958'), /7946/);
});
