import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { errors } from './errors.js';

/** Longest input we hand to libphonenumber; E.164 itself is at most 16 characters. */
const MAX_INPUT_LENGTH = 64;
/** Separators people type between digit groups; removed before parsing. */
const SEPARATORS = /[\s.\-()]/g;
const PLUS_DIGITS = /^\+[0-9]{2,17}$/;

/**
 * Rule 1: normalize a phone number to E.164. Input must start with `+` and a
 * country code; spaces, dots, dashes and parentheses are removed; numbers
 * impossible for their country (per libphonenumber metadata) are rejected.
 * Returns null when the input is not a possible number.
 */
export function toE164(input: string): string | null {
  if (input.length > MAX_INPUT_LENGTH) return null;
  const compact = input.replace(SEPARATORS, '');
  // Only ASCII digits: libphonenumber would otherwise accept vanity letters and
  // non-ASCII digits, which are never what an API caller meant.
  if (!PLUS_DIGITS.test(compact)) return null;
  const parsed = parsePhoneNumberFromString(compact);
  if (parsed === undefined || !parsed.isPossible()) return null;
  return parsed.number;
}

/** {@link toE164}, throwing the wire error for `paramName` when the input is not a possible number. */
export function parsePhoneNumber(input: string, paramName = 'phone_number'): string {
  const e164 = toE164(input);
  if (e164 === null) {
    throw errors.paramFormatInvalid(
      paramName,
      `${paramName} must be a valid phone number in international format, starting with + and the country code (for example +14155550123).`,
    );
  }
  return e164;
}

/** Masks a number for logs: the country code and last two digits stay, so operators can still correlate. */
export function maskPhoneNumber(e164: string): string {
  if (e164.length <= 5) return '+***';
  return `${e164.slice(0, 3)}${'*'.repeat(e164.length - 5)}${e164.slice(-2)}`;
}
