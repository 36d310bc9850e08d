import { errors } from '../domain/errors.js';
import { parsePhoneNumber } from '../domain/phone.js';
import { isClaimed, newPhoneNumber, type IdentificationStatus, type PhoneNumber } from '../domain/phone-number.js';
import { checkMetadataSize, mergeMetadata } from '../domain/metadata.js';
import type { Metadata, User, UserFilter, UserPage } from '../domain/user.js';
import { hasBackupCodes, usersWithBackupCodes } from '../store/backup-code.repository.js';
import { deleteUserPhoneNumbers, listPhoneNumbersOfUsers, listUserPhoneNumbers } from '../store/phone-number.repository.js';
import {
  countUsers,
  deleteUserRow,
  findUser,
  insertUser,
  listUsers,
  updateUser,
} from '../store/user.repository.js';
import type { ServiceContext } from './context.js';
import { reconcileUser, requireUserForChange, saveNumber } from './ownership.js';
import type { DeletedObject } from './phone-number.service.js';

/** A user with the numbers they hold, oldest first: what the User wire object shows. */
export interface UserView {
  readonly user: User;
  readonly phoneNumbers: readonly PhoneNumber[];
  /** Whether the user holds unused backup codes (rule 6). */
  readonly backupCodeEnabled: boolean;
}

export interface CreateUserInput {
  readonly externalId?: string | null;
  readonly firstName?: string | null;
  readonly lastName?: string | null;
  readonly phoneNumbers?: readonly string[];
  /** Parallel to `phoneNumbers`; each defaults to `verified`, as in Clerk. */
  readonly phoneNumberStatuses?: readonly IdentificationStatus[];
  readonly publicMetadata?: Metadata;
  readonly privateMetadata?: Metadata;
  readonly unsafeMetadata?: Metadata;
}

export interface MetadataInput {
  readonly publicMetadata?: Metadata;
  readonly privateMetadata?: Metadata;
  readonly unsafeMetadata?: Metadata;
}

export interface UpdateUserInput {
  readonly externalId?: string | null;
  readonly firstName?: string | null;
  readonly lastName?: string | null;
  /** Must name one of the user's claimed numbers. */
  readonly primaryPhoneNumberId?: string | null;
  readonly publicMetadata?: Metadata;
  readonly privateMetadata?: Metadata;
  readonly unsafeMetadata?: Metadata;
}

export type ListUsersPage = Omit<UserPage, 'after'> & { readonly startingAfter?: string };

export function createUserService(ctx: ServiceContext) {
  const { store, clock, newId } = ctx;

  return {
    async get(id: string): Promise<UserView> {
      const user = await findUser(store.db, id);
      if (user === undefined) throw errors.notFound('User', 'user_id');
      return { user, phoneNumbers: await listUserPhoneNumbers(store.db, id), backupCodeEnabled: await hasBackupCodes(store.db, id) };
    },

    async create(input: CreateUserInput): Promise<UserView> {
      const numbers = input.phoneNumbers ?? [];
      const statuses = input.phoneNumberStatuses;
      if (statuses !== undefined && statuses.length !== numbers.length) {
        throw errors.paramValueInvalid(
          'phone_number_identification_status',
          'phone_number_identification_status must have one entry for each phone_number, in the same order.',
        );
      }
      const parsed = numbers.map((n) => parsePhoneNumber(n));
      if (new Set(parsed).size !== parsed.length) throw errors.identifierExists();

      return store.transaction(async (trx) => {
        const now = clock.now();
        const user: User = {
          id: newId('user'),
          externalId: input.externalId ?? null,
          firstName: input.firstName ?? null,
          lastName: input.lastName ?? null,
          publicMetadata: checkMetadataSize(input.publicMetadata ?? {}, 'public_metadata'),
          privateMetadata: checkMetadataSize(input.privateMetadata ?? {}, 'private_metadata'),
          unsafeMetadata: checkMetadataSize(input.unsafeMetadata ?? {}, 'unsafe_metadata'),
          mfaEnabledAt: null,
          mfaDisabledAt: null,
          createdAt: now,
          updatedAt: now,
        };
        await insertUser(trx, user);
        for (const [i, e164] of parsed.entries()) {
          const number = newPhoneNumber({ id: newId('idn'), userId: user.id, phoneNumber: e164, now }, statuses?.[i] ?? 'verified');
          await saveNumber(trx, number, true);
        }
        const { numbers: held } = await reconcileUser(trx, user.id, now, { user });
        // A new user has no second factor yet, so no backup codes.
        return { user, phoneNumbers: held, backupCodeEnabled: false };
      });
    },

    async update(id: string, input: UpdateUserInput): Promise<UserView> {
      return store.transaction(async (trx) => {
        const current = await requireUserForChange(trx, id);
        const now = clock.now();
        const next: User = {
          ...current,
          externalId: input.externalId === undefined ? current.externalId : input.externalId,
          firstName: input.firstName === undefined ? current.firstName : input.firstName,
          lastName: input.lastName === undefined ? current.lastName : input.lastName,
          publicMetadata: checkMetadataSize(input.publicMetadata ?? current.publicMetadata, 'public_metadata'),
          privateMetadata: checkMetadataSize(input.privateMetadata ?? current.privateMetadata, 'private_metadata'),
          unsafeMetadata: checkMetadataSize(input.unsafeMetadata ?? current.unsafeMetadata, 'unsafe_metadata'),
          updatedAt: now,
        };
        await updateUser(trx, next);

        let primaryId: string | undefined;
        if (input.primaryPhoneNumberId !== undefined) {
          const held = await listUserPhoneNumbers(trx, id);
          const wanted = held.find((n) => n.id === input.primaryPhoneNumberId);
          if (input.primaryPhoneNumberId === null ? held.some(isClaimed) : wanted === undefined || !isClaimed(wanted)) {
            throw errors.paramValueInvalid(
              'primary_phone_number_id',
              'primary_phone_number_id must be the id of one of this user\'s verified or reserved phone numbers.',
            );
          }
          primaryId = wanted?.id;
        }
        const { numbers } = await reconcileUser(trx, id, now, primaryId === undefined ? {} : { primaryId });
        return { user: (await findUser(trx, id))!, phoneNumbers: numbers, backupCodeEnabled: await hasBackupCodes(trx, id) };
      });
    },

    /**
     * Rule 10: swaps all of a user's numbers for one, atomically. The new number
     * is never a second factor, so replacing a second-factor number turns MFA off.
     */
    async replacePhoneNumber(id: string, phoneNumber: string, status: IdentificationStatus = 'verified'): Promise<PhoneNumber> {
      const e164 = parsePhoneNumber(phoneNumber);
      return store.transaction(async (trx) => {
        await requireUserForChange(trx, id);
        await deleteUserPhoneNumbers(trx, id);
        const now = clock.now();
        const number = newPhoneNumber({ id: newId('idn'), userId: id, phoneNumber: e164, now }, status);
        await saveNumber(trx, number, true);
        const { numbers } = await reconcileUser(trx, id, now);
        return numbers.find((n) => n.id === number.id)!;
      });
    },

    /** Merges (Clerk's deep merge, null removes) or replaces each given metadata object. */
    async updateMetadata(id: string, input: MetadataInput, mode: 'merge' | 'replace'): Promise<UserView> {
      return store.transaction(async (trx) => {
        const current = await requireUserForChange(trx, id);
        const apply = (stored: Metadata, given: Metadata | undefined, param: string): Metadata =>
          given === undefined ? stored : checkMetadataSize(mode === 'merge' ? mergeMetadata(stored, given) : given, param);
        const now = clock.now();
        const next: User = {
          ...current,
          publicMetadata: apply(current.publicMetadata, input.publicMetadata, 'public_metadata'),
          privateMetadata: apply(current.privateMetadata, input.privateMetadata, 'private_metadata'),
          unsafeMetadata: apply(current.unsafeMetadata, input.unsafeMetadata, 'unsafe_metadata'),
          updatedAt: now,
        };
        await updateUser(trx, next);
        return { user: next, phoneNumbers: await listUserPhoneNumbers(trx, id), backupCodeEnabled: await hasBackupCodes(trx, id) };
      });
    },

    async delete(id: string): Promise<DeletedObject> {
      // Numbers go with the user (ON DELETE CASCADE), in the same statement.
      if (!(await store.transaction((trx) => deleteUserRow(trx, id)))) throw errors.notFound('User', 'user_id');
      return { object: 'user', id, deleted: true };
    },

    async list(filter: UserFilter, page: ListUsersPage): Promise<UserView[]> {
      let after: User | undefined;
      if (page.startingAfter !== undefined) {
        after = await findUser(store.db, page.startingAfter);
        if (after === undefined) throw errors.paramValueInvalid('starting_after', 'starting_after must be the id of an existing user.');
      }
      const users = await listUsers(store.db, filter, { ...page, after });
      const numbers = await listPhoneNumbersOfUsers(store.db, users.map((u) => u.id));
      const withCodes = await usersWithBackupCodes(store.db, users.map((u) => u.id));
      return users.map((user) => ({ user, phoneNumbers: numbers.get(user.id) ?? [], backupCodeEnabled: withCodes.has(user.id) }));
    },

    count(filter: UserFilter): Promise<number> {
      return countUsers(store.db, filter);
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
