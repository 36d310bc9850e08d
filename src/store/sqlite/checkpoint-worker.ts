// Runs in a worker thread (see sqlite-checkpointer.ts): its own connection to
// the database, checkpointing the WAL on a timer so that COMMITs on the main
// thread never do it.
import { parentPort, workerData } from 'node:worker_threads';
import SqliteDatabase from 'better-sqlite3';

const { path, intervalMs } = workerData as { path: string; intervalMs: number };
/** Opens this worker's connection; its errors leave as plain Errors, which cross to the main thread whole (a SqliteError arrives as its code alone). */
function open(): SqliteDatabase.Database {
  try {
    const connection = new SqliteDatabase(path);
    connection.pragma('busy_timeout = 1000');
    // This connection writes nothing; it must never checkpoint on its own schedule either.
    connection.pragma('wal_autocheckpoint = 0');
    return connection;
  } catch (error) {
    throw new Error(`the checkpoint worker could not open ${path}: ${(error as Error).message}`);
  }
}

const db = open();

const timer = setInterval(() => {
  try {
    // PASSIVE: copies what no reader still needs, without blocking writers or readers.
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // A busy database is checkpointed next time; the main connection's backstop covers the rest.
  }
}, intervalMs);

parentPort?.on('message', (message) => {
  if (message === 'stop') {
    clearInterval(timer);
    db.close();
    parentPort?.postMessage('stopped');
  }
});
