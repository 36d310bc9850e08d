import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

/**
 * Checkpoints the WAL from a worker thread. SQLite's automatic checkpoint runs
 * inside whichever COMMIT crosses the threshold, on the event loop, copying
 * about a thousand pages and syncing twice — a 5–13 ms stall for every request
 * waiting behind it. A worker with its own connection does the same work
 * concurrently (WAL checkpoints do not block writers), and the main
 * connection's automatic checkpoint stays only as a backstop at a higher
 * threshold, should the worker fall behind.
 */
export interface Checkpointer {
  stop(): Promise<void>;
}

export function startCheckpointer(path: string, intervalMs = 100): Checkpointer {
  const worker = new Worker(new URL('./sqlite-checkpoint-worker.js', import.meta.url), { workerData: { path, intervalMs } });
  // Never keep the process alive on its own.
  worker.unref();
  return {
    async stop() {
      worker.postMessage('stop');
      await Promise.race([once(worker, 'message'), once(worker, 'exit')]);
      await worker.terminate();
    },
  };
}
