import { randomBytes } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { errors } from '../domain/errors.js';
import { createIdGenerator } from '../domain/id.js';
import { createKeyedHasher } from '../domain/keyed-hash.js';
import type { Clock, Random } from '../domain/ports.js';
import { createPhoneNumberService } from '../service/phone-number.service.js';
import { createSecondFactorService } from '../service/second-factor.service.js';
import { createUserService } from '../service/user.service.js';
import { createVerificationService } from '../service/verification.service.js';
import { DEFAULT_VERIFICATION_SETTINGS, type VerificationSettings } from '../domain/verification.js';
import { createLogSmsSender } from '../sms/log-sms-sender.js';
import type { RetryPolicy } from '../sms/sms-delivery.js';
import type { SmsSender } from '../sms/sms-sender.js';
import type { Store } from '../store/database.js';
import { createAuthHook } from './auth.js';
import { clerkErrorsBody, createErrorHandler, sendError } from './error-handler.js';
import { registerHealthRoutes } from './health.routes.js';
import { registerJsonBodyParser } from './json-body.js';
import { registerOpenApi } from './openapi.js';
import { registerPhoneNumberRoutes } from './phone-number.routes.js';
import { registerSecondFactorRoutes } from './second-factor.routes.js';
import { registerUserRoutes } from './user.routes.js';
import { registerDevInboxRoutes } from './dev-inbox.routes.js';
import { registerVerificationRoutes } from './verification.routes.js';
import { createValidatorCompiler } from './validation.js';

export interface AppOptions {
  readonly store: Store;
  /** Accepted `Authorization: Bearer` keys; more than one allows rotation. */
  readonly secretKeys: readonly string[];
  /** Key for hashing one-time codes and backup codes (at least 32 bytes); kept out of the database. */
  readonly hashKey: Uint8Array;
  /** @default the system clock */
  readonly clock?: Clock;
  /** @default node:crypto's CSPRNG */
  readonly random?: Random;
  /** Pino logger options, or false for none. @default false */
  readonly logger?: FastifyServerOptions['logger'];
  /** Largest accepted request body. @default 1048576 */
  readonly bodyLimitBytes?: number;
  /** Where verification codes go (SMS_PROVIDER). @default the `log` sender (development inbox) */
  readonly sms?: SmsSender;
  /** Codes, test mode, send limits and country lists; unset fields take their defaults. @default DEFAULT_VERIFICATION_SETTINGS (test mode off) */
  readonly verification?: Partial<VerificationSettings>;
  /** Backoff of SMS retries after transient failures. @default 1 s doubling to 60 s */
  readonly smsRetry?: Partial<RetryPolicy>;
  /** Serve the development inbox, GET /v1/dev/sms_messages (development or test mode only). @default false */
  readonly devInbox?: boolean;
}

export const systemClock: Clock = { now: () => Date.now() };
/** Random bytes drawn from node:crypto this many at a time. */
const RANDOM_POOL_BYTES = 4096;

/**
 * node:crypto's CSPRNG, drawn 4 KiB at a time and handed out in slices, each
 * byte once: a call to randomBytes costs microseconds whatever its size (it
 * checks for a fork and takes a lock), and IDs draw 16 bytes per request.
 */
export const cryptoRandom: Random = (() => {
  let pool = Buffer.alloc(0);
  let offset = 0;
  return {
    bytes(length) {
      if (length > RANDOM_POOL_BYTES) return randomBytes(length);
      if (offset + length > pool.length) {
        pool = randomBytes(RANDOM_POOL_BYTES);
        offset = 0;
      }
      offset += length;
      return pool.subarray(offset - length, offset);
    },
  };
})();

/**
 * Trace ids: a random per-process prefix and a counter, 24 hex digits. Unique
 * across processes without drawing random bytes on every request.
 */
function createTraceIds(): () => string {
  const prefix = randomBytes(6).toString('hex');
  let counter = 0;
  return () => prefix + (counter++ % 2 ** 48).toString(16).padStart(12, '0');
}

/** A URL without its query string: query strings can hold phone numbers, which must not reach logs. */
const pathOf = (url: string): string => url.split('?')[0] ?? '';

/** Whether a logger at `level` writes the one line per request (info and below). */
const logsRequests = (level: string): boolean => ['info', 'debug', 'trace'].includes(level);

/** Builds the HTTP app around its collaborators; nothing here reads the environment. */
export async function createApp(options: AppOptions): Promise<FastifyInstance> {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? cryptoRandom;
  const bodyLimit = options.bodyLimitBytes ?? 1024 * 1024;
  const traceIds = createTraceIds();
  const app = Fastify({
    logger: options.logger ?? false,
    // One line per request is logged below, with the path but never the query.
    logController: new LogController({ disableRequestLogging: true }),
    // A child logger per request only pays when request lines are logged (info
    // and below); otherwise requests log through the root logger, and errors
    // carry their trace id themselves (error-handler.ts).
    childLoggerFactory: (logger, bindings, childOptions) =>
      logsRequests(logger.level) ? logger.child(bindings, childOptions) : logger,
    bodyLimit,
    genReqId: traceIds,
    routerOptions: { ignoreTrailingSlash: true },
    // Bytes that are not HTTP at all (a client writing a body without framing,
    // a port scanner) still get a ClerkErrors answer, then the connection closes.
    clientErrorHandler: (_error, socket) => {
      if (!socket.writable) return;
      const body = JSON.stringify(clerkErrorsBody(errors.requestInvalid(400, 'The request could not be parsed as HTTP/1.1.'), traceIds()));
      socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    },
    frameworkErrors: (error, request, reply) => {
      sendError(reply, errors.requestBodyInvalid(`The request could not be read: ${error.message}`), request.id);
    },
  });
  app.setValidatorCompiler(createValidatorCompiler());
  // Responses are serialized by hand (serialize.ts); response schemas only document them.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.setErrorHandler(createErrorHandler(bodyLimit, (error) => options.store.unavailable(error)));
  app.setNotFoundHandler((request, reply) => {
    sendError(reply, errors.routeNotFound(request.method, pathOf(request.url)), request.id);
  });
  registerJsonBodyParser(app);
  if (logsRequests(app.log.level)) {
    app.addHook('onResponse', (request, reply, done) => {
      request.log.info({ request: { method: request.method, path: pathOf(request.url) }, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request');
      done();
    });
  }

  const ctx = { store: options.store, clock, random, hasher: createKeyedHasher(options.hashKey), newId: createIdGenerator(clock, random) };
  // Before any route: the description is collected from routes as they are added.
  await registerOpenApi(app);
  registerHealthRoutes(app, options.store);
  const verifications = createVerificationService(ctx, {
    settings: { ...DEFAULT_VERIFICATION_SETTINGS, ...options.verification },
    sender: options.sms ?? createLogSmsSender(),
    log: app.log,
    ...(options.smsRetry === undefined ? {} : { retry: options.smsRetry }),
  });
  // Pending SMS retries stop (and are recorded abandoned) before the store closes.
  app.addHook('onClose', () => verifications.close());
  // Declared up front so every request object keeps one shape: a property
  // added later by a hook would make Fastify's request objects polymorphic.
  app.decorateRequest('secretKeyId', '');
  await app.register(
    async (v1) => {
      v1.addHook('onRequest', createAuthHook(options.secretKeys));
      registerPhoneNumberRoutes(v1, createPhoneNumberService(ctx));
      registerUserRoutes(v1, createUserService(ctx));
      registerSecondFactorRoutes(v1, createSecondFactorService(ctx));
      registerVerificationRoutes(v1, verifications);
      if (options.devInbox === true) registerDevInboxRoutes(v1, verifications);
    },
  );
  return app;
}
