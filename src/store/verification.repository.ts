import type { Selectable } from 'kysely';
import type { OtpStatus } from '../domain/phone-number.js';
import type { OtpVerification } from '../domain/verification.js';
import type { Executor, VerificationTable } from './database.js';

type Row = Selectable<VerificationTable>;

export function toVerification(row: Row): OtpVerification {
  return {
    id: row.id,
    phoneNumberId: row.phone_number_id,
    phoneNumber: row.phone_number,
    codeHash: row.code_hash,
    status: row.status as OtpStatus,
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    expireAt: Number(row.expire_at),
    superseded: row.superseded === 1,
    testMode: row.test_mode === 1,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export async function insertVerification(db: Executor, v: OtpVerification): Promise<void> {
  await db
    .insertInto('verifications')
    .values({
      id: v.id,
      phone_number_id: v.phoneNumberId,
      phone_number: v.phoneNumber,
      code_hash: v.codeHash,
      status: v.status,
      attempts: v.attempts,
      max_attempts: v.maxAttempts,
      expire_at: v.expireAt,
      superseded: v.superseded ? 1 : 0,
      test_mode: v.testMode ? 1 : 0,
      created_at: v.createdAt,
      updated_at: v.updatedAt,
    })
    .execute();
}

export async function findVerification(db: Executor, id: string): Promise<OtpVerification | undefined> {
  const row = await db.selectFrom('verifications').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toVerification(row);
}

/** The number's newest verification not replaced by a newer prepare: the one its code can verify it with. */
export async function findCurrentVerification(db: Executor, phoneNumberId: string): Promise<OtpVerification | undefined> {
  const row = await db
    .selectFrom('verifications')
    .selectAll()
    .where('phone_number_id', '=', phoneNumberId)
    .where('superseded', '=', 0)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? undefined : toVerification(row);
}

/** Writes what an attempt changed: the status and the attempt count. */
export async function updateVerificationState(db: Executor, v: OtpVerification): Promise<void> {
  await db
    .updateTable('verifications')
    .set({ status: v.status, attempts: v.attempts, superseded: v.superseded ? 1 : 0, updated_at: v.updatedAt })
    .where('id', '=', v.id)
    .execute();
}

/** A new prepare supersedes every code still open for the number: only the newest can verify it. */
export async function supersedeOpenVerifications(db: Executor, phoneNumberId: string, now: number): Promise<void> {
  await db
    .updateTable('verifications')
    .set({ superseded: 1, updated_at: now })
    .where('phone_number_id', '=', phoneNumberId)
    .where('status', '=', 'unverified')
    .where('superseded', '=', 0)
    .execute();
}
