import type { OtpStatus } from './phone-number.js';

/** Settings of one-time-code verification and of the send limits (rules 7–9). */
export interface VerificationSettings {
  /** SMS_CODE_LENGTH: digits in a code. @default 6 */
  readonly codeLength: number;
  /** SMS_CODE_TTL_SECONDS, in ms here: how long a code can be used. @default 600000 (10 minutes) */
  readonly codeTtlMs: number;
  /** SMS_CODE_MAX_ATTEMPTS: wrong codes after which the verification is `failed`. @default 3 */
  readonly maxAttempts: number;
  /** CALLSIGN_TEST_MODE: fictional numbers send nothing and accept 424242 (rule 9). @default false here; true in development */
  readonly testMode: boolean;
  /** SMS_RESEND_COOLDOWN_SECONDS, in ms here: least time between two sends to one number. @default 30000 */
  readonly resendCooldownMs: number;
  /** SMS_NUMBER_HOURLY_LIMIT: sends to one number in any rolling hour. @default 5 */
  readonly numberHourlyLimit: number;
  /** SMS_KEY_HOURLY_LIMIT: sends through one secret key in any rolling hour. @default 1000 */
  readonly keyHourlyLimit: number;
  /** SMS_ALLOWED_COUNTRIES: ISO 3166 alpha-2 codes; empty allows every country. @default [] */
  readonly allowedCountries: readonly string[];
  /** SMS_BLOCKED_COUNTRIES: ISO 3166 alpha-2 codes codes are never sent to; wins over the allowed list. @default [] */
  readonly blockedCountries: readonly string[];
}

export const DEFAULT_VERIFICATION_SETTINGS: VerificationSettings = Object.freeze({
  codeLength: 6,
  codeTtlMs: 10 * 60_000,
  maxAttempts: 3,
  testMode: false,
  resendCooldownMs: 30_000,
  numberHourlyLimit: 5,
  keyHourlyLimit: 1000,
  allowedCountries: Object.freeze([]),
  blockedCountries: Object.freeze([]),
});

/** A one-time-code verification of one phone number (the `ver_…` object). */
export interface OtpVerification {
  readonly id: string;
  readonly phoneNumberId: string;
  /** E.164, as the number was when the code was sent. */
  readonly phoneNumber: string;
  /** The code's keyed hash; the code itself is never stored. */
  readonly codeHash: string;
  readonly status: OtpStatus;
  /** Attempts checked against this code, right or wrong. */
  readonly attempts: number;
  /** Wrong attempts after which the status is `failed`, fixed when the code was made. */
  readonly maxAttempts: number;
  readonly expireAt: number;
  /** A newer code was prepared for the same number: this one no longer verifies anything. */
  readonly superseded: boolean;
  /** Made for a test-mode number: nothing was sent and the code is 424242. */
  readonly testMode: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/**
 * What an attempt did. Every outcome but `already_verified` is an answer
 * (the verification's new status, HTTP 200); `already_verified` is the
 * caller's mistake (400 verification_already_verified).
 */
export type AttemptOutcome =
  | { readonly kind: 'already_verified' }
  | { readonly kind: 'verified' | 'unverified' | 'failed' | 'expired'; readonly verification: OtpVerification; readonly changed: boolean };

/**
 * Rule 7's state machine, as one pure function. Checked in this order, so
 * nothing about the code leaks once it can no longer be used:
 * - verified → `already_verified` (replay);
 * - failed → stays `failed`, even for the right code (brute force stops here);
 * - expired, superseded by a newer code, or past `expireAt` → `expired`;
 * - right code → `verified`; wrong code → `unverified`, or `failed` when the
 *   wrong attempts reach `maxAttempts`. Both count one attempt.
 */
export function attemptVerification(verification: OtpVerification, codeMatches: boolean, now: number): AttemptOutcome {
  const v = verification;
  switch (v.status) {
    case 'verified':
      return { kind: 'already_verified' };
    case 'failed':
      return { kind: 'failed', verification: v, changed: false };
    case 'expired':
      return { kind: 'expired', verification: v, changed: false };
    case 'unverified':
      break;
  }
  if (v.superseded || now >= v.expireAt) {
    return { kind: 'expired', verification: { ...v, status: 'expired', updatedAt: now }, changed: true };
  }
  const attempts = v.attempts + 1;
  if (codeMatches) return { kind: 'verified', verification: { ...v, status: 'verified', attempts, updatedAt: now }, changed: true };
  const status: OtpStatus = attempts >= v.maxAttempts ? 'failed' : 'unverified';
  return { kind: status, verification: { ...v, status, attempts, updatedAt: now }, changed: true };
}

/** A verification whose code could still verify the number: neither settled, superseded nor past its expiry. */
export function isOpen(verification: OtpVerification, now: number): boolean {
  return verification.status === 'unverified' && !verification.superseded && now < verification.expireAt;
}
