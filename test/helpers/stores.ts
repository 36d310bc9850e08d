import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '../../src/store/database.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';

/**
 * One way of opening a fresh, empty, migrated store. Every suite that touches
 * the database runs once per factory (see `forEachStore`), so the same tests
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
    const store = await openSqliteStore({ path: join(dir, 'callsign.sqlite'), synchronous: 'NORMAL' });
    return {
      ...store,
      async close() {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

/** Every store the suites run on here. */
export function storeFactories(): StoreFactory[] {
  return [sqliteFile];
}
