/**
 * `npm run bench`: loads Callsign from a second process and, in the same run,
 * a bare node:http server answering the same bytes, then prints req/s, p50,
 * p99 and the ratio to the bare server. Not a test: figures vary by machine;
 * compare ratios measured in one run. Results go to .bench/results.json.
 *
 * BENCH_DURATION (seconds, default 10) and BENCH_CONNECTIONS (default 50).
 * PostgreSQL runs (one process, three processes on one database) use the
 * server at BENCH_DATABASE_URL, else TEST_DATABASE_URL, else
 * postgres://postgres@127.0.0.1:5432/postgres, and are skipped without one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { LoadJob, LoadResult } from './load.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..', '..');
const duration = Number(process.env.BENCH_DURATION ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const KEY = 'sk_test_bench_key_0123456789abcdef';
const SEED_USERS = 2000;

export interface Row {
  readonly name: string;
  readonly result: LoadResult;
  readonly baseline?: LoadResult;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function waitForLine(child: ChildProcess, pattern: RegExp, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start: ${seen}`)), 30_000);
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString();
      if (pattern.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${what} exited with ${code}: ${seen}`)));
  });
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Starts `node dist/src/main.js` of `checkout` (this one by default) with `env`; resolves once it listens. */
export async function startCallsign(env: Record<string, string>, checkout = root): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(checkout, 'dist', 'src', 'main.js')], {
    env: { ...process.env, PORT: String(port), CALLSIGN_SECRET_KEY: KEY, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = `http://127.0.0.1:${port}`;
  // LOG_LEVEL=warn hides the "listening" line, so poll /healthz instead.
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Callsign exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error('Callsign did not start within 30 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, child };
}

async function call(url: string, method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

/** Users, each with one verified number, to read and to add numbers to. */
export async function seed(url: string, users = SEED_USERS): Promise<{ userIds: string[]; phoneNumberIds: string[] }> {
  const userIds: string[] = [];
  const phoneNumberIds: string[] = [];
  for (let i = 0; i < users; i += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, users - i) }, (_, j) =>
        call(url, 'POST', '/v1/users', { phone_number: [`+1202${String(1_000_000 + i + j).padStart(7, '0')}`] }),
      ),
    );
    for (const { status, text } of batch) {
      if (status !== 200) throw new Error(`seeding failed: ${status} ${text}`);
      const user = JSON.parse(text) as { id: string; phone_numbers: { id: string }[] };
      userIds.push(user.id);
      phoneNumberIds.push(user.phone_numbers[0]!.id);
    }
  }
  return { userIds, phoneNumberIds };
}

export function load(job: Omit<LoadJob, 'connections' | 'durationSeconds' | 'key'>): Promise<LoadResult> {
  const full: LoadJob = { ...job, key: KEY, connections, durationSeconds: duration };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(here, 'load.js'), JSON.stringify(full)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as LoadResult) : reject(new Error(`load exited ${code}`))));
  });
}

/** The bare server answering `body` with `status`, loaded the same way. */
export async function baseline(method: 'GET' | 'POST', status: number, body: string, paths: string[], userIds?: string[]): Promise<LoadResult> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(here, 'bare-server.js'), String(port), String(status), body], { stdio: ['ignore', 'pipe', 'pipe'] });
  await waitForLine(child, /ready/, 'bare server');
  try {
    return await load({ url: `http://127.0.0.1:${port}`, method, paths, userIds });
  } finally {
    await stop(child);
  }
}

export function printRows(title: string, rows: readonly Row[]): string {
  const lines = [
    `### ${title}`,
    '',
    '| load | req/s | p50 ms | p99 ms | non-2xx | bare node:http req/s | ratio |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map(({ name, result, baseline: b }) =>
      [
        name,
        Math.round(result.requestsPerSecond),
        result.p50,
        result.p99,
        result.non2xx + result.errors,
        b === undefined ? '' : Math.round(b.requestsPerSecond),
        b === undefined ? '' : (result.requestsPerSecond / b.requestsPerSecond).toFixed(2),
      ].join(' | ').replace(/^/, '| ').replace(/$/, ' |'),
    ),
    '',
  ];
  const text = lines.join('\n');
  console.log(text);
  return text;
}

/**
 * GET /v1/phone_numbers/{id} and POST /v1/phone_numbers against one running
 * Callsign, or several on one database with the connections spread evenly
 * over them (as a load balancer would), with baselines.
 */
export async function benchTarget(target: string | readonly string[], numberBase: number): Promise<Row[]> {
  const urls = typeof target === 'string' ? [target] : target;
  const url = urls[0]!;
  const { userIds, phoneNumberIds } = await seed(url);
  const getPaths = phoneNumberIds.map((id) => `/v1/phone_numbers/${id}`);
  const sampleGet = await call(url, 'GET', getPaths[0]!);
  const get = await load({ url, urls, method: 'GET', paths: getPaths });
  const getBase = await baseline('GET', sampleGet.status, sampleGet.text, getPaths);

  const samplePost = await call(url, 'POST', '/v1/phone_numbers', { user_id: userIds[0], phone_number: '+12019999999', verified: true });
  const post = await load({ url, urls, method: 'POST', paths: ['/v1/phone_numbers'], userIds, numberBase });
  const postBase = await baseline('POST', samplePost.status, samplePost.text, ['/v1/phone_numbers'], userIds);
  return [
    { name: 'GET /v1/phone_numbers/{id}', result: get, baseline: getBase },
    { name: 'POST /v1/phone_numbers', result: post, baseline: postBase },
  ];
}

/**
 * The PostgreSQL server to bench on: BENCH_DATABASE_URL, else TEST_DATABASE_URL,
 * else the local one CI machines run. Each run gets a fresh database, dropped after.
 */
const postgresServer = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function onServer(sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: postgresServer });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** PostgreSQL runs: one Callsign process, then three on one database with the load spread over them. */
async function benchPostgres(sections: string[], results: Record<string, Row[]>): Promise<void> {
  const name = `callsign_bench_${process.pid}`;
  let version: string;
  try {
    version = String((await onServer('show server_version')).rows[0]?.server_version ?? '').split(' ')[0]!;
  } catch (error) {
    const text = `### PostgreSQL\n\nSkipped: no PostgreSQL server at ${postgresServer} (${(error as Error).message}). Set BENCH_DATABASE_URL.\n`;
    console.log(text);
    sections.push(text);
    return;
  }
  for (const [count, numberBase] of [[1, 2_000_000], [3, 5_000_000]] as const) {
    await onServer(`create database ${name}`);
    const url = new URL(postgresServer);
    url.pathname = `/${name}`;
    const started: ChildProcess[] = [];
    try {
      // Started at once, as a deployment rolls out: their migrations take turns under Kysely's lock.
      const servers = await Promise.all(Array.from({ length: count }, () => startCallsign({ DATABASE_URL: url.toString() })));
      started.push(...servers.map((s) => s.child));
      const rows = await benchTarget(servers.map((s) => s.url), numberBase);
      const title = `PostgreSQL ${version}, ${count === 1 ? 'one process' : `${count} processes on one database, load spread evenly`} (DATABASE_POOL_SIZE=10 each)`;
      results[title] = rows;
      sections.push(printRows(title, rows));
    } finally {
      await Promise.all(started.map(stop));
      await onServer(`drop database if exists ${name} with (force)`);
    }
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'callsign-bench-'));
  const sections: string[] = [];
  const results: Record<string, Row[]> = {};
  console.log(`duration ${duration} s, ${connections} connections, autocannon in a second process\n`);
  try {
    for (const synchronous of ['FULL', 'NORMAL'] as const) {
      const { url, child } = await startCallsign({ DATABASE_URL: `sqlite:${join(dir, `bench-${synchronous}.sqlite`)}`, SQLITE_SYNCHRONOUS: synchronous });
      try {
        const rows = await benchTarget(url, synchronous === 'FULL' ? 2_000_000 : 5_000_000);
        const title = `SQLite (WAL, synchronous=${synchronous}), one process`;
        results[title] = rows;
        sections.push(printRows(title, rows));
      } finally {
        await stop(child);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await benchPostgres(sections, results);
  mkdirSync(join(root, '.bench'), { recursive: true });
  writeFileSync(join(root, '.bench', 'results.json'), JSON.stringify({ date: new Date().toISOString(), duration, connections, results }, null, 2));
  writeFileSync(join(root, '.bench', 'results.md'), sections.join('\n'));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
