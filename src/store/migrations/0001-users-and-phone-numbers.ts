import { sql, type Kysely } from 'kysely';

// Migrations are frozen once released: they take Kysely<any> because the
// Database type describes the latest schema, not the one at this step.
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('external_id', 'text')
    .addColumn('first_name', 'text')
    .addColumn('last_name', 'text')
    .addColumn('public_metadata', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('private_metadata', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('unsafe_metadata', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('mfa_enabled_at', 'bigint')
    .addColumn('mfa_disabled_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('users_created_at').on('users').columns(['created_at', 'id']).execute();
  await db.schema.createIndex('users_updated_at').on('users').columns(['updated_at', 'id']).execute();
  await db.schema.createIndex('users_external_id').on('users').column('external_id').execute();

  await db.schema
    .createTable('phone_numbers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('phone_number', 'text', (c) => c.notNull())
    .addColumn('reserved', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('claimed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_primary', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('reserved_for_second_factor', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('default_second_factor', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('verification_strategy', 'text')
    .addColumn('verification_status', 'text')
    .addColumn('verification_attempts', 'integer')
    .addColumn('verification_expire_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    // The states of a number's life, kept consistent by the database itself:
    // claimed is exactly "reserved or verified"; only a claimed number can be
    // primary; only a verified one can be a second factor; only a second factor
    // can be the default.
    .addCheckConstraint(
      'phone_numbers_claimed_state',
      sql`claimed = CASE WHEN reserved = 1 OR verification_status = 'verified' THEN 1 ELSE 0 END`,
    )
    .addCheckConstraint('phone_numbers_primary_claimed', sql`is_primary = 0 OR claimed = 1`)
    .addCheckConstraint(
      'phone_numbers_second_factor_verified',
      sql`reserved_for_second_factor = 0 OR verification_status = 'verified'`,
    )
    .addCheckConstraint('phone_numbers_default_reserved', sql`default_second_factor = 0 OR reserved_for_second_factor = 1`)
    .execute();

  // Rule 2: one claimed owner per number, whoever writes and however concurrently.
  await db.schema
    .createIndex('phone_numbers_one_claimed_owner')
    .on('phone_numbers')
    .column('phone_number')
    .unique()
    .where(sql.ref('claimed'), '=', 1)
    .execute();
  // A user holds a number once.
  await db.schema
    .createIndex('phone_numbers_user_number')
    .on('phone_numbers')
    .columns(['user_id', 'phone_number'])
    .unique()
    .execute();
  // Rule 4 and rule 5: at most one primary and one default second factor per user.
  await db.schema
    .createIndex('phone_numbers_one_primary')
    .on('phone_numbers')
    .column('user_id')
    .unique()
    .where(sql.ref('is_primary'), '=', 1)
    .execute();
  await db.schema
    .createIndex('phone_numbers_one_default_second_factor')
    .on('phone_numbers')
    .column('user_id')
    .unique()
    .where(sql.ref('default_second_factor'), '=', 1)
    .execute();
  await db.schema.createIndex('phone_numbers_phone_number').on('phone_numbers').column('phone_number').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('phone_numbers').execute();
  await db.schema.dropTable('users').execute();
}
