import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '../../src/store/database.js';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { openPgliteStore } from './pglite.js';
import { createTestDatabase, testDatabaseUrl } from './postgres.js';

/**
 * One way of opening a fresh, empty, migrated store. Every suite that touches
 * the database runs once per factory (see `storeFactories`), so the same tests
 * prove both dialects.
 */
export interface StoreFactory {
  readonly name: string;
  open(): Promise<Store>;
  /** Set when this store cannot take real concurrent connections: tests that need them skip, saying why. */
  readonly noConcurrency?: string;
}

export const sqliteFile: StoreFactory = {
  name: 'sqlite',
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'callsign-test-'));
    // FULL, the default users get: every write waits for its group commit.
    const store = await openSqliteStore({ path: join(dir, 'callsign.sqlite'), synchronous: 'FULL' });
    return {
      ...store,
      async close() {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

/** PostgreSQL on the server TEST_DATABASE_URL names: each open() gets a database of its own, dropped on close. */
export function postgresServer(serverUrl: string): StoreFactory {
  return {
    name: 'postgres',
    async open() {
      const database = await createTestDatabase(serverUrl);
      let store: Store;
      try {
        store = await openPostgresStore({ connection: { connectionString: database.url }, poolSize: 10 });
      } catch (error) {
        await database.drop();
        throw error;
      }
      return {
        ...store,
        async close() {
          await store.close();
          await database.drop();
        },
      };
    },
  };
}

/** PostgreSQL in-process (PGlite), where no server is configured. */
export const pglite: StoreFactory = {
  name: 'pglite',
  open: openPgliteStore,
  noConcurrency:
    'PGlite is one in-process PostgreSQL session: transactions run one after another, so races between connections cannot happen on it. ' +
    'Set TEST_DATABASE_URL to a PostgreSQL server (npm test does on CI) to run this test.',
};

/**
 * Every store the suites run on here: SQLite always, and PostgreSQL: the
 * server at TEST_DATABASE_URL when set, else PGlite.
 */
export function storeFactories(): StoreFactory[] {
  return [sqliteFile, testDatabaseUrl === undefined ? pglite : postgresServer(testDatabaseUrl)];
}
