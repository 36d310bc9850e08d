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

/**
 * Starts the worker. Should it fail (it cannot open the file, say), `onFailure`
 * is told, so the store can give checkpoints back to its COMMITs; the error
 * never ends the process.
 */
export function startCheckpointer(path: string, onFailure: (error: Error) => void, intervalMs = 100): Checkpointer {
  const worker = new Worker(new URL('./checkpoint-worker.js', import.meta.url), { workerData: { path, intervalMs } });
  worker.on('error', onFailure);
  // Listened for from the start: a worker that failed has exited before stop() is called.
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  // Never keep the process alive on its own.
  worker.unref();
  return {
    async stop() {
      // Waited for now: the process must not end halfway through closing it.
      worker.ref();
      worker.postMessage('stop');
      await Promise.race([new Promise((resolve) => worker.once('message', resolve)), exited]);
      await worker.terminate();
    },
  };
}
