import type { Kysely } from 'kysely';

// Frozen once released; Kysely<any> because Database describes the latest schema.
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>): Promise<void> {
  // Rule 6: only keyed hashes are stored. One row per unused code; using a
  // code deletes its row, so "single use" is one DELETE whose row count says
  // whether this request was the one that used it.
  await db.schema
    .createTable('backup_codes')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('backup_codes_pkey', ['user_id', 'code_hash'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('backup_codes').execute();
}
