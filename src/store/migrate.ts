import { Migrator, type Kysely } from 'kysely';
import { migrationProvider } from './migrations/index.js';

export interface MigrateOptions {
  /**
   * PostgreSQL: the schema that holds Kysely's migration tables, the one
   * Callsign's tables go to (`current_schema()`). Naming it keeps a Callsign
   * in its own schema from taking another schema's migration record for its own.
   */
  readonly schema?: string;
}

/** Brings the schema up to date; run at every start, and by `callsign migrate`. Returns the names applied. */
export async function migrateToLatest(db: Kysely<unknown>, options: MigrateOptions = {}): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: migrationProvider,
    ...(options.schema === undefined ? {} : { migrationTableSchema: options.schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`database migration ${failed ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
