import type { IncomingHttpHeaders } from 'node:http';
import type { ErrorObject } from 'ajv';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { CallsignError, errors } from '../domain/errors.js';
import { StoreBusyError } from '../store/database.js';
import { sendJson } from './json-reply.js';

/** Per-route configuration the error mapping reads. */
export interface RouteErrorConfig {
  /** Parameters Clerk accepts on this route that Callsign does not implement. */
  readonly unsupported?: readonly string[];
}

// Routes set it as `config`; plugins (@fastify/swagger) add fields to the
// same interface, so it must be declared to type-check.
declare module 'fastify' {
  interface FastifyContextConfig extends RouteErrorConfig {}
}

type Context = 'body' | 'querystring' | 'params' | 'headers';

function paramOf(error: ErrorObject): string | undefined {
  const first = error.instancePath.split('/')[1];
  if (error.keyword === 'required') return [first, (error.params as { missingProperty: string }).missingProperty].filter(Boolean).join('.');
  if (error.keyword === 'additionalProperties') {
    return [first, (error.params as { additionalProperty: string }).additionalProperty].filter(Boolean).join('.');
  }
  return first === undefined ? undefined : decodeURIComponent(first.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const TYPE_NAMES: Record<string, string> = { integer: 'an integer', boolean: 'a boolean (true or false)', string: 'a string', array: 'an array', object: 'a JSON object', number: 'a number' };

function describeType(type: unknown): string {
  const types = (Array.isArray(type) ? type : [type]).filter((t) => t !== 'null').map((t) => TYPE_NAMES[String(t)] ?? String(t));
  return types.join(' or ') + (Array.isArray(type) && type.includes('null') ? ' or null' : '');
}

/** Maps the first schema violation of a request to the Clerk error a caller can act on. */
function validationError(error: ErrorObject, context: Context, config: RouteErrorConfig): CallsignError {
  const param = paramOf(error);
  if (param === undefined || param === '') {
    return context === 'body'
      ? errors.requestBodyInvalid('The request body must be a JSON object.')
      : errors.requestBodyInvalid(`The request ${context} is invalid.`);
  }
  switch (error.keyword) {
    case 'required':
      return errors.paramMissing(param);
    case 'additionalProperties':
      return config.unsupported?.includes(param) ? errors.paramUnsupported(param) : errors.paramUnknown(param);
    case 'type':
      return errors.paramFormatInvalid(param, `${param} must be ${describeType((error.params as { type: unknown }).type)}.`);
    case 'enum':
      return errors.paramValueInvalid(
        param,
        `${param} must be one of: ${(error.params as { allowedValues: unknown[] }).allowedValues.map(String).join(', ')}.`,
      );
    default:
      return errors.paramValueInvalid(param, `${param} ${error.message ?? 'is invalid'}.`);
  }
}

/** Turns anything thrown while serving a request into a Callsign error; unknown errors become a 500 without details. */
export function toCallsignError(
  error: unknown,
  config: RouteErrorConfig = {},
  bodyLimit = 0,
  databaseUnavailable: (error: unknown) => boolean = () => false,
): CallsignError {
  if (error instanceof CallsignError) return error;
  if (error instanceof StoreBusyError) return errors.databaseBusy(error.attempts);
  const fastifyError = error as Partial<FastifyError> & { validationContext?: Context };
  if (Array.isArray(fastifyError.validation) && fastifyError.validation.length > 0) {
    return validationError(fastifyError.validation[0] as ErrorObject, fastifyError.validationContext ?? 'body', config);
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return errors.requestBodyTooLarge(bodyLimit);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return errors.requestBodyInvalid('Send the request body as JSON with Content-Type: application/json.');
  }
  const status = fastifyError.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return errors.requestInvalid(status, fastifyError.message ?? 'The request is invalid.');
  }
  if (databaseUnavailable(error)) {
    return errors.unavailable('The database could not serve the request (unreachable, locked, out of space, or failing to write). Retry later; a change answered so may or may not have been kept.');
  }
  return errors.internal();
}

/** The ClerkErrors body for one error: the wire shape every error response has. */
export function clerkErrorsBody(error: CallsignError, traceId: string): Record<string, unknown> {
  return {
    errors: [
      {
        message: error.message,
        long_message: error.longMessage,
        code: error.code,
        meta: error.paramName === undefined ? {} : { param_name: error.paramName },
      },
    ],
    clerk_trace_id: traceId,
  };
}

/** Whether a request announces a body (one without is complete once its headers are read). */
const hasBody = (headers: IncomingHttpHeaders): boolean =>
  headers['transfer-encoding'] !== undefined || (headers['content-length'] !== undefined && headers['content-length'] !== '0');

export function sendError(reply: FastifyReply, error: CallsignError, traceId: string): FastifyReply {
  if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
  // Only an error can be answered before the whole body arrived (a 401 before
  // the body, a 413): the connection closes then, as reading on would let the
  // client hold it.
  const request = reply.request.raw;
  if (!request.complete && hasBody(request.headers)) reply.header('connection', 'close');
  return sendJson(reply, error.status, clerkErrorsBody(error, traceId));
}

/**
 * What of an unexpected error reaches the log: its kind, message, code,
 * constraint and stack, but not driver fields such as PostgreSQL's `detail`,
 * which quotes the values (phone numbers) of the row at fault.
 */
function loggable(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const { code, constraint } = error as Error & { code?: unknown; constraint?: unknown };
  return { type: error.name, message: error.message, code, constraint, stack: error.stack };
}

/** The one place errors become ClerkErrors bodies. */
export function createErrorHandler(bodyLimit: number, databaseUnavailable: (error: unknown) => boolean) {
  return function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const mapped = toCallsignError(error, (request.routeOptions.config ?? {}) as RouteErrorConfig, bodyLimit, databaseUnavailable);
    // A 503 is a condition that passes (a database away, a full disk), not a bug: no stack.
    if (mapped.status === 503) request.log.warn({ reqId: request.id, err: { code: (error as { code?: unknown }).code, message: (error as Error).message } }, 'request answered 503');
    else if (mapped.status >= 500) request.log.error({ reqId: request.id, err: loggable(error) }, 'request failed');
    return sendError(reply, mapped, request.id);
  };
}
