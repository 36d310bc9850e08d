import { Ajv, type Options } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';

/**
 * Two validators: bodies are JSON and are taken exactly as sent (no
 * coercion: `"yes"` is not a boolean); query strings are text, so numbers and
 * single values of list parameters are coerced from it.
 */
export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const common: Options = { allErrors: false, useDefaults: true, removeAdditional: false, strict: false };
  const body = new Ajv({ ...common, coerceTypes: false });
  const text = new Ajv({ ...common, coerceTypes: 'array' });
  return ({ schema, httpPart }) => (httpPart === 'body' ? body : text).compile(schema as object) as ReturnType<FastifySchemaCompiler<unknown>>;
}
