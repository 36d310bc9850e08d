import { mkdirSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import type { Database, Store } from '../database.js';
import { createGroupCommit, WalSyncError, type SyncFile } from './group-commit.js';
import { migrateToLatest } from '../migrate.js';
import { runAsTx } from '../tx.js';
import { withWriteReadiness } from '../write-readiness.js';
import type { PhoneNumber } from '../../domain/phone-number.js';
import { createRowCache, type RowCache } from './row-cache.js';
import { acquireProcessLock, type ProcessLock } from './process-lock.js';
import { startCheckpointer, type Checkpointer } from './checkpointer.js';
import { BetterSqliteDialect, SqliteBatchLostError, type Batch } from './driver.js';

/** Phone numbers kept in memory for reads by id (about 300 bytes each). */
const PHONE_NUMBER_CACHE_ROWS = 50_000;

/** WAL pages after which a COMMIT checkpoints by itself, should the checkpoint worker fall behind (SQLite's default is 1000, used again should the worker fail). */
const BACKSTOP_CHECKPOINT_PAGES = 10_000;
const SQLITE_DEFAULT_CHECKPOINT_PAGES = 1000;

export type SqliteSynchronous = 'FULL' | 'NORMAL';

export interface SqliteStoreOptions {
  /** A file path, or `:memory:`. */
  readonly path: string;
  /**
   * Durability, named after SQLite's `synchronous` levels in WAL mode. `FULL`:
   * an acknowledged write survives a power loss (the WAL is synced before the
   * answer, by group commit — see group-commit.ts). `NORMAL`: the WAL is synced
   * only at checkpoints; a write survives a crash of Callsign, but the last
   * ones may be lost if the machine itself loses power.
   * @default 'FULL'
   */
  readonly synchronous?: SqliteSynchronous;
  /** How long a write waits for another process's lock before failing. @default 5000 */
  readonly busyTimeoutMs?: number;
  /**
   * How group commit syncs the WAL under `FULL` (see group-commit.ts); tests
   * pass one that records or paces the syncs.
   * @default fdatasync on libuv's thread pool
   */
  readonly syncFile?: SyncFile;
}

/**
 * The embedded store. One connection: SQLite serializes writers anyway, and
 * the driver (driver.ts) hands it to one query or transaction at a
 * time, so a transaction sees no interleaved writes from other requests.
 */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  let processLock: ProcessLock | undefined;
  let path = options.path;
  if (path !== ':memory:') {
    path = canonicalPath(path);
    processLock = acquireProcessLock(path);
  }
  try {
    return await openLocked({ ...options, path }, processLock);
  } catch (error) {
    processLock?.release();
    throw error;
  }
}

/**
 * The file's one name, symbolic links resolved (its folder created if
 * missing): SQLite follows links, so the lock and the WAL beside it must be
 * found through the real path, whatever path a process was given.
 */
function canonicalPath(path: string): string {
  mkdirSync(dirname(path), { recursive: true });
  try {
    return realpathSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return join(realpathSync(dirname(path)), basename(path));
  }
}

/**
 * Phone numbers by id, kept in memory: every change to a phone number row,
 * by any statement (cascades from a deleted user included), reports its id
 * to the cache before the statement returns. TEMP triggers live in this
 * connection only, never in the file.
 */
function cachePhoneNumbers(handle: SqliteDatabase.Database): RowCache<PhoneNumber> {
  const cache = createRowCache<PhoneNumber>(PHONE_NUMBER_CACHE_ROWS);
  handle.function('callsign_phone_number_changed', (id: unknown) => {
    cache.invalidate(String(id));
    return null;
  });
  handle.exec(`
    create temp trigger phone_number_updated after update on main.phone_numbers begin select callsign_phone_number_changed(old.id); end;
    create temp trigger phone_number_deleted after delete on main.phone_numbers begin select callsign_phone_number_changed(old.id); end;
  `);
  return cache;
}

/** Checkpoints happen in a worker; the COMMIT-time checkpoint is only a backstop (see sqlite-checkpointer.ts). */
function checkpointInWorker(handle: SqliteDatabase.Database, path: string): Checkpointer {
  handle.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
  // Without the worker, COMMITs checkpoint at SQLite's own threshold again.
  return startCheckpointer(path, () => {
    if (handle.open) handle.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_CHECKPOINT_PAGES}`);
  });
}

async function openLocked(options: SqliteStoreOptions, processLock: ProcessLock | undefined): Promise<Store> {
  const handle = new SqliteDatabase(options.path);
  handle.pragma('journal_mode = WAL');
  // FULL durability comes from group commit, not from SQLite syncing each COMMIT.
  handle.pragma('synchronous = NORMAL');
  const groupCommit = (options.synchronous ?? 'FULL') === 'FULL' && options.path !== ':memory:' ? createGroupCommit(`${options.path}-wal`, options.syncFile) : undefined;
  handle.pragma('foreign_keys = ON');
  handle.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);

  const dialect = new BetterSqliteDialect(handle);
  const db = new Kysely<Database>({ dialect });
  await migrateToLatest(db as Kysely<unknown>);
  const phoneNumberCache = cachePhoneNumbers(handle);
  const checkpointer = options.path === ':memory:' ? undefined : checkpointInWorker(handle, options.path);

  const locks: Pick<Store, 'lockUser' | 'lockPhoneNumber' | 'uniqueViolation'> = {
    // Writers are already serialized by SQLite's single write lock.
    lockUser: async () => {},
    lockPhoneNumber: async () => {},
    uniqueViolation: (error) =>
      error instanceof SqliteDatabase.SqliteError && error.code === 'SQLITE_CONSTRAINT_UNIQUE' ? error.message : null,
  };
  return withWriteReadiness({
    dialect: 'sqlite',
    db,
    phoneNumberCache,
    // Acknowledged once the transaction's batch has committed (driver.ts)
    // and, under FULL, once the WAL holding that commit is on disk.
    transaction: async (work) => {
      let batch: Batch | undefined;
      const result = await db.transaction().execute(async (trx) => {
        const value = await runAsTx(trx, locks, work);
        batch = dialect.driver.currentBatch();
        return value;
      });
      await batch!.committed;
      await groupCommit?.flush();
      return result;
    },
    ...locks,
    unavailable: (error) =>
      error instanceof SqliteBatchLostError ||
      error instanceof WalSyncError ||
      (error instanceof SqliteDatabase.SqliteError && /^SQLITE_(BUSY|LOCKED|FULL|IOERR|CANTOPEN)/.test(error.code)),
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: async () => {
      await checkpointer?.stop();
      await db.destroy();
      groupCommit?.close();
      processLock?.release();
    },
  });
}
