import type { Store } from '../../src/store/database.js';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.js';

/**
 * A PostgreSQL store on PGlite, PostgreSQL compiled to WebAssembly and run in
 * this process, for machines without a PostgreSQL server: the same SQL, the
 * same migrations and the same `pg` driver path (PGlite's node-postgres
 * bridge) as production, in one session. Test-only: PGlite is a
 * devDependency and nothing under src/ imports it.
 */
export async function openPgliteStore(): Promise<Store> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { createPgConfig } = await import('@electric-sql/pglite/node-postgres');
  const lite = new PGlite();
  await lite.waitReady;
  // One session: a pool of one hands it to one query or transaction at a
  // time and queues the rest, as Kysely expects of any pool.
  const store = await openPostgresStore({ connection: { ...createPgConfig(lite) }, poolSize: 1 });
  return {
    ...store,
    async close() {
      await store.close();
      await lite.close();
    },
  };
}
