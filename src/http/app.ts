import { randomBytes } from 'node:crypto';
import { STATUS_CODES, type IncomingHttpHeaders } from 'node:http';
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
import { DEFAULT_HTTP_TIMEOUTS, type HttpTimeouts } from './timeouts.js';
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
  /** How long a client may take to send a request, and keep an idle connection. @default DEFAULT_HTTP_TIMEOUTS */
  readonly timeouts?: Partial<HttpTimeouts>;
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

/** The refusal for a request node:http could not take. */
function clientErrorOf(error: Error & { code?: string }): ReturnType<typeof errors.requestInvalid> {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return errors.requestTimeout();
    case 'HPE_HEADER_OVERFLOW':
      return errors.requestHeadersTooLarge();
    default:
      return errors.requestInvalid(400, 'The request could not be parsed as HTTP/1.1.');
  }
}

/** Whether a request announces a body (a request without one is complete once its headers are read). */
const hasBody = (headers: IncomingHttpHeaders): boolean =>
  headers['transfer-encoding'] !== undefined || (headers['content-length'] !== undefined && headers['content-length'] !== '0');

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
  const timeouts = { ...DEFAULT_HTTP_TIMEOUTS, ...options.timeouts };
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
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    http: {
      headersTimeout: Math.min(timeouts.headersMs, timeouts.requestMs),
      // How often node:http looks for expired requests; its default (30 s) would let one overstay by that much.
      connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(Math.min(timeouts.headersMs, timeouts.requestMs) / 4))),
    },
    // Requests that arrive while closing are answered below, as ClerkErrors.
    return503OnClosing: false,
    genReqId: traceIds,
    routerOptions: { ignoreTrailingSlash: true },
    // What node:http refuses before a route sees it (bytes that are not HTTP,
    // headers too large, a request not sent in time) still gets a ClerkErrors
    // answer, unless part of an answer already went out; then the connection closes.
    clientErrorHandler: (error, socket) => {
      const response = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
      if (socket.writable && response?.headersSent !== true) {
        const refusal = clientErrorOf(error);
        const body = JSON.stringify(clerkErrorsBody(refusal, traceIds()));
        socket.end(
          `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      } else socket.destroy();
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
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  // Closes the connection after an answer sent before the whole body arrived
  // (a 401 before the body, a 413): reading on would let the client hold it.
  app.addHook('onSend', (request, reply, payload, done) => {
    if (!request.raw.complete && hasBody(request.headers)) reply.header('connection', 'close');
    done(null, payload);
  });
  // Once closing, a request that still arrives on an open connection (idle
  // ones are closed as they become idle: server.ts) is refused as ClerkErrors
  // with Retry-After, and its connection closed. Answers in flight keep their
  // connection open, so that requests pipelined behind them get this answer
  // rather than none.
  app.addHook('onRequest', (request, reply, done) => {
    if (!closing) return done();
    reply.header('connection', 'close');
    sendError(reply, errors.unavailable('Callsign is shutting down. Retry the request; another instance, or this one after its restart, will answer it.'), request.id);
  });
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
