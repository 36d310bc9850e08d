import type { FastifyInstance } from 'fastify';
import { errors } from '../domain/errors.js';

/**
 * JSON bodies. An empty body counts as `{}`: the official client sends
 * `Content-Type: application/json` with no body on calls without parameters.
 * Keys that would pollute prototypes are refused outright.
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = (body as string).trim();
    if (text === '') return done(null, {});
    let parsed: unknown;
    try {
      parsed = JSON.parse(text, (key, value: unknown) => {
        if (key === '__proto__') {
          throw errors.paramUnknown(key);
        }
        return value;
      });
    } catch (error) {
      return done(
        error instanceof SyntaxError ? errors.requestBodyInvalid(`The request body is not valid JSON: ${error.message}`) : (error as Error),
        undefined,
      );
    }
    done(null, parsed);
  });
}
