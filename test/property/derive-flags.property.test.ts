import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  addingChangesNoFlags,
  deriveFlags,
  isClaimed,
  isVerified,
  newPhoneNumber,
  type IdentificationStatus,
  type PhoneNumber,
  type Verification,
} from '../../src/domain/phone-number.js';

/**
 * Rules 4 and 5 as the pure function applies them, over many more cases than
 * the HTTP property can afford: what the user had before any change, then one
 * change (a number removed, unverified or unreserved), then the rules again.
 */
const verificationArb: fc.Arbitrary<Verification | null> = fc.constantFrom<Verification | null>(
  null,
  { strategy: 'admin' },
  { strategy: 'phone_code', status: 'verified', attempts: 1, expireAt: 0 },
  { strategy: 'phone_code', status: 'unverified', attempts: 0, expireAt: 0 },
  { strategy: 'phone_code', status: 'failed', attempts: 3, expireAt: 0 },
);

const numbersArb: fc.Arbitrary<PhoneNumber[]> = fc
  .array(
    fc.record({
      reserved: fc.boolean(),
      verification: verificationArb,
      isPrimary: fc.boolean(),
      reservedForSecondFactor: fc.boolean(),
      defaultSecondFactor: fc.boolean(),
      // Few distinct times, so ties (broken by id) are common.
      createdAt: fc.integer({ min: 0, max: 3 }),
    }),
    { maxLength: 7 },
  )
  .map((rows) =>
    rows.map((r, i) => ({ ...r, id: `idn_${String(i).padStart(2, '0')}`, userId: 'user_1', phoneNumber: `+1415555260${i}`, updatedAt: 0 })),
  );

/** Applies the derived flags, as reconcileUser stores them. */
function settle(numbers: readonly PhoneNumber[]): PhoneNumber[] {
  const flags = deriveFlags(numbers);
  return numbers.map((n) => ({ ...n, ...flags.get(n.id)! }));
}

const oldest = (numbers: readonly PhoneNumber[]): PhoneNumber | undefined =>
  [...numbers].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))[0];

function assertRules(before: readonly PhoneNumber[], after: readonly PhoneNumber[]): void {
  const primaries = after.filter((n) => n.isPrimary);
  const defaults = after.filter((n) => n.defaultSecondFactor);
  const reserved = after.filter((n) => n.reservedForSecondFactor);
  assert.ok(primaries.length <= 1 && defaults.length <= 1);
  for (const n of after) {
    if (n.isPrimary) assert.ok(isClaimed(n), 'primary ⇒ claimed');
    if (n.reservedForSecondFactor) assert.ok(isVerified(n.verification), 'second factor ⇒ verified');
    if (n.defaultSecondFactor) assert.ok(n.reservedForSecondFactor, 'default ⇒ second factor');
    const was = before.find((b) => b.id === n.id);
    if (n.reservedForSecondFactor) assert.ok(was?.reservedForSecondFactor, 'the rules never reserve a number by themselves');
  }
  const claimed = after.filter(isClaimed);
  const keptPrimary = oldest(before.filter((b) => b.isPrimary && claimed.some((c) => c.id === b.id)));
  assert.equal(primaries[0]?.id, keptPrimary?.id ?? oldest(claimed)?.id, 'primary stays while claimed, else the oldest claimed');
  const keptDefault = oldest(before.filter((b) => b.defaultSecondFactor && reserved.some((r) => r.id === b.id)));
  assert.equal(defaults[0]?.id, keptDefault?.id ?? oldest(reserved)?.id, 'default stays while reserved, else the oldest reserved');
}

const changeArb = fc.record({ kind: fc.constantFrom('remove', 'unverify', 'unreserve', 'unclaim'), index: fc.nat() });

describe('deriveFlags (rules 4 and 5) over random numbers and changes', () => {
  test('any stored state settles into the rules', () => {
    fc.assert(
      fc.property(numbersArb, (numbers) => {
        // Stored states only ever hold flags the database allows; from there, one settle.
        const stored = numbers.map((n) => ({ ...n, reservedForSecondFactor: n.reservedForSecondFactor && isVerified(n.verification) }));
        assertRules(stored, settle(stored));
      }),
      { numRuns: 2000 },
    );
  });

  test('after one change to a settled user, the default and the primary are promoted to the oldest', () => {
    fc.assert(
      fc.property(numbersArb, fc.array(changeArb, { minLength: 1, maxLength: 4 }), (numbers, changes) => {
        let state = settle(numbers.map((n) => ({ ...n, reservedForSecondFactor: n.reservedForSecondFactor && isVerified(n.verification) })));
        for (const change of changes) {
          if (state.length === 0) return;
          const target = state[change.index % state.length]!;
          const changed: PhoneNumber[] =
            change.kind === 'remove'
              ? state.filter((n) => n.id !== target.id)
              : state.map((n) =>
                  n.id !== target.id
                    ? n
                    : change.kind === 'unverify'
                      ? { ...n, verification: null }
                      : change.kind === 'unreserve'
                        ? { ...n, reservedForSecondFactor: false }
                        : { ...n, verification: null, reserved: false },
                );
          const next = settle(changed);
          assertRules(changed, next);
          state = next;
        }
      }),
      { numRuns: 2000 },
    );
  });

  test('addingChangesNoFlags: adding a number to a settled user changes no flag exactly when it says so, a second-factor request aside', () => {
    const seen = { unchanged: 0, changed: 0 };
    fc.assert(
      fc.property(
        numbersArb,
        fc.record({
          status: fc.constantFrom<IdentificationStatus>('verified', 'reserved', 'unverified'),
          reservedForSecondFactor: fc.boolean(),
          // Any age: a clock stepped back can make the new number the oldest.
          createdAt: fc.integer({ min: 0, max: 4 }),
        }),
        (numbers, input) => {
          const settled = settle(numbers.map((n) => ({ ...n, reservedForSecondFactor: n.reservedForSecondFactor && isVerified(n.verification) })));
          const added = newPhoneNumber(
            { id: 'idn_new', userId: 'user_1', phoneNumber: '+14155552699', now: input.createdAt, reservedForSecondFactor: input.reservedForSecondFactor },
            input.status,
          );
          const after = settle([...settled, added]);
          const unchanged = after.every((n) => {
            const was = n.id === added.id ? added : settled.find((b) => b.id === n.id)!;
            return (
              n.isPrimary === was.isPrimary &&
              n.reservedForSecondFactor === was.reservedForSecondFactor &&
              n.defaultSecondFactor === was.defaultSecondFactor
            );
          });
          seen[unchanged ? 'unchanged' : 'changed']++;
          const answer = addingChangesNoFlags(added, settled.some((n) => n.isPrimary));
          if (answer) assert.ok(unchanged, 'a yes is always right');
          // A no is always right too, but for a number asking for a second
          // factor: the rules then decide it (default or not), so they run.
          else assert.ok(!unchanged || added.reservedForSecondFactor, 'a no only where a flag changes or one is asked for');
        },
      ),
      { numRuns: 3000 },
    );
    // Both answers were exercised, many times each.
    assert.ok(seen.unchanged > 300 && seen.changed > 300, JSON.stringify(seen));
  });
});
