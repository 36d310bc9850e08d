import { ConfigError, loadConfig } from './config.js';
import { startCallsign } from './server.js';

/** How long in-flight requests may take to finish after SIGTERM or SIGINT. */
const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const running = await startCallsign(config);
  if (running.generatedKey !== undefined) {
    // Printed on purpose, in development only, so a new user can make a first request.
    console.log(`Callsign ${config.env} secret key (kept in ${config.dataDir}): ${running.generatedKey}`);
    console.log(`Try: curl -H "Authorization: Bearer ${running.generatedKey}" ${running.address}/v1/users`);
  }

  let closing = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (closing) return;
    closing = true;
    running.app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      running.app.log.error(`in-flight requests did not finish within ${SHUTDOWN_GRACE_MS} ms; exiting`);
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    timer.unref();
    await running.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`callsign: configuration error: ${error.message}`);
  } else {
    console.error('callsign: failed to start:', error instanceof Error ? error.message : error);
  }
  process.exit(1);
});
