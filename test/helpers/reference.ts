import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';

/**
 * Clerk's published Backend API description (MIT; a copy lives beside this
 * file), turned into validators: the wire contract every successful response
 * in the suites is checked against.
 */
const path = fileURLToPath(new URL('../../../test/reference/clerk-bapi-2026-05-12.yml', import.meta.url));
type Json = Record<string, unknown>;
const BASE = 'https://callsign.invalid/clerk-bapi';

let loaded: { doc: Json; ajv: Ajv } | undefined;

/** OpenAPI 3.0's `nullable` is not JSON Schema: rewrite it so ajv understands it. */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    if (key === 'discriminator' || key === 'example' || key === 'nullable' || key.startsWith('x-')) continue;
    out[key] = toJsonSchema(value);
  }
  if ((node as Json).nullable === true) {
    const combined = 'oneOf' in out || 'anyOf' in out || 'allOf' in out || '$ref' in out || 'enum' in out;
    if (combined || out.type === undefined) return { anyOf: [{ type: 'null' }, out] };
    return { ...out, type: [out.type, 'null'] };
  }
  return out;
}

function reference(): { doc: Json; ajv: Ajv } {
  if (loaded === undefined) {
    const doc = parse(readFileSync(path, 'utf8')) as Json;
    const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
    ajv.addSchema({ $id: BASE, components: toJsonSchema(doc.components) as Json });
    loaded = { doc, ajv };
  }
  return loaded;
}

const cache = new Map<string, ValidateFunction | null>();

/** The reference's path templates and methods. */
export function referenceOperations(): { path: string; method: string; operation: Json }[] {
  const paths = reference().doc.paths as Record<string, Record<string, Json>>;
  return Object.entries(paths).flatMap(([p, ops]) =>
    Object.entries(ops)
      .filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map(([method, operation]) => ({ path: p, method, operation })),
  );
}

function resolve(node: Json): Json {
  let current = node;
  while (typeof current.$ref === 'string') {
    const parts = current.$ref.replace(/^#\//, '').split('/');
    current = parts.reduce<Json>((acc, part) => acc[part] as Json, reference().doc);
  }
  return current;
}

/** The validator for a 200 response of `method` on a concrete `/v1/...` path, or null when the reference has none. */
export function responseValidator(method: string, concretePath: string): ValidateFunction | null {
  const bare = concretePath.replace(/^\/v1/, '').split('?')[0]!;
  const match = referenceOperations().find(
    (op) => op.method === method.toLowerCase() && new RegExp(`^${op.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(bare),
  );
  if (match === undefined) return null;
  const key = `${match.method} ${match.path}`;
  if (!cache.has(key)) {
    const responses = match.operation.responses as Record<string, Json>;
    const ok = responses['200'] === undefined ? undefined : resolve(responses['200']);
    const schema = (ok?.content as Record<string, Json> | undefined)?.['application/json']?.schema as Json | undefined;
    cache.set(key, schema === undefined ? null : reference().ajv.compile(toJsonSchema(rewriteRefs(schema)) as Json));
  }
  return cache.get(key)!;
}

/** Validator for one named component schema, e.g. `PhoneNumber`. */
export function schemaValidator(name: string): ValidateFunction {
  return reference().ajv.getSchema(`${BASE}#/components/schemas/${name}`)!;
}

function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node as Json).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' ? `${BASE}${v}` : rewriteRefs(v)]),
  );
}
