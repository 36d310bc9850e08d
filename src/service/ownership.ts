import type { Transaction } from 'kysely';
import { errors } from '../domain/errors.js';
import { addingChangesNoFlags, deriveFlags, isClaimed, type PhoneNumber } from '../domain/phone-number.js';
import { deleteUserBackupCodes } from '../store/backup-code.repository.js';
import type { Database, Tx } from '../store/database.js';
import {
  deleteUnclaimedCopies,
  findPhoneNumber,
  hasPrimaryPhoneNumber,
  insertPhoneNumber,
  isClaimedByOther,
  listUserPhoneNumbers,
  updatePhoneNumber,
  updatePhoneNumberFlags,
  type PhoneNumberFlags,
} from '../store/phone-number.repository.js';
import type { User } from '../domain/user.js';
import { findUser, findUserForChange, touchUser, updateUserMfa } from '../store/user.repository.js';

type Trx = Transaction<Database>;

/**
 * Writes a number's new state (inserting it when `isNew`), under rule 2 and 3:
 * a claim by a second owner is refused by the unique index, and a claim
 * removes other users' unclaimed copies. An unclaimed copy of a number someone
 * else has claimed is refused too, since it could never be claimed.
 */
export async function saveNumber(trx: Tx, number: PhoneNumber, isNew: boolean): Promise<void> {
  await trx.lockPhoneNumber(number.phoneNumber);
  const claimed = isClaimed(number);
  if (!claimed && (await isClaimedByOther(trx, number.phoneNumber, number.userId))) throw errors.identifierExists();
  try {
    if (isNew) {
      await insertPhoneNumber(trx, number);
    } else {
      await updatePhoneNumber(trx, {
        ...number,
        // Cleared in the same statement as the state, because the database
        // checks that only claimed numbers are primary and only verified ones
        // are second factors; reconcileUser then sets what the rules derive.
        isPrimary: claimed && number.isPrimary,
        defaultSecondFactor: number.reservedForSecondFactor && number.defaultSecondFactor,
      });
    }
  } catch (error) {
    if (trx.uniqueViolation(error) !== null) throw errors.identifierExists();
    throw error;
  }
  if (claimed) await deleteUnclaimedCopies(trx, number.phoneNumber, number.userId);
}

/**
 * Reads a number that a use case is about to change, with its owner and the
 * number locked (in that order: user, then number, everywhere), and reads it
 * again under the locks, so the use case works on the last committed state
 * and nobody else changes it before commit. Undefined when there is no such
 * number, or it went while this waited (a claim removed an unclaimed copy).
 */
export async function findPhoneNumberForChange(trx: Tx, id: string): Promise<PhoneNumber | undefined> {
  const found = await findPhoneNumber(trx, id);
  if (found === undefined) return undefined;
  // A row's owner and number never change, so they can be read before the locks.
  await trx.lockUser(found.userId);
  await trx.lockPhoneNumber(found.phoneNumber);
  return findPhoneNumber(trx, id);
}

/** The user a use case is about to change, read under the user's lock; 404 naming user_id when there is none. */
export async function requireUserForChange(trx: Tx, id: string): Promise<User> {
  const user = await findUserForChange(trx, id);
  if (user === undefined) throw errors.notFound('User', 'user_id');
  return user;
}

export interface Preference {
  /** Make this number primary (it must be claimed). */
  readonly primaryId?: string;
  /** The user as the transaction already read it, to save reading it again. */
  readonly user?: User;
}

export interface Reconciled {
  /** The user's numbers as stored now, oldest first. */
  readonly numbers: PhoneNumber[];
  /** Whether this change turned the user's second factor on (rule 6 issues backup codes then). */
  readonly secondFactorTurnedOn: boolean;
}

/**
 * Applies rules 4 and 5 to one user's numbers after a change and keeps the
 * user's MFA timestamps, backup codes (rule 6) and `updated_at` true.
 */
export async function reconcileUser(trx: Trx, userId: string, now: number, prefer: Preference = {}): Promise<Reconciled> {
  const stored = await listUserPhoneNumbers(trx, userId);
  const wanted = prefer.primaryId === undefined ? stored : stored.map((n) => ({ ...n, isPrimary: n.id === prefer.primaryId }));
  const flags = deriveFlags(wanted);
  const changed = await writeFlags(trx, stored, flags, now);
  const isOn = [...flags.values()].some((f) => f.reservedForSecondFactor);
  const wasOn = await recordMfa(trx, userId, isOn, now, prefer.user);
  // Rule 6: backup codes stand in for a second factor, so they go with the
  // last one, however it went (unreserve, unverify, delete, replace, DELETE
  // /mfa); turning MFA on again then issues a fresh set, shown once. Codes
  // are issued only as MFA turns on, in the transaction that records
  // mfa_enabled_at, and removed whenever it is off, so a user whose MFA was
  // already off holds none: the DELETE is skipped then.
  if (!isOn && wasOn) await deleteUserBackupCodes(trx, userId);
  const numbers = stored.map((n) => (changed.includes(n) ? { ...n, ...flags.get(n.id)!, updatedAt: now } : n));
  return { numbers, secondFactorTurnedOn: isOn && !wasOn };
}

/** Writes the flags that differ from what is stored; answers the numbers it changed. */
async function writeFlags(trx: Trx, stored: readonly PhoneNumber[], flags: ReadonlyMap<string, PhoneNumberFlags>, now: number): Promise<PhoneNumber[]> {
  const changed = stored.filter((n) => {
    const f = flags.get(n.id)!;
    return f.isPrimary !== n.isPrimary || f.reservedForSecondFactor !== n.reservedForSecondFactor || f.defaultSecondFactor !== n.defaultSecondFactor;
  });
  // Two passes: first only the flags that drop, then the final values, so
  // the partial unique indexes (one primary, one default per user) never see
  // two at once.
  for (const final of [false, true]) {
    for (const n of changed) {
      const f = flags.get(n.id)!;
      const drops = (n.isPrimary && !f.isPrimary) || (n.reservedForSecondFactor && !f.reservedForSecondFactor) || (n.defaultSecondFactor && !f.defaultSecondFactor);
      if (!final && !drops) continue;
      await updatePhoneNumberFlags(
        trx,
        n.id,
        {
          isPrimary: f.isPrimary && (final || n.isPrimary),
          reservedForSecondFactor: f.reservedForSecondFactor && (final || n.reservedForSecondFactor),
          defaultSecondFactor: f.defaultSecondFactor && (final || n.defaultSecondFactor),
        },
        now,
      );
    }
  }
  return changed;
}

/**
 * Records whether the user's MFA is on after this change (a timestamp when it
 * turns on or off, `updated_at` either way); answers whether it was on before.
 */
async function recordMfa(trx: Trx, userId: string, isOn: boolean, now: number, known?: User): Promise<boolean> {
  // Whether MFA was on before this change is read off the user's timestamps,
  // which is what they are for: enabled after the last disable means on.
  const user = known ?? (await findUser(trx, userId));
  const wasOn = user?.mfaEnabledAt != null && (user.mfaDisabledAt === null || user.mfaEnabledAt > user.mfaDisabledAt);
  // So the two timestamps never tie, an event in the same millisecond as the
  // other one (or before it, on a clock stepped back) is recorded 1 ms after it.
  const after = (other: number | null | undefined): number => (other == null ? now : Math.max(now, other + 1));
  if (isOn === wasOn) await touchUser(trx, userId, now);
  else await updateUserMfa(trx, userId, isOn ? { enabledAt: after(user?.mfaDisabledAt) } : { disabledAt: after(user?.mfaEnabledAt) }, now);
  return wasOn;
}

/**
 * reconcileUser for one number just inserted by `saveNumber`. When the rules
 * cannot change any flag (addingChangesNoFlags), only the user's `updated_at`
 * moves, and the user's other numbers are not read: a claim then costs the
 * same however many numbers the user holds.
 */
export async function reconcileAdded(
  trx: Trx,
  added: PhoneNumber,
  now: number,
  prefer: Preference = {},
): Promise<{ readonly phoneNumber: PhoneNumber; readonly secondFactorTurnedOn: boolean }> {
  if (prefer.primaryId === undefined && addingChangesNoFlags(added, await hasPrimaryPhoneNumber(trx, added.userId))) {
    await touchUser(trx, added.userId, now);
    return { phoneNumber: added, secondFactorTurnedOn: false };
  }
  const { numbers, secondFactorTurnedOn } = await reconcileUser(trx, added.userId, now, prefer);
  return { phoneNumber: numbers.find((n) => n.id === added.id)!, secondFactorTurnedOn };
}
