import type { Transaction } from 'kysely';
import { backupCodeSecret, generateBackupCodes, normalizeBackupCode } from '../domain/backup-code.js';
import { errors } from '../domain/errors.js';
import { consumeBackupCode, deleteUserBackupCodes, hasBackupCodes, insertBackupCodes, listBackupCodeHashes } from '../store/backup-code.repository.js';
import type { Database } from '../store/database.js';
import { listUserPhoneNumbers, updatePhoneNumberFlags } from '../store/phone-number.repository.js';
import { touchUser } from '../store/user.repository.js';
import type { ServiceContext } from './context.js';
import { reconcileUser, requireUserForChange } from './ownership.js';

export interface UserIdResult {
  readonly userId: string;
}

export interface TotpVerified {
  readonly verified: true;
  /** Callsign has no TOTP, so a success is always a backup code. */
  readonly codeType: 'backup_code';
}

/**
 * Rule 6: issues a user's ten backup codes unless they already hold some, in
 * the caller's transaction, and returns them in plaintext (the only moment
 * they exist outside the hasher), or null when none were issued.
 *
 * Call it after `reconcileUser`, when `secondFactorTurnedOn`, in a use case
 * that took `lockUser` first: a concurrent one turning the same user's MFA on
 * waits for this commit, and its "holds none" check then sees these codes
 * instead of issuing a second set. On PostgreSQL the transaction may run
 * again; the codes of the run that commits are the ones returned.
 */
export async function issueBackupCodesIfNone(
  ctx: Pick<ServiceContext, 'random' | 'hasher'>,
  trx: Transaction<Database>,
  userId: string,
  now: number,
): Promise<string[] | null> {
  if (await hasBackupCodes(trx, userId)) return null;
  const codes = generateBackupCodes(ctx.random);
  await insertBackupCodes(trx, userId, codes.map((code) => ctx.hasher.hash(backupCodeSecret(userId, code))), now);
  return codes;
}

export function createSecondFactorService(ctx: ServiceContext) {
  const { store, clock, hasher } = ctx;

  return {
    /**
     * POST /v1/users/{id}/verify_totp: checks a backup code and uses it up.
     * A wrong, malformed or used code is one 422; a user without a second
     * factor is a 400, because there is nothing to check.
     */
    async verifyTotp(userId: string, code: string): Promise<TotpVerified> {
      return store.transaction(async (trx) => {
        await requireUserForChange(trx, userId);
        const numbers = await listUserPhoneNumbers(trx, userId);
        if (!numbers.some((n) => n.reservedForSecondFactor)) throw errors.secondFactorNotEnabled();

        const normalized = normalizeBackupCode(code);
        if (normalized === null) throw errors.codeIncorrect();
        const secret = backupCodeSecret(userId, normalized);
        // Every stored hash is compared, in constant time, without stopping
        // at a match: the time taken says nothing about which code matched.
        let matched: string | undefined;
        for (const stored of await listBackupCodeHashes(trx, userId)) {
          if (hasher.matches(secret, stored)) matched = stored;
        }
        // The DELETE's row count decides, not the read above: of two
        // concurrent requests with one code, only one removes the row.
        if (matched === undefined || !(await consumeBackupCode(trx, userId, matched))) throw errors.codeIncorrect();
        await touchUser(trx, userId, clock.now());
        return { verified: true, codeType: 'backup_code' };
      });
    },

    /** DELETE /v1/users/{id}/backup_code: removes the user's codes; their second factors stay. */
    async deleteBackupCodes(userId: string): Promise<UserIdResult> {
      return store.transaction(async (trx) => {
        await requireUserForChange(trx, userId);
        if ((await deleteUserBackupCodes(trx, userId)) > 0) await touchUser(trx, userId, clock.now());
        return { userId };
      });
    },

    /**
     * DELETE /v1/users/{id}/mfa: every number stops being a second factor (the
     * numbers themselves stay); reconcileUser then records mfa_disabled_at and
     * removes the codes with the last second factor, as on every other path.
     */
    async disableMfa(userId: string): Promise<UserIdResult> {
      return store.transaction(async (trx) => {
        const user = await requireUserForChange(trx, userId);
        const now = clock.now();
        for (const n of await listUserPhoneNumbers(trx, userId)) {
          if (n.reservedForSecondFactor || n.defaultSecondFactor) {
            await updatePhoneNumberFlags(trx, n.id, { isPrimary: n.isPrimary, reservedForSecondFactor: false, defaultSecondFactor: false }, now);
          }
        }
        await reconcileUser(trx, userId, now, { user });
        return { userId };
      });
    },
  };
}

export type SecondFactorService = ReturnType<typeof createSecondFactorService>;
