import { readFileSync } from 'node:fs';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

/** Where the served description and the reference page live; both answer without authentication. */
const OPENAPI_PATH = '/v1/openapi.json';
const DOCS_PATH = '/docs';

type Json = Record<string, unknown>;

const DESCRIPTION = [
  "Callsign keeps users' phone numbers, verifies them by SMS one-time codes, locks them to one owner,",
  "reserves them as second factors and issues backup codes. Its HTTP API speaks the phone-number and user",
  "part of Clerk's Backend API on the wire: snake_case JSON, Unix-millisecond timestamps, prefixed IDs and",
  'ClerkErrors bodies (`{"errors":[{"message","long_message","code","meta"}],"clerk_trace_id"}`).',
  '',
  'Every route under /v1 needs `Authorization: Bearer <secret key>`. This description is generated from the',
  'same schemas that validate requests, so it cannot drift from what the server accepts.',
].join('\n');

/** The reference page's icon: a handset in Callsign's colours, nothing of the framework's. */
const FAVICON = [
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">',
  '<rect width="32" height="32" rx="7" fill="#1e3a5f"/>',
  '<path fill="#fff" d="M11.6 7.5c.6-.2 1.3.1 1.6.7l1.6 3.4c.3.6.1 1.3-.4 1.7l-1.6 1.2c1 2.1 2.6 3.8 4.7 4.8l1.2-1.6c.4-.5 1.1-.7 1.7-.4l3.4 1.6c.6.3.9 1 .7 1.6l-.7 2.4c-.2.7-.9 1.2-1.6 1.1C14.6 23.4 8.6 17.4 8 9.8c-.1-.7.4-1.4 1.1-1.6z"/>',
  '</svg>',
].join('');

function packageVersion(): string {
  // dist/src/http/openapi.js → the repository's package.json; a missing file must not stop the server.
  try {
    const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof manifest.version === 'string' ? manifest.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Marks a named (`$id`) schema so that @fastify/swagger inlines it untouched and `liftNamedSchemas` can find it. */
const NAME_MARK = 'x-callsign-schema';

/** A copy of a route schema with every `$id` turned into a mark; the route's own schema (used for validation) is not touched. */
function markNamedSchemas(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(markNamedSchemas);
  if (!isObject(node)) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) out[key === '$id' ? NAME_MARK : key] = markNamedSchemas(value);
  return out;
}

/**
 * Every schema that carries an `$id` in the code (PhoneNumber, User,
 * ClerkErrors, …) becomes a named component referenced by `$ref`, as in
 * Clerk's own description, so the document reads like the reference and each
 * model is described once.
 */
function liftNamedSchemas(document: Json): Json {
  const components = isObject(document.components) ? document.components : {};
  const schemas: Json = isObject(components.schemas) ? { ...components.schemas } : {};
  const lift = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(lift);
    if (!isObject(node)) return node;
    const out: Json = {};
    for (const [key, value] of Object.entries(node)) if (key !== NAME_MARK) out[key] = lift(value);
    const name = node[NAME_MARK];
    if (typeof name !== 'string') return out;
    schemas[name] ??= out;
    return { $ref: `#/components/schemas/${name}` };
  };
  const paths = lift(document.paths) as Json;
  // A 200 without a schema description reads "Default Response"; Clerk's description says "Success".
  for (const item of Object.values(paths)) {
    for (const operation of Object.values(item as Json)) {
      const ok = ((operation as Json).responses as Json | undefined)?.['200'] as Json | undefined;
      if (ok?.description === 'Default Response') ok.description = 'Success';
    }
  }
  const sorted = Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b)));
  // A tag no served operation uses (Development, when the inbox is not served) is left out.
  const used = new Set(Object.values(paths).flatMap((item) => Object.values(item as Json).flatMap((operation) => ((operation as Json).tags as string[] | undefined) ?? [])));
  const tags = Array.isArray(document.tags) ? { tags: (document.tags as Json[]).filter((tag) => used.has(tag.name as string)) } : {};
  return { ...document, ...tags, paths, components: { ...components, schemas: sorted } };
}

/**
 * Registers the OpenAPI 3.1 description (GET /v1/openapi.json) and the API
 * reference page (GET /docs), both without authentication. Must run before
 * any route is added: @fastify/swagger collects routes as they are
 * registered. Nothing is added to the request path of other routes; the
 * document is built once, when the app is ready, and served from memory.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Callsign',
        version: packageVersion(),
        description: DESCRIPTION,
        license: { name: 'MIT', identifier: 'MIT' },
      },
      // Paths are written as in Clerk's description (/users, /phone_numbers/{id}) under the /v1 base.
      servers: [{ url: '/v1', description: 'This Callsign server' }],
      tags: [
        { name: 'Users', description: 'Users: a user needs no identifier to exist and holds phone numbers.' },
        { name: 'Phone Numbers', description: 'Phone numbers: E.164, one claimed owner, verification, second factor.' },
        { name: 'Development', description: "Callsign's own, not Clerk's: served only in development or with test mode on." },
      ],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'A secret key from CALLSIGN_SECRET_KEY.' },
        },
      },
      security: [{ bearerAuth: [] }],
    },
    transform: ({ schema, url }) => ({ schema: markNamedSchemas(schema) as typeof schema, url }),
    transformObject: (documentObject) =>
      'openapiObject' in documentObject ? (liftNamedSchemas(documentObject.openapiObject as Json) as typeof documentObject.openapiObject) : documentObject.swaggerObject,
  });

  await app.register(swaggerUi, {
    routePrefix: DOCS_PATH,
    // The page and its assets are served by the app itself (no CDN): it works offline. It reads the same document at /docs/json.
    // BaseLayout: the reference alone, without Swagger UI's top bar (its logo and the bar to explore another document's URL).
    uiConfig: { deepLinking: true, docExpansion: 'list', defaultModelsExpandDepth: 1, layout: 'BaseLayout' },
    theme: {
      title: 'Callsign API reference',
      // Callsign's icon instead of the framework's favicons.
      favicon: [{ filename: 'callsign.svg', rel: 'icon', type: 'image/svg+xml', sizes: 'any', content: FAVICON }],
    },
    // No logo: without this, @fastify/swagger-ui puts Fastify's in the top bar's place (null means none, though its types omit it).
    logo: null as unknown as undefined,
  });

  // Bytes, so Fastify sends the content type exactly as set (see json-reply.ts).
  let body: Buffer | undefined;
  const documentText = (): Buffer => (body ??= Buffer.from(JSON.stringify(app.swagger())));
  // Built at start: a schema that cannot be described fails the start, not a later request.
  app.addHook('onReady', async () => {
    documentText();
  });
  app.get(OPENAPI_PATH, { schema: { hide: true } }, async (_request, reply) =>
    reply.code(200).header('content-type', 'application/json').header('cache-control', 'no-cache').send(documentText()),
  );
}
