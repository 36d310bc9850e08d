import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { generateOtp, isTestNumber, normalizeCode, TEST_MODE_CODE } from '../../src/domain/otp.js';
import type { Random } from '../../src/domain/ports.js';

/** A Random that hands out the given 32-bit values, big-endian. */
function scripted(...values: number[]): Random & { draws: number } {
  const r = {
    draws: 0,
    bytes(length: number): Uint8Array {
      assert.equal(length, 4);
      const v = values[r.draws++];
      assert.ok(v !== undefined, 'drew more than scripted');
      return Uint8Array.of(v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
    },
  };
  return r;
}

describe('one-time codes', () => {
  test('six digits, zero-padded, from the random draw', () => {
    assert.equal(generateOtp(scripted(42)), '000042');
    assert.equal(generateOtp(scripted(1_000_042)), '000042');
    assert.equal(generateOtp(scripted(123456), 8), '00123456');
  });

  test('rejection sampling: draws at or above the largest multiple of 10^6 below 2^32 are thrown away (no modulo bias)', () => {
    const limit = Math.floor(2 ** 32 / 1e6) * 1e6; // 4294000000
    const r = scripted(2 ** 32 - 1, limit, limit - 1);
    assert.equal(generateOtp(r), String((limit - 1) % 1e6).padStart(6, '0'));
    assert.equal(r.draws, 3);
  });

  test('a broken random source fails loudly instead of looping', () => {
    const stuck: Random = { bytes: () => Uint8Array.of(255, 255, 255, 255) };
    assert.throws(() => generateOtp(stuck), /out-of-range/);
  });

  test('lengths outside 4–9 digits are refused', () => {
    for (const digits of [0, 3, 10, 6.5]) assert.throws(() => generateOtp({ bytes: randomBytes }, digits), RangeError);
  });

  test('property: a code has exactly the asked digits and is the first accepted draw modulo 10^digits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 9 }), fc.array(fc.nat({ max: 2 ** 32 - 1 }), { minLength: 1, maxLength: 5 }), (digits, values) => {
        const range = 10 ** digits;
        const limit = Math.floor(2 ** 32 / range) * range;
        // 0 is always accepted, so every script ends.
        const code = generateOtp(scripted(...values, 0), digits);
        const first = [...values, 0].find((v) => v < limit)!;
        return code === String(first % range).padStart(digits, '0');
      }),
    );
  });

  test('with the real CSPRNG, each digit position is roughly uniform', () => {
    const counts = Array.from({ length: 6 }, () => new Array<number>(10).fill(0));
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const code = generateOtp({ bytes: randomBytes });
      for (let p = 0; p < 6; p++) counts[p]![Number(code[p])]! += 1;
    }
    for (const position of counts) for (const c of position) assert.ok(Math.abs(c - n / 10) < n / 10 * 0.15, `digit count ${c} far from ${n / 10}`);
  });
});

describe('test-mode numbers (rule 9)', () => {
  test('+1 XXX 555-0100 … 555-0199, any area code', () => {
    for (const n of ['+14155550100', '+12125550199', '+19995550150']) assert.equal(isTestNumber(n), true, n);
    for (const n of ['+14155550200', '+14155550099', '+14155551234', '+441555550100', '+145550100', '+141555501000']) assert.equal(isTestNumber(n), false, n);
  });

  test('the test code is 424242', () => assert.equal(TEST_MODE_CODE, '424242'));

  test('spaces and dashes people type are not part of the code', () => {
    assert.equal(normalizeCode(' 123 456 '), '123456');
    assert.equal(normalizeCode('123-456'), '123456');
  });
});
