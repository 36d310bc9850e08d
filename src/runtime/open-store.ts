import type { DatabaseConfig } from '../config.js';
import type { Store } from '../store/database.js';
import { openPostgresStore } from '../store/postgres/postgres-store.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';

/** Opens (and migrates) the store that DATABASE_URL names. */
export async function openStore(config: DatabaseConfig): Promise<Store> {
  switch (config.kind) {
    case 'sqlite':
      return openSqliteStore({ path: config.path, synchronous: config.synchronous });
    case 'postgres':
      return openPostgresStore({ connection: { connectionString: config.url }, poolSize: config.poolSize });
  }
}
