import { createApp } from './http/app.js';
import { ConfigError, loadConfig, parseHashKey } from './config.js';
import { loadOrCreateDevSecret, newDevHashKey, newDevSecretKey } from './dev-secrets.js';
import { openStore } from './store/open-store.js';

/** The composition root: the only place that reads the environment and picks implementations. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  let secretKeys = config.secretKeys;
  let generatedKey: string | undefined;
  if (secretKeys.length === 0) {
    generatedKey = loadOrCreateDevSecret(config.dataDir, 'dev-secret-key', newDevSecretKey);
    secretKeys = [generatedKey];
  }
  const hashKey = config.hashKey ?? parseHashKey(loadOrCreateDevSecret(config.dataDir, 'dev-hash-key', newDevHashKey))!;
  const store = await openStore(config.database);
  const app = await createApp({
    store,
    secretKeys,
    hashKey,
    logger: { level: config.logLevel },
    bodyLimitBytes: config.bodyLimitBytes,
  });

  let closing = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      app.log.error('in-flight requests did not finish within 10 s; exiting');
      process.exit(1);
    }, 10_000);
    timer.unref();
    await app.close();
    await store.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  const address = await app.listen({ host: config.host, port: config.port });
  const where = config.database.kind === 'sqlite' ? `SQLite ${config.database.path}` : 'PostgreSQL';
  app.log.info({ address, database: where, env: config.env }, 'Callsign is listening');
  if (generatedKey !== undefined) {
    // Printed on purpose, in development only, so a new user can make a first request.
    console.log(`Callsign ${config.env} secret key (kept in ${config.dataDir}): ${generatedKey}`);
    console.log(`Try: curl -H "Authorization: Bearer ${generatedKey}" ${address}/v1/users`);
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`callsign: configuration error: ${error.message}`);
  } else {
    console.error('callsign: failed to start:', error instanceof Error ? error.message : error);
  }
  process.exit(1);
});
