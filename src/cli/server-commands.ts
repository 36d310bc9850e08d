import { EXIT, parse, printHelp, type Command, type Context } from './command.js';
import { details, json, table, time } from './output.js';
import { SETTINGS, environmentWith, settingOptions, settingsHelp } from './settings.js';

// The server and the database drivers are imported only by these two
// commands, so the client commands start fast and need neither.

/** Starts the server from the settings, or says why it cannot: the same text and exit code as `npm start` (src/main.ts). */
async function start(env: NodeJS.ProcessEnv, ctx: Context): Promise<{ config: import('../config.js').Config; running: import('../server.js').RunningCallsign } | number> {
  const { loadConfig, startFailure } = await import('../config.js');
  try {
    const config = loadConfig(env);
    const { startCallsign } = await import('../server.js');
    return { config, running: await startCallsign(config) };
  } catch (error) {
    const { exitCode, message } = startFailure(error);
    ctx.io.err(message);
    return exitCode;
  }
}

/** Resolves on the first SIGINT or SIGTERM, or when `signal` aborts (tests). */
function stopRequested(signal?: AbortSignal): Promise<string> {
  return new Promise((resolve) => {
    const stop = (why: string) => (): void => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(why);
    };
    const onInt = stop('SIGINT');
    const onTerm = stop('SIGTERM');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
    signal?.addEventListener('abort', stop('abort'), { once: true });
  });
}

export const serve: Command & { stop?: AbortSignal } = {
  name: 'serve',
  summary: 'Run the Callsign server',
  help: `Usage: callsign serve [settings]

Runs Callsign, like \`npm start\`. Every setting is an environment variable
with the same meaning; a flag wins over its variable. Prefer the environment
for secrets: other users of the machine can read flags in the process list.
Stops gracefully on SIGINT or SIGTERM.

${settingsHelp(SETTINGS)}

  -h, --help    Show this help

Example:
  callsign serve --port 4000 --database-url sqlite:./data/callsign.sqlite`,
  async run(args, ctx) {
    const { values } = parse(this.name, args, { ...settingOptions(SETTINGS), help: { type: 'boolean', short: 'h' } });
    if (values.help) return printHelp(ctx, this);
    const started = await start(environmentWith(ctx.env, SETTINGS, values), ctx);
    if (typeof started === 'number') return started;
    const { config, running } = started;
    if (running.generatedKey !== undefined) {
      // Printed on purpose, in development only, so a new user can make a first request.
      ctx.io.out(`Callsign ${config.env} secret key (kept in ${config.dataDir}): ${running.generatedKey}\n`);
    }
    ctx.io.out(`Callsign is listening on ${running.address} (API reference: ${running.address}/docs)\n`);
    const why = await stopRequested(this.stop);
    running.app.log.info({ signal: why }, 'shutting down');
    // Bounded by CALLSIGN_SHUTDOWN_GRACE_MS (server.ts), as under `npm start`.
    if (!(await running.close())) {
      ctx.io.err(`callsign: in-flight requests did not finish within ${config.shutdownGraceMs} ms; their connections were closed\n`);
      return EXIT.failed;
    }
    return EXIT.ok;
  },
};

const MIGRATE_SETTINGS = SETTINGS.filter((s) => s.migrate === true);

/** Where the data is, without a PostgreSQL URL's password. */
function describeDatabase(database: import('../config.js').DatabaseConfig): string {
  if (database.kind === 'sqlite') return `SQLite ${database.path}`;
  const url = new URL(database.url);
  return `PostgreSQL ${url.host}${url.pathname}`;
}

export const migrate: Command = {
  name: 'migrate',
  summary: 'Create or update the database schema, then exit',
  help: `Usage: callsign migrate [settings]

Brings the database schema up to date and lists the migrations. The server
also does this at every start; run it on its own to migrate before deploying
new processes.

${settingsHelp(MIGRATE_SETTINGS)}

  --json        Print JSON
  -h, --help    Show this help`,
  async run(args, ctx: Context) {
    const { values } = parse(this.name, args, { ...settingOptions(MIGRATE_SETTINGS), json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
    if (values.help) return printHelp(ctx, this);
    const env = environmentWith(ctx.env, MIGRATE_SETTINGS, values);
    const { ConfigError, parseDatabaseUrl, startFailure } = await import('../config.js');
    let database: import('../config.js').DatabaseConfig;
    try {
      database = parseDatabaseUrl(env.DATABASE_URL, env);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      // Worded as `npm start` and `callsign serve` word a bad setting.
      const { exitCode, message } = startFailure(error);
      ctx.io.err(message);
      return exitCode;
    }
    const [{ openStore }, { migrateToLatest }, { migrationProvider }, { Migrator }] = await Promise.all([
      import('../runtime/open-store.js'),
      import('../store/migrate.js'),
      import('../store/migrations/index.js'),
      import('kysely'),
    ]);
    const started = Date.now();
    const store = await openStore(database);
    try {
      // Opening a store migrates it already; asking again is a no-op that keeps this command right if that ever changes.
      await migrateToLatest(store.db as never);
      const migrations = await new Migrator({ db: store.db, provider: migrationProvider }).getMigrations();
      const rows = migrations.map((m) => ({ name: m.name, executedAt: m.executedAt?.getTime() ?? null, appliedNow: (m.executedAt?.getTime() ?? 0) >= started }));
      const applied = rows.filter((r) => r.appliedNow).map((r) => r.name);
      if (values.json) {
        ctx.io.out(json({ database: describeDatabase(database), applied, migrations: rows.map(({ name, executedAt }) => ({ name, executedAt })) }));
      } else {
        ctx.io.out(
          details([
            ['Database', describeDatabase(database)],
            ['Applied now', applied.length === 0 ? 'none (already up to date)' : applied.join(', ')],
          ]) +
            '\n' +
            table(['MIGRATION', 'APPLIED AT'], rows.map((r) => [r.name, time(r.executedAt)])),
        );
      }
      return EXIT.ok;
    } finally {
      await store.close();
    }
  },
};
