import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { createApp } from './http/app.js';
import { createServices } from './runtime/services.js';
import { createSmsSender } from './runtime/sms-sender.js';
import { parseHashKey, type Config } from './config.js';
import { loadOrCreateDevSecret, newDevHashKey, newDevSecretKey } from './dev-secrets.js';
import type { Store } from './store/database.js';
import { openStore } from './runtime/open-store.js';

export interface RunningCallsign {
  readonly app: FastifyInstance;
  readonly store: Store;
  /** http://host:port */
  readonly address: string;
  /** Set when development generated the secret key (printed at start so a new user can make a first request). */
  readonly generatedKey: string | undefined;
  /**
   * Graceful shutdown: stops accepting connections (requests arriving on
   * open keep-alive connections are answered 503 and the connection closed),
   * lets in-flight requests finish for up to `graceMs`, then cuts whatever is
   * still open and closes the store (the PostgreSQL pool or the SQLite
   * handle). Resolves true when every request finished in time.
   * @default graceMs config.shutdownGraceMs (CALLSIGN_SHUTDOWN_GRACE_MS, 10000)
   */
  close(graceMs?: number): Promise<boolean>;
}

/**
 * The composition root: turns a validated configuration into a listening
 * server. The only place that picks implementations (store, SMS sender,
 * clock and randomness through createServices' defaults) and builds the services.
 */
export async function startCallsign(config: Config): Promise<RunningCallsign> {
  let secretKeys = config.secretKeys;
  let generatedKey: string | undefined;
  if (secretKeys.length === 0) {
    generatedKey = loadOrCreateDevSecret(config.dataDir, 'dev-secret-key', newDevSecretKey);
    secretKeys = [generatedKey];
  }
  const hashKey = config.hashKey ?? parseHashKey(loadOrCreateDevSecret(config.dataDir, 'dev-hash-key', newDevHashKey))!;
  const store = await openStore(config.database);
  const app = await createApp({
    services: (log) =>
      createServices(
        { store, hashKey, sms: createSmsSender(config.sms), smsRetry: config.sms.retry, verification: config.verification },
        log,
      ),
    database: store,
    secretKeys,
    logger: { level: config.logLevel },
    bodyLimitBytes: config.bodyLimitBytes,
    timeouts: config.httpTimeouts,
    devInbox: config.devInbox,
  });
  const address = await app.listen({ host: config.host, port: config.port });
  const where = config.database.kind === 'sqlite' ? `SQLite ${config.database.path}` : 'PostgreSQL';
  app.log.info(
    { address, database: where, env: config.env, sms: config.sms.provider.kind, testMode: config.verification.testMode },
    'Callsign is listening',
  );
  return {
    app,
    store,
    address,
    generatedKey,
    async close(graceMs = config.shutdownGraceMs) {
      const closed = app.close();
      // Connections that finish their last request go at once, not at their keep-alive timeout.
      const sweep = setInterval(() => app.server.closeIdleConnections(), 50);
      const finished = await Promise.race([closed.then(() => true), sleep(graceMs, false, { ref: false })]);
      clearInterval(sweep);
      if (finished) {
        await store.close();
        return true;
      }
      app.log.error(`in-flight requests did not finish within ${graceMs} ms; closing their connections`);
      app.server.closeAllConnections();
      await closed;
      // A request cut off may still hold a pooled connection; don't wait long for it.
      await Promise.race([store.close(), sleep(1000, undefined, { ref: false })]);
      return false;
    },
  };
}
