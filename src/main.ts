import { loadConfig, startFailure } from './config.js';
import { startCallsign } from './server.js';

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
    running.app.log.info({ signal, graceMs: config.shutdownGraceMs }, 'shutting down');
    // Whatever happens in close, the process ends soon after the grace period.
    setTimeout(() => process.exit(1), config.shutdownGraceMs + 3000).unref();
    const finished = await running.close();
    process.exit(finished ? 0 : 1);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  // The same text and exit code as `callsign serve` (src/cli/server-commands.ts).
  const { exitCode, message } = startFailure(error);
  process.stderr.write(message, () => process.exit(exitCode));
});
