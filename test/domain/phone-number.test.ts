import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ADMIN_VERIFICATION, deriveFlags, isClaimed, stateFor, type PhoneNumber } from '../../src/domain/phone-number.js';

let n = 0;
function number(overrides: Partial<PhoneNumber>): PhoneNumber {
  n += 1;
  return {
    id: `idn_${String(n).padStart(3, '0')}`,
    userId: 'user_1',
    phoneNumber: `+1415555${String(n).padStart(4, '0')}`,
    reserved: false,
    verification: null,
    isPrimary: false,
    reservedForSecondFactor: false,
    defaultSecondFactor: false,
    createdAt: n,
    updatedAt: n,
    ...overrides,
  };
}

test('claimed means reserved or verified; an OTP counts only once verified', () => {
  assert.equal(isClaimed(stateFor('verified')), true);
  assert.equal(isClaimed(stateFor('reserved')), true);
  assert.equal(isClaimed(stateFor('unverified')), false);
  assert.equal(isClaimed({ reserved: false, verification: { strategy: 'phone_code', status: 'unverified', attempts: 0, expireAt: 1 } }), false);
  assert.equal(isClaimed({ reserved: false, verification: { strategy: 'phone_code', status: 'verified', attempts: 1, expireAt: 1 } }), true);
});

test('rule 4: the first claimed number becomes primary; a claimed primary stays', () => {
  const a = number({});
  const b = number({ verification: ADMIN_VERIFICATION });
  const c = number({ verification: ADMIN_VERIFICATION });
  assert.equal(deriveFlags([c, a, b]).get(b.id)!.isPrimary, true);
  const kept = deriveFlags([a, b, { ...c, isPrimary: true }]);
  assert.equal(kept.get(c.id)!.isPrimary, true);
  assert.equal(kept.get(b.id)!.isPrimary, false);
  // An unclaimed number marked primary loses it to the oldest claimed one.
  assert.equal(deriveFlags([{ ...a, isPrimary: true }, b]).get(b.id)!.isPrimary, true);
  assert.equal(deriveFlags([a]).get(a.id)!.isPrimary, false);
});

test('rule 5: second factors must be verified; the default is kept, else the oldest reserved one', () => {
  const v1 = number({ verification: ADMIN_VERIFICATION, reservedForSecondFactor: true });
  const v2 = number({ verification: ADMIN_VERIFICATION, reservedForSecondFactor: true, defaultSecondFactor: true });
  const unverified = number({ reservedForSecondFactor: true });
  const flags = deriveFlags([v1, v2, unverified]);
  assert.equal(flags.get(v2.id)!.defaultSecondFactor, true);
  assert.equal(flags.get(v1.id)!.defaultSecondFactor, false);
  assert.equal(flags.get(unverified.id)!.reservedForSecondFactor, false);
  const promoted = deriveFlags([v1, { ...v2, reservedForSecondFactor: false }]);
  assert.equal(promoted.get(v1.id)!.defaultSecondFactor, true);
  assert.equal(promoted.get(v2.id)!.defaultSecondFactor, false);
});
