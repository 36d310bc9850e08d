import type { Kysely } from 'kysely';

// Frozen once released; Kysely<any> because Database describes the latest schema.
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>): Promise<void> {
  // Where readiness writes after a write failed (disk full, I/O error), to
  // learn whether the database takes writes again (write-readiness.ts).
  await db.schema
    .createTable('write_probe')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('written_at', 'bigint', (c) => c.notNull())
    .addColumn('padding', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('write_probe').execute();
}
