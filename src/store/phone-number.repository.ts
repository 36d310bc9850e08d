import { sql, type Selectable, type Updateable } from 'kysely';
import type { OtpStatus, PhoneNumber, Verification } from '../domain/phone-number.js';
import { isClaimed, isVerified } from '../domain/phone-number.js';
import { compiledOnce, type Param } from './compiled-query.js';
import type { Executor, Flag, PhoneNumberTable } from './database.js';

type Row = Selectable<PhoneNumberTable>;

const flag = (value: boolean): Flag => (value ? 1 : 0);

function toVerification(row: Row): Verification | null {
  if (row.verification_strategy === 'admin') return { strategy: 'admin' };
  if (row.verification_strategy === 'phone_code') {
    return {
      strategy: 'phone_code',
      status: row.verification_status as OtpStatus,
      attempts: row.verification_attempts ?? 0,
      expireAt: Number(row.verification_expire_at ?? 0),
    };
  }
  return null;
}

function toPhoneNumber(row: Row): PhoneNumber {
  return {
    id: row.id,
    userId: row.user_id,
    phoneNumber: row.phone_number,
    reserved: row.reserved === 1,
    verification: toVerification(row),
    isPrimary: row.is_primary === 1,
    reservedForSecondFactor: row.reserved_for_second_factor === 1,
    defaultSecondFactor: row.default_second_factor === 1,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** The columns that store a number's state; `claimed` is derived here and checked by the database. */
function stateColumns(
  number: Pick<PhoneNumber, 'reserved' | 'verification'>,
): Pick<Row, 'reserved' | 'claimed' | 'verification_strategy' | 'verification_status' | 'verification_attempts' | 'verification_expire_at'> {
  const v = number.verification;
  return {
    reserved: flag(number.reserved),
    claimed: flag(isClaimed(number)),
    verification_strategy: v?.strategy ?? null,
    verification_status: v === null ? null : v.strategy === 'admin' ? 'verified' : v.status,
    verification_attempts: v?.strategy === 'phone_code' ? v.attempts : null,
    verification_expire_at: v?.strategy === 'phone_code' ? v.expireAt : null,
  };
}

export function toRow(number: PhoneNumber): Row {
  return {
    id: number.id,
    user_id: number.userId,
    phone_number: number.phoneNumber,
    ...stateColumns(number),
    is_primary: flag(number.isPrimary),
    reserved_for_second_factor: flag(number.reservedForSecondFactor && isVerified(number.verification)),
    default_second_factor: flag(number.defaultSecondFactor),
    created_at: number.createdAt,
    updated_at: number.updatedAt,
  };
}

// The queries of the hot paths (GET a number; POST a number, a claim) are
// compiled once, see compiled-query.ts.
const byId = compiledOnce((db, $: Param<{ id: string }>) => db.selectFrom('phone_numbers').selectAll().where('id', '=', $('id')));

export async function findPhoneNumber(db: Executor, id: string): Promise<PhoneNumber | undefined> {
  const row = (await byId(db, { id })).rows[0];
  return row === undefined ? undefined : toPhoneNumber(row);
}

const byUser = compiledOnce((db, $: Param<{ userId: string }>) =>
  db.selectFrom('phone_numbers').selectAll().where('user_id', '=', $('userId')).orderBy('created_at').orderBy('id'),
);

/** One user's numbers, oldest first. */
export async function listUserPhoneNumbers(db: Executor, userId: string): Promise<PhoneNumber[]> {
  return (await byUser(db, { userId })).rows.map(toPhoneNumber);
}

// Served by the partial unique index phone_numbers_one_primary.
const primaryOf = compiledOnce((db, $: Param<{ userId: string }>) =>
  db.selectFrom('phone_numbers').select('id').where('user_id', '=', $('userId')).where('is_primary', '=', sql.lit(1)),
);

/** Whether the user has a primary number. */
export async function hasPrimaryPhoneNumber(db: Executor, userId: string): Promise<boolean> {
  return (await primaryOf(db, { userId })).rows.length > 0;
}

/** Several users' numbers, oldest first, grouped by user. */
export async function listPhoneNumbersOfUsers(db: Executor, userIds: readonly string[]): Promise<Map<string, PhoneNumber[]>> {
  const byUser = new Map<string, PhoneNumber[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return byUser;
  const rows = await db
    .selectFrom('phone_numbers')
    .selectAll()
    .where('user_id', 'in', userIds)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  for (const row of rows) byUser.get(row.user_id)?.push(toPhoneNumber(row));
  return byUser;
}

const insertRow = compiledOnce((db, $: Param<Row>) =>
  db.insertInto('phone_numbers').values({
    id: $('id'),
    user_id: $('user_id'),
    phone_number: $('phone_number'),
    reserved: $('reserved'),
    claimed: $('claimed'),
    is_primary: $('is_primary'),
    reserved_for_second_factor: $('reserved_for_second_factor'),
    default_second_factor: $('default_second_factor'),
    verification_strategy: $('verification_strategy'),
    verification_status: $('verification_status'),
    verification_attempts: $('verification_attempts'),
    verification_expire_at: $('verification_expire_at'),
    created_at: $('created_at'),
    updated_at: $('updated_at'),
  }),
);

export async function insertPhoneNumber(db: Executor, number: PhoneNumber): Promise<void> {
  await insertRow(db, toRow(number));
}

async function updateRow(db: Executor, id: string, changes: Updateable<PhoneNumberTable>): Promise<void> {
  await db.updateTable('phone_numbers').set(changes).where('id', '=', id).execute();
}

/** The flags rules 4 and 5 derive: one primary and one default second factor per user. */
export type PhoneNumberFlags = Pick<PhoneNumber, 'isPrimary' | 'reservedForSecondFactor' | 'defaultSecondFactor'>;

/** Writes a number's whole state, its flags and `updatedAt` as given (the caller clears flags the state no longer allows). */
export async function updatePhoneNumber(db: Executor, number: PhoneNumber): Promise<void> {
  await updateRow(db, number.id, { ...stateColumns(number), ...flagColumns(number), updated_at: number.updatedAt });
}

/** Writes a number's flags alone. */
export async function updatePhoneNumberFlags(db: Executor, id: string, flags: PhoneNumberFlags, now: number): Promise<void> {
  await updateRow(db, id, { ...flagColumns(flags), updated_at: now });
}

/** Writes what a code changed on a number: its reservation and its verification. */
export async function updatePhoneNumberVerification(db: Executor, id: string, state: Pick<PhoneNumber, 'reserved' | 'verification'>, now: number): Promise<void> {
  await updateRow(db, id, { ...stateColumns(state), updated_at: now });
}

function flagColumns(flags: PhoneNumberFlags): Pick<Row, 'is_primary' | 'reserved_for_second_factor' | 'default_second_factor'> {
  return { is_primary: flag(flags.isPrimary), reserved_for_second_factor: flag(flags.reservedForSecondFactor), default_second_factor: flag(flags.defaultSecondFactor) };
}

export async function deletePhoneNumberRow(db: Executor, id: string): Promise<boolean> {
  const result = await db.deleteFrom('phone_numbers').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function deleteUserPhoneNumbers(db: Executor, userId: string): Promise<void> {
  await db.deleteFrom('phone_numbers').where('user_id', '=', userId).execute();
}

// `claimed` is compared with a literal, not a bound value: SQLite picks an
// index for a bound value each time it is bound (the partial index on claimed
// numbers serves `claimed = 1` only), so the statement would be compiled again
// at every run.
const unclaimedCopies = compiledOnce((db, $: Param<{ e164: string; keepUserId: string }>) =>
  db
    .deleteFrom('phone_numbers')
    .where('phone_number', '=', $('e164'))
    .where('claimed', '=', sql.lit(0))
    .where('user_id', '!=', $('keepUserId')),
);

/** Rule 3: when one user claims a number, other users' unclaimed copies of it go. */
export async function deleteUnclaimedCopies(db: Executor, e164: string, keepUserId: string): Promise<void> {
  await unclaimedCopies(db, { e164, keepUserId });
}

const claimedByOther = compiledOnce((db, $: Param<{ e164: string; userId: string }>) =>
  db
    .selectFrom('phone_numbers')
    .select('id')
    .where('phone_number', '=', $('e164'))
    .where('claimed', '=', sql.lit(1))
    .where('user_id', '!=', $('userId'))
    .limit(1),
);

/** Whether another user holds `e164` claimed. */
export async function isClaimedByOther(db: Executor, e164: string, userId: string): Promise<boolean> {
  return (await claimedByOther(db, { e164, userId })).rows.length > 0;
}
