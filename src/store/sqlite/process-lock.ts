import SqliteDatabase from 'better-sqlite3';

/** Held while a SQLite store is open; `release` lets the next process in. */
export interface ProcessLock {
  release(): void;
}

export class DatabaseInUseError extends Error {
  constructor(readonly path: string) {
    super(
      `another process is using the SQLite database ${path} (it holds ${lockPathFor(path)}). ` +
        'One Callsign process serves a SQLite file; stop the other one, or use PostgreSQL to run several.',
    );
    this.name = 'DatabaseInUseError';
  }
}

export const lockPathFor = (path: string): string => `${path}-lock`;

/**
 * Makes this process the only one serving the SQLite file at `path`, for as
 * long as the store is open. Callsign keeps state that only holds if nobody
 * else writes the file (the row cache, row-cache.ts), and several processes on
 * one SQLite file would only take turns at its single write lock anyway.
 *
 * The lock is a small SQLite database beside the file, opened in EXCLUSIVE
 * locking mode and written once: SQLite then holds its file lock until the
 * connection closes, and the operating system drops it if the process dies,
 * so a crash never leaves a stale lock. The database file itself stays in
 * normal WAL mode, so other programs may still read it (a backup with
 * `sqlite3 .backup`, an inspection) while Callsign runs.
 */
export function acquireProcessLock(path: string): ProcessLock {
  const lock = new SqliteDatabase(lockPathFor(path), { timeout: 0 });
  try {
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.pragma('journal_mode = MEMORY');
    lock.exec('create table if not exists holder (pid integer not null); begin exclusive; delete from holder;');
    lock.prepare('insert into holder (pid) values (?)').run(process.pid);
    lock.exec('commit');
  } catch (error) {
    lock.close();
    if (error instanceof SqliteDatabase.SqliteError && error.code.startsWith('SQLITE_BUSY')) throw new DatabaseInUseError(path);
    throw error;
  }
  return { release: () => lock.close() };
}
