import type { AddressInfo } from 'node:net';
import { after, before } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createApp, type AppOptions } from '../../src/http/app.js';
import { createServices, type ServiceParts } from '../../src/runtime/services.js';
import type { Clock } from '../../src/domain/ports.js';
import type { Store } from '../../src/store/database.js';
import { createApi, type Api } from './api.js';
import { sqliteFile, type StoreFactory } from './stores.js';

export const TEST_SECRET_KEY = 'sk_test_callsign_suite_key_0123456789';
export const TEST_HASH_KEY = Buffer.alloc(32, 7);

export interface TestServer {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly key: string;
  readonly store: Store;
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

/** What a suite may set: the services' parts (clock, SMS sender, settings) and the app's options. */
export interface StartOptions extends Partial<Omit<ServiceParts, 'store'>>, Partial<Omit<AppOptions, 'services' | 'database'>> {
  /** @default the SQLite file store */
  readonly storeFactory?: StoreFactory;
  readonly clock?: Clock;
}

/** A real Callsign on a real loopback port and a real database: what the suites talk to. */
export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  const store = await (options.storeFactory ?? sqliteFile).open();
  // Composed as server.ts composes it: the services from their parts, the app around them.
  const { storeFactory: _factory, clock, random, sms, verification, smsRetry, hashKey, ...appOptions } = options;
  const parts: ServiceParts = { store, hashKey: hashKey ?? TEST_HASH_KEY, clock, random, sms, verification, smsRetry };
  const app = await createApp({ secretKeys: [TEST_SECRET_KEY], ...appOptions, services: (log) => createServices(parts, log), database: store });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    key: TEST_SECRET_KEY,
    store,
    app,
    async close() {
      await app.close();
      await store.close();
    },
  };
}

/**
 * The suite's server: started before the enclosing suite's tests and closed
 * after them. `api` may be taken at once (it finds the server when called);
 * `server` is there once the tests run.
 */
export function useServer(options: StartOptions = {}): { readonly server: TestServer; readonly api: Api } {
  let running: TestServer | undefined;
  const current = (): TestServer => {
    if (running === undefined) throw new Error('useServer: the server starts in before(), so use it inside tests');
    return running;
  };
  before(async () => {
    running = await startServer(options);
  });
  after(() => running?.close());
  return {
    get server() {
      return current();
    },
    api: createApi({
      get url() {
        return current().url;
      },
      get key() {
        return current().key;
      },
    }),
  };
}
