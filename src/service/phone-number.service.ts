import { errors } from '../domain/errors.js';
import { parsePhoneNumber } from '../domain/phone.js';
import { ADMIN_VERIFICATION, isClaimed, isVerified, newPhoneNumber, stateFor, type PhoneNumber } from '../domain/phone-number.js';
import { deletePhoneNumberRow, findPhoneNumber } from '../store/phone-number.repository.js';
import { userExistsForChange } from '../store/user.repository.js';
import type { ServiceContext } from './context.js';
import { findPhoneNumberForChange, reconcileAdded, reconcileUser, saveNumber } from './ownership.js';
import { issueBackupCodesIfNone } from './second-factor.service.js';

export interface CreatePhoneNumberInput {
  readonly userId: string;
  readonly phoneNumber: string;
  readonly verified?: boolean;
  readonly primary?: boolean;
  readonly reservedForSecondFactor?: boolean;
}

export interface UpdatePhoneNumberInput {
  readonly verified?: boolean;
  readonly primary?: boolean;
  readonly reservedForSecondFactor?: boolean;
}

/** A number as a mutation left it, with the backup codes that mutation issued (rule 6), if any. */
export interface PhoneNumberResult {
  readonly phoneNumber: PhoneNumber;
  readonly backupCodes: readonly string[] | null;
}

export interface DeletedObject {
  readonly object: 'phone_number' | 'user';
  readonly id: string;
  readonly deleted: true;
}

export function createPhoneNumberService(ctx: ServiceContext) {
  const { store, clock, newId } = ctx;

  function checkRequest(number: Pick<PhoneNumber, 'reserved' | 'verification'>, input: UpdatePhoneNumberInput, current?: PhoneNumber): void {
    if (input.primary === true && !isClaimed(number)) {
      throw errors.paramValueInvalid('primary', 'Only a verified or reserved phone number can be primary. Verify it first.');
    }
    if (input.primary === false && current?.isPrimary === true) {
      throw errors.paramValueInvalid(
        'primary',
        'A user with claimed phone numbers always has a primary one. To change it, set primary: true on another claimed number.',
      );
    }
    if (input.reservedForSecondFactor === true && !isVerified(number.verification)) {
      throw errors.paramValueInvalid('reserved_for_second_factor', 'Only a verified phone number can be reserved for second factor.');
    }
  }

  return {
    async get(id: string): Promise<PhoneNumber> {
      // From memory where the store keeps numbers there (SQLite), else from the database.
      const load = () => findPhoneNumber(store.db, id);
      const number = await (store.phoneNumberCache === undefined ? load() : store.phoneNumberCache.read(id, load));
      if (number === undefined) throw errors.notFound('Phone number', 'phone_number_id');
      return number;
    },

    async create(input: CreatePhoneNumberInput): Promise<PhoneNumberResult> {
      const e164 = parsePhoneNumber(input.phoneNumber);
      const status = input.verified === true ? 'verified' : 'unverified';
      checkRequest(stateFor(status), input);
      return store.transaction(async (trx) => {
        if (!(await userExistsForChange(trx, input.userId))) throw errors.notFound('User', 'user_id');
        const now = clock.now();
        const number = newPhoneNumber(
          { id: newId('idn'), userId: input.userId, phoneNumber: e164, now, reservedForSecondFactor: input.reservedForSecondFactor },
          status,
        );
        await saveNumber(trx, number, true);
        const { phoneNumber, secondFactorTurnedOn } = await reconcileAdded(trx, number, now, input.primary === true ? { primaryId: number.id } : {});
        const backupCodes = secondFactorTurnedOn ? await issueBackupCodesIfNone(ctx, trx, input.userId, now) : null;
        return { phoneNumber, backupCodes };
      });
    },

    async update(id: string, input: UpdatePhoneNumberInput): Promise<PhoneNumberResult> {
      return store.transaction(async (trx) => {
        const current = await findPhoneNumberForChange(trx, id);
        if (current === undefined) throw errors.notFound('Phone number', 'phone_number_id');
        let verification = current.verification;
        if (input.verified === true && !isVerified(verification)) verification = ADMIN_VERIFICATION;
        if (input.verified === false) verification = null;
        const now = clock.now();
        const next: PhoneNumber = {
          ...current,
          verification,
          // Verification supersedes a reservation, whether by an administrator or by a code.
          reserved: isVerified(verification) ? false : current.reserved,
          reservedForSecondFactor: (input.reservedForSecondFactor ?? current.reservedForSecondFactor) && isVerified(verification),
          updatedAt: now,
        };
        checkRequest(next, input, current);
        await saveNumber(trx, next, false);
        const { numbers, secondFactorTurnedOn } = await reconcileUser(trx, current.userId, now, input.primary === true ? { primaryId: id } : {});
        const backupCodes = secondFactorTurnedOn ? await issueBackupCodesIfNone(ctx, trx, current.userId, now) : null;
        return { phoneNumber: numbers.find((n) => n.id === id)!, backupCodes };
      });
    },

    async delete(id: string): Promise<DeletedObject> {
      return store.transaction(async (trx) => {
        const current = await findPhoneNumberForChange(trx, id);
        if (current === undefined || !(await deletePhoneNumberRow(trx, id))) throw errors.notFound('Phone number', 'phone_number_id');
        await reconcileUser(trx, current.userId, clock.now());
        return { object: 'phone_number', id, deleted: true };
      });
    },
  };
}

export type PhoneNumberService = ReturnType<typeof createPhoneNumberService>;
