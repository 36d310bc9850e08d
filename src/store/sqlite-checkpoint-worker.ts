// Runs in a worker thread (see sqlite-checkpointer.ts): its own connection to
// the database, checkpointing the WAL on a timer so that COMMITs on the main
// thread never do it.
import { parentPort, workerData } from 'node:worker_threads';
import SqliteDatabase from 'better-sqlite3';

const { path, intervalMs } = workerData as { path: string; intervalMs: number };
const db = new SqliteDatabase(path);
db.pragma('busy_timeout = 1000');
// This connection writes nothing; it must never checkpoint on its own schedule either.
db.pragma('wal_autocheckpoint = 0');

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
