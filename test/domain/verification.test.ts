import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { attemptVerification, isOpen, type OtpVerification } from '../../src/domain/verification.js';

const T0 = Date.UTC(2026, 0, 1);
const open: OtpVerification = {
  id: 'ver_1',
  phoneNumberId: 'idn_1',
  phoneNumber: '+14152011234',
  codeHash: 'hash',
  status: 'unverified',
  attempts: 0,
  maxAttempts: 3,
  expireAt: T0 + 600_000,
  superseded: false,
  testMode: false,
  createdAt: T0,
  updatedAt: T0,
};

/** Runs a series of attempts (true = right code) and returns the statuses answered. */
function run(v: OtpVerification, attempts: boolean[], now = T0 + 1000): string[] {
  const out: string[] = [];
  let current = v;
  for (const right of attempts) {
    const outcome = attemptVerification(current, right, now);
    out.push(outcome.kind);
    if (outcome.kind !== 'already_verified') current = outcome.verification;
  }
  return out;
}

describe('verification state machine (rule 7)', () => {
  test('unverified → verified on the right code, counting the attempt', () => {
    const outcome = attemptVerification(open, true, T0 + 1000);
    assert.ok(outcome.kind === 'verified');
    assert.equal(outcome.verification.status, 'verified');
    assert.equal(outcome.verification.attempts, 1);
    assert.equal(outcome.verification.updatedAt, T0 + 1000);
    assert.equal(outcome.changed, true);
  });

  test('unverified → unverified on a wrong code, attempts + 1', () => {
    const outcome = attemptVerification(open, false, T0 + 1000);
    assert.ok(outcome.kind === 'unverified');
    assert.equal(outcome.verification.attempts, 1);
  });

  test('the third wrong code → failed; after that even the right code is failed (brute force)', () => {
    assert.deepEqual(run(open, [false, false, false, true, true]), ['unverified', 'unverified', 'failed', 'failed', 'failed']);
    const failed = { ...open, status: 'failed' as const, attempts: 3 };
    const outcome = attemptVerification(failed, true, T0);
    assert.ok(outcome.kind === 'failed');
    assert.equal(outcome.changed, false);
    assert.equal(outcome.verification.attempts, 3, 'no attempt is counted once failed');
  });

  test('the right code after two wrong ones still verifies', () => {
    assert.deepEqual(run(open, [false, false, true]), ['unverified', 'unverified', 'verified']);
  });

  test('unverified → expired at expire_at exactly, whatever the code, without counting an attempt', () => {
    for (const right of [true, false]) {
      const outcome = attemptVerification(open, right, open.expireAt);
      assert.ok(outcome.kind === 'expired');
      assert.equal(outcome.verification.status, 'expired');
      assert.equal(outcome.verification.attempts, 0);
    }
    assert.equal(attemptVerification(open, true, open.expireAt - 1).kind, 'verified');
  });

  test('expired stays expired', () => {
    const outcome = attemptVerification({ ...open, status: 'expired' }, true, T0);
    assert.ok(outcome.kind === 'expired');
    assert.equal(outcome.changed, false);
  });

  test('a superseded code answers expired, even when right', () => {
    const outcome = attemptVerification({ ...open, superseded: true }, true, T0 + 1);
    assert.ok(outcome.kind === 'expired');
    assert.equal(outcome.verification.status, 'expired');
  });

  test('verified → already_verified (replay), right code or not', () => {
    const verified = { ...open, status: 'verified' as const, attempts: 1 };
    assert.deepEqual(attemptVerification(verified, true, T0), { kind: 'already_verified' });
    assert.deepEqual(attemptVerification(verified, false, T0), { kind: 'already_verified' });
  });

  test('isOpen: only unverified, current and unexpired codes can verify', () => {
    assert.equal(isOpen(open, T0), true);
    assert.equal(isOpen(open, open.expireAt), false);
    assert.equal(isOpen({ ...open, superseded: true }, T0), false);
    assert.equal(isOpen({ ...open, status: 'failed' }, T0), false);
  });

  test('property: attempts never exceed maxAttempts, and once settled the status never changes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(fc.boolean(), { maxLength: 12 }), (maxAttempts, attempts) => {
        let v: OtpVerification = { ...open, maxAttempts };
        let settled: string | undefined;
        for (const right of attempts) {
          const outcome = attemptVerification(v, right, T0 + 1);
          if (outcome.kind === 'already_verified') {
            if (settled !== 'verified') return false;
            continue;
          }
          if (settled !== undefined && outcome.kind !== settled) return false;
          v = outcome.verification;
          if (v.attempts > maxAttempts) return false;
          if (v.status !== 'unverified') settled = v.status;
        }
        return true;
      }),
    );
  });
});
