import type { FastifyInstance } from 'fastify';
import { errors } from '../domain/errors.js';
import type { Store } from '../store/database.js';
import { sendJson } from './json-reply.js';

/** Liveness and readiness, without authentication, for load balancers and orchestrators. */
export function registerHealthRoutes(app: FastifyInstance, store: Pick<Store, 'dialect' | 'ready'>): void {
  app.get('/healthz', { schema: { hide: true } }, async (_request, reply) => sendJson(reply, 200, { status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      await store.ready();
    } catch {
      throw errors.unavailable('The database does not answer, or does not take writes (out of space, failing to write).');
    }
    return sendJson(reply, 200, { status: 'ok', database: store.dialect });
  });
}
