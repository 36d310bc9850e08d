import { randomBytes } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { errors, type CallsignError } from '../domain/errors.js';
import type { Services } from '../runtime/services.js';
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
import { DEFAULT_BODY_LIMIT_BYTES, DEFAULT_HTTP_TIMEOUTS, type HttpTimeouts } from './limits.js';
import { createValidatorCompiler } from './validation.js';

export interface AppOptions {
  /** The use cases, built by the composition root once the app's logger exists (SMS delivery logs through it). */
  readonly services: (log: FastifyBaseLogger) => Services;
  /** What of the database HTTP sees: readiness, and which errors mean "unavailable" (503). */
  readonly database: Pick<Store, 'dialect' | 'ready' | 'unavailable'>;
  /** Accepted `Authorization: Bearer` keys; more than one allows rotation. */
  readonly secretKeys: readonly string[];
  /** Pino logger options, or false for none. @default false */
  readonly logger?: FastifyServerOptions['logger'];
  /** Largest accepted request body. @default DEFAULT_BODY_LIMIT_BYTES */
  readonly bodyLimitBytes?: number;
  /** Serve the development inbox, GET /v1/dev/sms_messages (development or test mode only). @default false */
  readonly devInbox?: boolean;
  /** How long a client may take to send a request, and keep an idle connection. @default DEFAULT_HTTP_TIMEOUTS */
  readonly timeouts?: Partial<HttpTimeouts>;
}

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
function clientErrorOf(error: Error & { code?: string }): CallsignError {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return errors.requestTimeout();
    case 'HPE_HEADER_OVERFLOW':
      return errors.requestHeadersTooLarge();
    default:
      return errors.requestInvalid(400, 'The request could not be parsed as HTTP/1.1.');
  }
}

/** A URL without its query string: query strings can hold phone numbers, which must not reach logs. */
const pathOf = (url: string): string => url.split('?')[0] ?? '';

/** Whether a logger at `level` writes the one line per request (info and below). */
const logsRequests = (level: string): boolean => ['info', 'debug', 'trace'].includes(level);

/** Builds the HTTP app around the services it is given; it builds none, and nothing here reads the environment. */
export async function createApp(options: AppOptions): Promise<FastifyInstance> {
  const bodyLimit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
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
  app.setErrorHandler(createErrorHandler(bodyLimit, (error) => options.database.unavailable(error)));
  app.setNotFoundHandler((request, reply) => {
    sendError(reply, errors.routeNotFound(request.method, pathOf(request.url)), request.id);
  });
  registerJsonBodyParser(app);
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
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

  // Before any route: the description is collected from routes as they are added.
  await registerOpenApi(app);
  registerHealthRoutes(app, options.database);
  const services = options.services(app.log);
  // Pending SMS retries stop (and are recorded abandoned) before the store closes.
  app.addHook('onClose', () => services.close());
  // Declared up front so every request object keeps one shape: a property
  // added later by a hook would make Fastify's request objects polymorphic.
  app.decorateRequest('secretKeyId', '');
  await app.register(
    async (v1) => {
      v1.addHook('onRequest', createAuthHook(options.secretKeys));
      registerPhoneNumberRoutes(v1, services.phoneNumbers);
      registerUserRoutes(v1, services.users);
      registerSecondFactorRoutes(v1, services.secondFactor);
      registerVerificationRoutes(v1, services.verifications);
      if (options.devInbox === true) registerDevInboxRoutes(v1, services.verifications);
    },
  );
  return app;
}
