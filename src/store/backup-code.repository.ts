import type { Executor } from './database.js';

/** Stores one user's new codes, as keyed hashes only. */
export async function insertBackupCodes(db: Executor, userId: string, codeHashes: readonly string[], now: number): Promise<void> {
  if (codeHashes.length === 0) return;
  await db
    .insertInto('backup_codes')
    .values(codeHashes.map((code_hash) => ({ user_id: userId, code_hash, created_at: now })))
    .execute();
}

/** The hashes of a user's unused codes. */
export async function listBackupCodeHashes(db: Executor, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('backup_codes').select('code_hash').where('user_id', '=', userId).execute();
  return rows.map((r) => r.code_hash);
}

export async function hasBackupCodes(db: Executor, userId: string): Promise<boolean> {
  const row = await db.selectFrom('backup_codes').select('user_id').where('user_id', '=', userId).limit(1).executeTakeFirst();
  return row !== undefined;
}

/** Which of these users hold at least one unused code. */
export async function usersWithBackupCodes(db: Executor, userIds: readonly string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await db.selectFrom('backup_codes').select('user_id').distinct().where('user_id', 'in', [...userIds]).execute();
  return new Set(rows.map((r) => r.user_id));
}

/**
 * Uses one code. True only for the one request whose DELETE removed the row:
 * a concurrent request for the same code finds it gone (SQLite serializes
 * writers; PostgreSQL re-checks the row after the first commit) and gets false.
 */
export async function consumeBackupCode(db: Executor, userId: string, codeHash: string): Promise<boolean> {
  const result = await db.deleteFrom('backup_codes').where('user_id', '=', userId).where('code_hash', '=', codeHash).executeTakeFirst();
  return result.numDeletedRows === 1n;
}

/** Removes all of a user's codes; returns how many there were. */
export async function deleteUserBackupCodes(db: Executor, userId: string): Promise<number> {
  const result = await db.deleteFrom('backup_codes').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}
