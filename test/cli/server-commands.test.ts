import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { Callsign } from '@callsign/client';
import { SETTINGS, flagOf } from '../../src/cli/settings.js';
import { cliEnv, finished, runBin, startCli, waitFor } from '../helpers/cli.js';
import { MAIN_JS } from '../helpers/process.js';
import { createTestDatabase, testDatabaseUrl } from '../helpers/postgres.js';
import { startServer } from '../helpers/server.js';

const COMMANDS = [
  'serve',
  'migrate',
  'users create',
  'users get',
  'users list',
  'users delete',
  'phone-numbers create',
  'phone-numbers get',
  'phone-numbers update',
  'phone-numbers delete',
  'phone-numbers verify',
  'sms inbox',
];

describe('callsign --help, serve and migrate', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'callsign-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('--help everywhere: every command and group, on stdout, exit 0', async () => {
    const main = await runBin(['--help'], cliEnv());
    assert.equal(main.code, 0);
    assert.equal(main.stderr, '');
    for (const command of COMMANDS) assert.match(main.stdout, new RegExp(`^  ${command}\\s{2,}\\S`, 'm'), `main help lists ${command}`);
    assert.match(main.stdout, /^Exit codes:$/m);
    for (const command of [...COMMANDS, 'users', 'phone-numbers', 'sms']) {
      for (const flag of ['--help', '-h']) {
        const result = await runBin([...command.split(' '), flag], cliEnv());
        assert.equal(result.code, 0, `${command} ${flag}: ${result.stderr}`);
        assert.equal(result.stderr, '', `${command} ${flag}`);
        assert.match(result.stdout, new RegExp(`^Usage: callsign ${command}( |$)`, 'm'), `${command} ${flag}`);
      }
    }
    // --help wins over missing arguments.
    assert.equal((await runBin(['users', 'get', '--help'], cliEnv())).code, 0);
  });

  test('no command, or a group without one, prints the usage on stderr and exits 2', async () => {
    for (const args of [[], ['users']]) {
      const result = await runBin(args, cliEnv());
      assert.equal(result.code, 2);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /^Usage: callsign/);
    }
    const version = await runBin(['--version'], cliEnv());
    assert.match(version.stdout, /^callsign \d+\.\d+\.\d+\n$/);
  });

  test('serve takes every setting src/config.ts reads as a flag', () => {
    const source = readFileSync(fileURLToPath(new URL('../../../src/config.ts', import.meta.url)), 'utf8');
    const read = new Set<string>();
    for (const match of source.matchAll(/\benv(?:\.([A-Z][A-Z0-9_]+)|\[['"]([A-Z][A-Z0-9_]+)['"]\]|, ['"]([A-Z][A-Z0-9_]+)['"])/g)) {
      read.add((match[1] ?? match[2] ?? match[3])!);
    }
    assert.ok(read.has('DATABASE_URL') && read.has('PORT') && read.size >= 10, `found ${[...read].join(', ')}`);
    const flagged = new Set(SETTINGS.map((s) => s.env));
    assert.deepEqual([...read].filter((name) => !flagged.has(name)).sort(), [], 'settings without a serve flag: add them to src/cli/settings.ts');
    assert.deepEqual([...flagged].filter((name) => !read.has(name)).sort(), [], 'flags for settings src/config.ts no longer reads');
    assert.equal(new Set(SETTINGS.map((s) => flagOf(s.env))).size, SETTINGS.length, 'flags are unique');
    assert.equal(flagOf('CALLSIGN_SECRET_KEY'), 'secret-key');
    assert.equal(flagOf('SMS_RESEND_COOLDOWN_SECONDS'), 'sms-resend-cooldown-seconds');
  });

  test('serve: flags win over the environment, the server answers, SIGTERM stops it cleanly', async () => {
    const key = 'sk_test_cli_serve_0123456789abcdef';
    const server = startCli(
      ['serve', '--port', '0', '--database-url', `sqlite:${join(dir, 'serve.sqlite')}`, '--secret-key', key, '--hash-key', 'ab'.repeat(32), '--log-level', 'silent'],
      // The flags replace these: a port in use, a wrong key.
      cliEnv({ PORT: '1', CALLSIGN_SECRET_KEY: 'sk_from_env', SQLITE_SYNCHRONOUS: 'NORMAL' }),
    );
    const [, url] = await waitFor(server, 'stdout', /Callsign is listening on (http:\/\/127\.0\.0\.1:\d+) \(API reference: http:\/\/127\.0\.0\.1:\d+\/docs\)\n/);
    const client = new Callsign({ secretKey: key, baseUrl: url! });
    assert.deepEqual(await client.ready(), { status: 'ok', database: 'sqlite' });
    const listed = await runBin(['users', 'list', '--url', url!, '--secret-key', key], cliEnv());
    assert.equal(listed.code, 0, listed.stderr);
    assert.equal(listed.stdout, 'No users.\n');
    server.kill('SIGTERM');
    const result = await finished(server);
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stdout, /secret key/, 'a configured key is never printed');
  });

  test('serve in development without a key generates one, keeps it with the data and prints it', async () => {
    const server = startCli(['serve', '--port', '0', '--database-url', `sqlite:${join(dir, 'dev', 'callsign.sqlite')}`, '--log-level', 'silent'], cliEnv());
    const [, key] = await waitFor(server, 'stdout', /secret key \(kept in .+\): (sk_test_\S+)\n/);
    const [, url] = await waitFor(server, 'stdout', /listening on (\S+) /);
    assert.equal((await runBin(['users', 'list', '--url', url!, '--secret-key', key!], cliEnv())).code, 0);
    server.kill('SIGINT');
    assert.equal((await finished(server)).code, 0);
  });

  test('serve: a bad setting is a one-line configuration error, exit 2', async () => {
    const result = await runBin(['serve', '--env', 'staging'], cliEnv());
    assert.equal(result.code, 2);
    assert.equal(result.stderr, 'callsign: configuration error: CALLSIGN_ENV must be development or production, got "staging"\n');
    const production = await runBin(['serve', '--env', 'production', '--database-url', `sqlite:${join(dir, 'prod.sqlite')}`], cliEnv());
    assert.equal(production.code, 2);
    assert.match(production.stderr, /^callsign: configuration error: 3 settings are missing or invalid:\n  - CALLSIGN_SECRET_KEY is required in production/);
  });

  /** `npm start` as it runs the server, in a folder of its own; resolves when it exits. */
  const npmStart = (env: Record<string, string>, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> =>
    new Promise((resolve, reject) => {
      execFile(process.execPath, [MAIN_JS], { env: cliEnv(env), cwd, timeout: 20_000 }, (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') reject(error);
        else resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr });
      });
    });

  test('npm start and callsign serve refuse bad settings alike: every problem at once, the same text, the same exit code', async () => {
    const cwd = mkdtempSync(join(dir, 'start-'));
    const settings = { CALLSIGN_ENV: 'production', DATABASE_URL: `sqlite:${join(cwd, 'prod.sqlite')}`, PORT: 'eighty', SMS_PROVIDER: 'twilio' };
    const started = await npmStart(settings, cwd);
    const served = await runBin(['serve'], cliEnv(settings));
    assert.equal(started.code, 2);
    assert.equal(served.code, started.code);
    assert.equal(served.stderr, started.stderr);
    const lines = started.stderr.trimEnd().split('\n');
    assert.equal(lines[0], 'callsign: configuration error: 6 settings are missing or invalid:');
    assert.deepEqual(
      lines.slice(1).map((line) => line.match(/^  - .*?([A-Z][A-Z0-9_]{2,})/)?.[1]),
      ['CALLSIGN_SECRET_KEY', 'CALLSIGN_HASH_KEY', 'PORT', 'TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM_NUMBER'],
      started.stderr,
    );
    assert.match(started.stderr, /generate one with `openssl rand -hex 32`/);
    assert.doesNotMatch(started.stderr, /^\s+at /m, 'no stack trace');
    assert.equal(existsSync(join(cwd, 'prod.sqlite')), false, 'nothing was started');
  });

  test('npm start and callsign serve on a port in use: the same message naming PORT and --port, no stack trace', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const cwd = mkdtempSync(join(dir, 'busy-'));
      const settings = { PORT: String(port), DATABASE_URL: `sqlite:${join(cwd, 'busy.sqlite')}`, LOG_LEVEL: 'silent' };
      const started = await npmStart(settings, cwd);
      const served = await runBin(['serve'], cliEnv(settings));
      assert.equal(started.code, 1);
      assert.equal(served.code, started.code);
      assert.equal(
        started.stderr,
        `callsign: cannot listen on 127.0.0.1:${port}: the port is already in use (by another Callsign, or another program). ` +
          'Stop it, or choose another port with PORT (callsign serve: --port); PORT=0 picks a free one.\n',
      );
      assert.equal(served.stderr, started.stderr);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  test('migrate creates the schema once, lists the migrations, and is a no-op the second time', async () => {
    const database = `sqlite:${join(dir, 'migrate.sqlite')}`;
    const first = await runBin(['migrate', '--database-url', database], cliEnv());
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^Database\s+SQLite .+migrate\.sqlite$/m);
    assert.match(first.stdout, /^Applied now\s+0001-users-and-phone-numbers, /m);
    assert.match(first.stdout, /^MIGRATION\s+APPLIED AT$/m);
    const second = await runBin(['migrate', '--json'], cliEnv({ DATABASE_URL: database }));
    assert.equal(second.code, 0, second.stderr);
    const report = JSON.parse(second.stdout);
    assert.deepEqual(report.applied, []);
    assert.ok(report.migrations.length >= 1);
    assert.ok(report.migrations.every((m: { name: string; executedAt: number }) => typeof m.executedAt === 'number'));
    assert.equal(report.migrations[0].name, '0001-users-and-phone-numbers');
    const bad = await runBin(['migrate', '--database-url', 'mysql://x'], cliEnv());
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr, 'callsign: configuration error: DATABASE_URL must start with sqlite:, postgres:// or postgresql://\n');
  });

  test('migrate on PostgreSQL', { skip: testDatabaseUrl === undefined ? 'TEST_DATABASE_URL is not set: no PostgreSQL server to migrate' : false }, async () => {
    const database = await createTestDatabase(testDatabaseUrl!);
    try {
      const first = await runBin(['migrate', '--database-url', database.url, '--database-pool-size', '2', '--json'], cliEnv());
      assert.equal(first.code, 0, first.stderr);
      const report = JSON.parse(first.stdout);
      assert.match(report.database, new RegExp(`^PostgreSQL .+/${database.name}$`));
      assert.doesNotMatch(first.stdout, /postgres:\/\//, 'the URL (and any password in it) is not printed');
      assert.ok(report.applied.includes('0001-users-and-phone-numbers'));
      const second = JSON.parse((await runBin(['migrate', '--json'], cliEnv({ DATABASE_URL: database.url }))).stdout);
      assert.deepEqual(second.applied, []);
    } finally {
      await database.drop();
    }
  });

  test('sms inbox on a server without the development inbox says so, naming the code', async () => {
    const server = await startServer();
    try {
      const result = await runBin(['sms', 'inbox'], cliEnv({ CALLSIGN_URL: server.url, CALLSIGN_SECRET_KEY: server.key }));
      assert.equal(result.code, 1);
      assert.equal(result.stderr, 'callsign: resource_not_found: this server has no development inbox; it is served in development or with CALLSIGN_TEST_MODE=true\n');
    } finally {
      await server.close();
    }
  });
});
