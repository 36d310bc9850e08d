import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built `callsign` bin, run as users run it: a separate node process. */
export const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Only what the CLI should see: no CALLSIGN_* or DATABASE_URL leaking in from the machine running the tests. */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, NODE_OPTIONS: '', ...extra };
}

/** Starts the CLI; the caller talks to it through stdin and reads what it wrote. */
export function startCli(args: readonly string[], env: NodeJS.ProcessEnv): ChildProcessWithoutNullStreams & { output: { stdout: string; stderr: string } } {
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: 'pipe' }) as ChildProcessWithoutNullStreams & { output: { stdout: string; stderr: string } };
  child.output = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (child.output.stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (child.output.stderr += chunk));
  return child;
}

export function finished(child: ReturnType<typeof startCli>, timeoutMs = 20_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the CLI did not exit within ${timeoutMs} ms; stdout: ${child.output.stdout} stderr: ${child.output.stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: child.output.stdout, stderr: child.output.stderr });
    });
  });
}

/** Runs the CLI to the end, with `input` piped to its stdin (then closed). */
export async function runBin(args: readonly string[], env: NodeJS.ProcessEnv, input = ''): Promise<CliResult> {
  const child = startCli(args, env);
  child.stdin.end(input);
  return finished(child);
}

/** Waits until the child's stdout or stderr matches. */
export async function waitFor(child: ReturnType<typeof startCli>, stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs = 10_000): Promise<RegExpMatchArray> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const match = child.output[stream].match(pattern);
    if (match !== null) return match;
    if (Date.now() > until || child.exitCode !== null) {
      assert.fail(`${stream} never matched ${pattern}; stdout: ${child.output.stdout} stderr: ${child.output.stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * A table is aligned when every cell of every row starts exactly where its
 * column's header starts (headers are separated by two spaces or more).
 */
export function assertAligned(text: string): void {
  const [header, ...rows] = text.trimEnd().split('\n');
  assert.ok(header !== undefined && rows.length > 0, `not a table: ${text}`);
  const starts = [...header.matchAll(/(?:^|(?<= {2}))\S/g)].map((m) => m.index!);
  assert.ok(starts.length > 1, `not a table header: ${header}`);
  for (const row of rows) {
    for (const start of starts) {
      assert.ok(row[start] !== undefined && row[start] !== ' ' && (start === 0 || row[start - 1] === ' '), `column at ${start} misaligned:\n${header}\n${row}`);
    }
  }
}
