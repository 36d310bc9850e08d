import type { Random } from './ports.js';

/** The code every test-mode number accepts (rule 9). */
export const TEST_MODE_CODE = '424242';

/** Shortest and longest codes: 4 digits are the least worth sending; 9 still fit one 32-bit draw. */
export const OTP_MIN_DIGITS = 4;
export const OTP_MAX_DIGITS = 9;

const DRAW_RANGE = 2 ** 32;
/** A broken Random (always the same rejected value) must fail loudly, not loop forever. */
const MAX_DRAWS = 1000;

/**
 * A one-time code of `digits` decimal digits, uniform over all codes.
 * Draws 32-bit numbers from the CSPRNG and rejects those at or above the
 * largest multiple of 10^digits below 2^32, so taking the remainder has no
 * modulo bias (at 6 digits about 1 draw in 4300 is rejected).
 */
export function generateOtp(random: Random, digits = 6): string {
  if (!Number.isInteger(digits) || digits < OTP_MIN_DIGITS || digits > OTP_MAX_DIGITS) {
    throw new RangeError(`a one-time code has ${OTP_MIN_DIGITS} to ${OTP_MAX_DIGITS} digits, not ${digits}`);
  }
  const range = 10 ** digits;
  const limit = Math.floor(DRAW_RANGE / range) * range;
  for (let draw = 0; draw < MAX_DRAWS; draw++) {
    const b = random.bytes(4);
    const value = b[0]! * 2 ** 24 + b[1]! * 2 ** 16 + b[2]! * 2 ** 8 + b[3]!;
    if (value < limit) return String(value % range).padStart(digits, '0');
  }
  throw new Error('the random source keeps returning out-of-range values');
}

/**
 * Rule 9: the fictional numbers +1 XXX 555-0100 … 555-0199 (any area code),
 * reserved for fiction by the North American Numbering Plan.
 */
export function isTestNumber(e164: string): boolean {
  return /^\+1[0-9]{3}55501[0-9]{2}$/.test(e164);
}

/** What a person typed, as it is compared: spaces and dashes between digit groups do not count. */
export function normalizeCode(input: string): string {
  return input.replace(/[\s-]/g, '');
}
