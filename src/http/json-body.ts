import { isUtf8 } from 'node:buffer';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../domain/errors.js';

/** Deeper JSON than any request needs; deeper input is refused before it can exhaust the stack. */
const MAX_DEPTH = 64;
const NUL = '\u0000';

/**
 * What every request's input must be, whatever the route: no NUL characters
 * (PostgreSQL text cannot hold them, so they would fail deep in a query), no
 * `__proto__` keys (they would pollute prototypes when objects are merged),
 * and JSON nested at most 64 deep. Returns the error naming the top-level
 * parameter at fault, or undefined.
 */
function inspect(value: unknown, param: string | undefined, depth: number): Error | undefined {
  if (typeof value === 'string') {
    return value.includes(NUL) ? errors.paramFormatInvalid(param ?? 'body', `${param ?? 'The body'} must not contain NUL characters.`) : undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  if (depth > MAX_DEPTH) return errors.requestBodyInvalid(`The request body is nested more than ${MAX_DEPTH} levels deep.`);
  if (Array.isArray(value)) {
    for (const item of value) {
      const error = inspect(item, param, depth + 1);
      if (error !== undefined) return error;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    if (key === '__proto__') return errors.paramUnknown(param === undefined ? key : `${param}.${key}`);
    if (key.includes(NUL)) return errors.paramFormatInvalid(param ?? key, `${param ?? 'Parameter names'} must not contain NUL characters.`);
    const error = inspect(item, param ?? key, depth + 1);
    if (error !== undefined) return error;
  }
  return undefined;
}

/**
 * JSON bodies, and the input rules every route shares:
 * - an empty body is no body, whatever its content type: the official client
 *   sends `Content-Type: application/json` with no body on calls without
 *   parameters, and Ruby's HTTP library adds
 *   `application/x-www-form-urlencoded` to a POST without one;
 * - a non-empty body must be JSON, in UTF-8: bytes that are not UTF-8 are
 *   refused, not stored as U+FFFD;
 * - no NUL characters, `__proto__` keys or over-deep nesting anywhere
 *   (see `inspect`), in the body, the query string or the path.
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    const bytes = body as Buffer;
    if (!isUtf8(bytes)) return done(errors.requestBodyInvalid('The request body is not valid UTF-8: send JSON encoded in UTF-8.'), undefined);
    const text = bytes.toString('utf8').trim();
    if (text === '') return done(null, undefined);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      const reason = error instanceof SyntaxError ? `is not valid JSON: ${error.message}` : 'could not be parsed';
      return done(errors.requestBodyInvalid(`The request body ${reason}.`), undefined);
    }
    const invalid = inspect(parsed, undefined, 0);
    if (invalid !== undefined) return done(invalid, undefined);
    done(null, parsed);
  });
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
    if ((body as Buffer).length === 0) return done(null, undefined);
    done(errors.requestBodyInvalid('Send the request body as JSON with Content-Type: application/json.'), undefined);
  });

  app.addHook('preValidation', (request: FastifyRequest, _reply, done) => {
    const invalid = inspect(request.params, undefined, 0) ?? inspect(request.query, undefined, 0);
    if (invalid !== undefined) return done(invalid);
    if (request.body === undefined && request.routeOptions.schema?.body !== undefined) request.body = {};
    done();
  });
}
