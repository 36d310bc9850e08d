import { closeSync, fdatasync, openSync } from 'node:fs';
import { promisify } from 'node:util';

const syncFd = promisify(fdatasync);

/**
 * Group commit for SQLite in WAL mode. SQLite's own `synchronous=FULL` syncs
 * the WAL inside every COMMIT, on the event loop: one fsync per write, and
 * nothing else runs meanwhile. Instead, the database runs with
 * `synchronous=NORMAL` (commits only append to the WAL) and every write waits
 * for `flush()` before it is acknowledged: one fdatasync of the WAL, on
 * libuv's thread pool, covers every commit made before it started. The
 * guarantee is FULL's — an acknowledged write survives a power loss — while
 * concurrent writes share each sync and requests keep being served during it.
 */
export interface GroupCommit {
  /** Resolves once everything committed before the call is on disk; rejects with a `WalSyncError` if the sync failed. */
  flush(): Promise<void>;
  close(): void;
}

/**
 * A sync of the WAL failed (EIO, ENOSPC, …): the writes it covered are
 * committed but not known to be on disk. The store answers them 503.
 */
export class WalSyncError extends Error {
  readonly code = 'CALLSIGN_WAL_SYNC_FAILED';
  constructor(cause: unknown) {
    super(`the SQLite WAL could not be synced to disk${cause instanceof Error ? `: ${cause.message}` : ''}`, { cause });
    this.name = 'WalSyncError';
  }
}

/** Syncs a file's data to disk; injectable so tests can count and pace the syncs. */
export type SyncFile = (fd: number) => Promise<void>;

export function createGroupCommit(walPath: string, sync: SyncFile = syncFd): GroupCommit {
  let fd: number | undefined;
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;

  const syncOnce = async (): Promise<void> => {
    try {
      // The WAL exists from the first write on and stays until the last
      // connection closes; fsync through any descriptor flushes the file.
      fd ??= openSync(walPath, 'r');
      await sync(fd);
    } catch (error) {
      throw new WalSyncError(error);
    }
  };

  const flush = (): Promise<void> => {
    if (running === undefined) {
      running = syncOnce().finally(() => {
        running = undefined;
      });
      return running;
    }
    // A sync is under way, but it may have started before the caller's
    // commit: wait for the next one, which every caller arriving now shares.
    queued ??= running.then(
      () => {
        queued = undefined;
        return flush();
      },
      () => {
        queued = undefined;
        return flush();
      },
    );
    return queued;
  };

  return {
    flush,
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}
