import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { TEST_HASH_KEY, TEST_SECRET_KEY } from './server.js';

/** The built server, as `npm start` runs it. */
export const MAIN_JS = fileURLToPath(new URL('../../src/main.js', import.meta.url));

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A real Callsign process (`node dist/src/main.js`) on a port of its own. */
export interface CallsignProcess {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly key: string;
  readonly child: ChildProcess;
  /** Resolves when the process has ended. */
  readonly exited: Promise<Exit>;
  /** The last lines it printed, for failure messages. */
  output(): string;
  /** Sends a signal (SIGTERM by default) and waits for the process to end. */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
}

/** A port free right now on 127.0.0.1 (the OS picks it; it is released before Callsign binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts Callsign with the given environment on top of a test one (a free
 * port, the suite's keys, LOG_LEVEL=warn), and resolves once /healthz answers.
 */
export async function spawnCallsign(env: Record<string, string>, startTimeoutMs = 30_000): Promise<CallsignProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN_JS], {
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      CALLSIGN_ENV: 'development',
      CALLSIGN_SECRET_KEY: TEST_SECRET_KEY,
      CALLSIGN_HASH_KEY: Buffer.from(TEST_HASH_KEY).toString('hex'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: string): void => {
    lines.push(...chunk.split('\n').filter(Boolean));
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  // Both streams are read to the end, so a busy process never blocks on a full pipe.
  child.stdout!.setEncoding('utf8').on('data', keep);
  child.stderr!.setEncoding('utf8').on('data', keep);
  let exit: Exit | undefined;
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    }),
  );
  const output = (): string => lines.join('\n');
  const url = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (exit !== undefined) throw new Error(`Callsign exited (${exit.code ?? exit.signal}) before listening:\n${output()}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Callsign did not answer /healthz within ${startTimeoutMs} ms:\n${output()}`);
    }
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  return {
    url,
    key: TEST_SECRET_KEY,
    child,
    exited,
    output,
    stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
