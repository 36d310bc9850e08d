import type { Transaction } from 'kysely';
import { errors } from '../domain/errors.js';
import { deriveFlags, isClaimed, type PhoneNumber } from '../domain/phone-number.js';
import type { Database, Flag, Store } from '../store/database.js';
import {
  deleteUnclaimedCopies,
  insertPhoneNumber,
  isClaimedByOther,
  listUserPhoneNumbers,
  stateColumns,
  updatePhoneNumberRow,
} from '../store/phone-number.repository.js';
import { findUser, updateUserRow } from '../store/user.repository.js';

type Trx = Transaction<Database>;

/**
 * Writes a number's new state (inserting it when `isNew`), under rule 2 and 3:
 * a claim by a second owner is refused by the unique index, and a claim
 * removes other users' unclaimed copies. An unclaimed copy of a number someone
 * else has claimed is refused too, since it could never be claimed.
 */
export async function saveNumber(store: Store, trx: Trx, number: PhoneNumber, isNew: boolean): Promise<void> {
  await store.lockPhoneNumber(trx, number.phoneNumber);
  const claimed = isClaimed(number);
  if (!claimed && (await isClaimedByOther(trx, number.phoneNumber, number.userId))) throw errors.identifierExists();
  try {
    if (isNew) {
      await insertPhoneNumber(trx, number);
    } else {
      await updatePhoneNumberRow(trx, number.id, {
        ...stateColumns(number),
        // Cleared in the same statement as the state, because the database
        // checks that only claimed numbers are primary and only verified ones
        // are second factors; reconcileUser then sets what the rules derive.
        is_primary: claimed && number.isPrimary ? 1 : 0,
        reserved_for_second_factor: number.reservedForSecondFactor ? 1 : 0,
        default_second_factor: number.reservedForSecondFactor && number.defaultSecondFactor ? 1 : 0,
        updated_at: number.updatedAt,
      });
    }
  } catch (error) {
    if (store.uniqueViolation(error) !== null) throw errors.identifierExists();
    throw error;
  }
  if (claimed) await deleteUnclaimedCopies(trx, number.phoneNumber, number.userId);
}

export interface Preference {
  /** Make this number primary (it must be claimed). */
  readonly primaryId?: string;
}

export interface Reconciled {
  /** The user's numbers as stored now, oldest first. */
  readonly numbers: PhoneNumber[];
  /** Whether this change turned the user's second factor on (rule 6 issues backup codes then). */
  readonly secondFactorTurnedOn: boolean;
}

/**
 * Applies rules 4 and 5 to one user's numbers after a change and keeps the
 * user's MFA timestamps and `updated_at` true.
 */
export async function reconcileUser(trx: Trx, userId: string, now: number, prefer: Preference = {}): Promise<Reconciled> {
  const stored = await listUserPhoneNumbers(trx, userId);
  const wanted = prefer.primaryId === undefined ? stored : stored.map((n) => ({ ...n, isPrimary: n.id === prefer.primaryId }));
  const flags = deriveFlags(wanted);

  const changed = stored.filter((n) => {
    const f = flags.get(n.id)!;
    return f.isPrimary !== n.isPrimary || f.reservedForSecondFactor !== n.reservedForSecondFactor || f.defaultSecondFactor !== n.defaultSecondFactor;
  });
  // Two passes: first only the flags that drop, then the final values, so
  // the partial unique indexes (one primary, one default per user) never see
  // two at once.
  const bit = (value: boolean): Flag => (value ? 1 : 0);
  for (const final of [false, true]) {
    for (const n of changed) {
      const f = flags.get(n.id)!;
      const drops = (n.isPrimary && !f.isPrimary) || (n.reservedForSecondFactor && !f.reservedForSecondFactor) || (n.defaultSecondFactor && !f.defaultSecondFactor);
      if (!final && !drops) continue;
      await updatePhoneNumberRow(trx, n.id, {
        is_primary: bit(f.isPrimary && (final || n.isPrimary)),
        reserved_for_second_factor: bit(f.reservedForSecondFactor && (final || n.reservedForSecondFactor)),
        default_second_factor: bit(f.defaultSecondFactor && (final || n.defaultSecondFactor)),
        updated_at: now,
      });
    }
  }

  // Whether MFA was on before this change is read off the user's timestamps,
  // which is what they are for: enabled after the last disable means on.
  const user = await findUser(trx, userId);
  const wasOn = user?.mfaEnabledAt != null && (user.mfaDisabledAt === null || user.mfaEnabledAt > user.mfaDisabledAt);
  const isOn = [...flags.values()].some((f) => f.reservedForSecondFactor);
  await updateUserRow(trx, userId, {
    updated_at: now,
    ...(isOn && !wasOn ? { mfa_enabled_at: now } : {}),
    ...(wasOn && !isOn ? { mfa_disabled_at: now } : {}),
  });

  const numbers = stored.map((n) => (changed.includes(n) ? { ...n, ...flags.get(n.id)!, updatedAt: now } : n));
  return { numbers, secondFactorTurnedOn: isOn && !wasOn };
}
