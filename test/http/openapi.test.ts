import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { CreatePhoneNumberBody, UpdatePhoneNumberBody } from '../../src/http/schemas/phone-number.schema.js';
import { CreateUserBody, ReplacePhoneNumberBody, UpdateUserBody } from '../../src/http/schemas/user.schema.js';
import { checked, createApi, type Api } from '../helpers/api.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { storeFactories } from '../helpers/stores.js';

type Json = Record<string, any>;

/**
 * A schema as JSON, the way it is served: TypeBox's symbols dropped, and a
 * record's catch-all `patternProperties` written as `additionalProperties`
 * (@fastify/swagger does so; the two mean the same).
 */
const asJson = (schema: unknown): Json =>
  JSON.parse(JSON.stringify(schema), (_key, value: unknown) => {
    const record = value as Json | null;
    if (record === null || typeof record !== 'object' || record.patternProperties?.['^(.*)$'] === undefined) return value;
    const { patternProperties, ...rest } = record;
    return { ...rest, additionalProperties: patternProperties['^(.*)$'] };
  }) as Json;

/** Validators for the served document's own schemas: what the description promises, checked on real answers. */
function describedBy(document: Json): (method: string, path: string, status: '200' | '4XX') => (body: unknown) => string | null {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  const base = 'https://callsign.invalid/openapi.json';
  ajv.addSchema({ $id: base, components: document.components });
  const rebase = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rebase);
    if (node === null || typeof node !== 'object') return node;
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' ? `${base}${v}` : rebase(v)]));
  };
  return (method, path, status) => {
    const schema = document.paths[path]?.[method.toLowerCase()]?.responses?.[status]?.content?.['application/json']?.schema;
    assert.ok(schema !== undefined, `the description has no ${status} schema for ${method} ${path}`);
    const validate = ajv.compile(rebase(schema) as Json);
    return (body) => (validate(body) ? null : ajv.errorsText(validate.errors));
  };
}

for (const storeFactory of storeFactories()) {
  describe(`the served OpenAPI description and /docs (${storeFactory.name})`, () => {
    let server: TestServer;
    let api: Api;
    let document: Json;
    before(async () => {
      server = await startServer({ storeFactory, devInbox: true, verification: { testMode: true } });
      // Every answer checked on the wire: Content-Type, 200s against the reference schema, errors as ClerkErrors.
      api = checked(createApi(server));
      document = (await (await fetch(`${server.url}/v1/openapi.json`)).json()) as Json;
    });
    after(() => server.close());

    test('GET /v1/openapi.json answers without authentication, as OpenAPI 3.1 JSON', async () => {
      for (const headers of [{}, { authorization: 'Bearer wrong' }] as Record<string, string>[]) {
        const res = await fetch(`${server.url}/v1/openapi.json`, { headers });
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('content-type'), 'application/json');
        const doc = (await res.json()) as Json;
        assert.equal(doc.openapi, '3.1.0');
        assert.equal(doc.info.title, 'Callsign');
        assert.match(doc.info.version, /^\d+\.\d+\.\d+/);
        assert.deepEqual(doc.security, [{ bearerAuth: [] }]);
        assert.deepEqual(doc.components.securitySchemes.bearerAuth, { type: 'http', scheme: 'bearer', description: 'A secret key from CALLSIGN_SECRET_KEY.' });
      }
    });

    test('the document is built once, when the app is ready, and served from memory', async () => {
      const texts = await Promise.all([1, 2, 3].map(async () => (await fetch(`${server.url}/v1/openapi.json`)).text()));
      assert.equal(new Set(texts).size, 1);
      assert.equal(server.app.swagger(), server.app.swagger());
    });

    test('request bodies are the very schemas that validate requests', () => {
      const body = (path: string, method: string): Json => document.paths[path][method].requestBody.content['application/json'].schema;
      assert.deepEqual(body('/phone_numbers', 'post'), asJson(CreatePhoneNumberBody));
      assert.deepEqual(body('/phone_numbers/{phone_number_id}', 'patch'), asJson(UpdatePhoneNumberBody));
      assert.deepEqual(body('/users', 'post'), asJson(CreateUserBody));
      assert.deepEqual(body('/users/{user_id}', 'patch'), asJson(UpdateUserBody));
      assert.deepEqual(body('/users/{user_id}/phone_number', 'put'), asJson(ReplacePhoneNumberBody));
    });

    test('named models are components referenced by $ref, as in Clerk description, with no leftover $id', () => {
      for (const name of ['PhoneNumber', 'User', 'verification_otp', 'verification_admin', 'IdentificationLink', 'DeletedObject', 'ClerkErrors', 'ClerkError']) {
        assert.ok(document.components.schemas[name], `components.schemas.${name}`);
      }
      assert.deepEqual(document.paths['/phone_numbers'].post.responses['200'].content['application/json'].schema, { $ref: '#/components/schemas/PhoneNumber' });
      assert.deepEqual(document.paths['/users'].get.responses['200'].content['application/json'].schema, {
        type: 'array',
        items: { $ref: '#/components/schemas/User' },
      });
      const text = JSON.stringify(document);
      assert.doesNotMatch(text, /"\$id"|x-callsign-schema|"def-\d+"/);
      for (const [, ref] of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) assert.ok(document.components.schemas[ref!], `dangling $ref ${ref}`);
    });

    test('every operation has a unique operationId and a tag; internal routes are left out', () => {
      const ids: string[] = [];
      for (const [path, item] of Object.entries(document.paths as Json)) {
        for (const [method, operation] of Object.entries(item as Json)) {
          assert.equal(typeof operation.operationId, 'string', `${method} ${path}`);
          assert.ok(operation.tags?.length > 0, `${method} ${path}: tags`);
          ids.push(operation.operationId);
        }
      }
      assert.equal(new Set(ids).size, ids.length, 'operationIds are unique');
      for (const hidden of ['/healthz', '/readyz', '/openapi.json', '/v1/openapi.json', '/docs', '/docs/json']) {
        assert.equal(document.paths[hidden], undefined, hidden);
      }
      assert.deepEqual(
        document.tags.map((tag: Json) => tag.name),
        ['Users', 'Phone Numbers', 'Development'],
      );
    });

    test('every operation has a summary and a description; every parameter and every request-body field, a description', () => {
      const missing: string[] = [];
      const operations = Object.entries(document.paths as Json).flatMap(([path, item]) =>
        Object.entries(item as Json).map(([method, operation]) => [`${method.toUpperCase()} ${path}`, operation as Json] as const),
      );
      assert.ok(operations.length >= 19, `${operations.length} operations`);
      const described = (text: unknown): boolean => typeof text === 'string' && text.trim().length >= 10;
      for (const [name, operation] of operations) {
        if (!described(operation.summary)) missing.push(`${name}: summary`);
        if (!described(operation.description)) missing.push(`${name}: description`);
        for (const parameter of (operation.parameters ?? []) as Json[]) {
          if (!described(parameter.description)) missing.push(`${name}: ${parameter.in} parameter ${parameter.name}`);
        }
        const body = operation.requestBody?.content?.['application/json']?.schema as Json | undefined;
        for (const [field, schema] of Object.entries((body?.properties ?? {}) as Json)) {
          if (!described((schema as Json).description)) missing.push(`${name}: body field ${field}`);
        }
      }
      assert.deepEqual(missing, []);
      // The development inbox is described too, under its own tag, while it is served.
      const inbox = document.paths['/dev/sms_messages'].get;
      assert.equal(inbox.operationId, 'ListDevSmsMessages');
      assert.deepEqual(inbox.tags, ['Development']);
      assert.deepEqual(inbox.parameters.map((p: Json) => p.name).sort(), ['limit', 'offset', 'phone_number']);
    });

    test('a server without the development inbox describes neither it nor its tag', async () => {
      const plain = await startServer({ storeFactory });
      try {
        const doc = (await (await fetch(`${plain.url}/v1/openapi.json`)).json()) as Json;
        assert.equal(doc.paths['/dev/sms_messages'], undefined);
        assert.deepEqual(
          doc.tags.map((tag: Json) => tag.name),
          ['Users', 'Phone Numbers'],
        );
      } finally {
        await plain.close();
      }
    });

    test('real answers match the schemas the description gives them', async () => {
      const schemaOf = describedBy(document);
      const check = (method: string, path: string, status: '200' | '4XX', body: unknown): void => {
        assert.equal(schemaOf(method, path, status)(body), null, `${method} ${path} ${status}: ${JSON.stringify(body)}`);
      };
      const user = await api('POST', '/v1/users', { body: { first_name: 'Ada', phone_number: ['+14155550101'], public_metadata: { plan: 'pro' } } });
      check('POST', '/users', '200', user.body);
      check('GET', '/users/{user_id}', '200', (await api('GET', `/v1/users/${user.body.id}`)).body);
      check('GET', '/users', '200', (await api('GET', '/v1/users?limit=5')).body);
      check('GET', '/users/count', '200', (await api('GET', '/v1/users/count')).body);
      const number = await api('POST', '/v1/phone_numbers', { body: { user_id: user.body.id, phone_number: '+14155550123' } });
      check('POST', '/phone_numbers', '200', number.body);
      const prepared = await api('POST', `/v1/phone_numbers/${number.body.id}/prepare_verification`);
      check('POST', '/phone_numbers/{phone_number_id}/prepare_verification', '200', prepared.body);
      const attempted = await api('POST', `/v1/phone_numbers/${number.body.id}/attempt_verification`, {
        body: { verification_id: prepared.body.id, code: '424242' },
      });
      check('POST', '/phone_numbers/{phone_number_id}/attempt_verification', '200', attempted.body);
      const otpNumber = await api('GET', `/v1/phone_numbers/${number.body.id}`);
      assert.equal(otpNumber.body.verification.object, 'verification_otp');
      check('GET', '/phone_numbers/{phone_number_id}', '200', otpNumber.body);
      const reserved = await api('PATCH', `/v1/phone_numbers/${number.body.id}`, { body: { reserved_for_second_factor: true } });
      check('PATCH', '/phone_numbers/{phone_number_id}', '200', reserved.body);
      check('POST', '/users/{user_id}/verify_totp', '200', (await api('POST', `/v1/users/${user.body.id}/verify_totp`, { body: { code: reserved.body.backup_codes[0] } })).body);
      check('DELETE', '/users/{user_id}/backup_code', '200', (await api('DELETE', `/v1/users/${user.body.id}/backup_code`)).body);
      check('DELETE', '/users/{user_id}/mfa', '200', (await api('DELETE', `/v1/users/${user.body.id}/mfa`)).body);
      check('PATCH', '/users/{user_id}/metadata', '200', (await api('PATCH', `/v1/users/${user.body.id}/metadata`, { body: { public_metadata: { a: 1 } } })).body);
      check('PUT', '/users/{user_id}/phone_number', '200', (await api('PUT', `/v1/users/${user.body.id}/phone_number`, { body: { phone_number: '+14155550124' } })).body);
      check('DELETE', '/users/{user_id}', '200', (await api('DELETE', `/v1/users/${user.body.id}`)).body);
      check('GET', '/users/{user_id}', '4XX', (await api('GET', `/v1/users/${user.body.id}`)).body);
      check('POST', '/phone_numbers', '4XX', (await api('POST', '/v1/phone_numbers', { body: {} })).body);
    });

    test('/docs is a readable API reference, served without authentication and without a CDN', async () => {
      const page = await fetch(`${server.url}/docs`);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
      const html = await page.text();
      assert.match(html, /<title>Callsign API reference<\/title>/);
      assert.match(html, /swagger-ui-bundle\.js/);
      assert.doesNotMatch(html, /https?:\/\//, 'every asset comes from this server');
      for (const asset of ['swagger-ui-bundle.js', 'swagger-ui.css', 'swagger-initializer.js']) {
        const res = await fetch(`${server.url}/docs/static/${asset}`);
        assert.equal(res.status, 200, asset);
        await res.arrayBuffer();
      }
      // The page reads the same document.
      assert.deepEqual(await (await fetch(`${server.url}/docs/json`)).json(), document);
    });

    test('/docs carries no framework branding: no logo, no favicons of its own, no top bar to explore other documents', async () => {
      const html = await (await fetch(`${server.url}/docs`)).text();
      assert.doesNotMatch(html, /logo|favicon-(16|32)x(16|32)\.png|explore|petstore/i);
      const icon = html.match(/<link rel="icon" type="image\/svg\+xml" href="([^"]+)"/);
      assert.ok(icon !== null, 'Callsign icon');
      const iconRes = await fetch(`${server.url}${icon[1]}`);
      assert.equal(iconRes.status, 200);
      assert.doesNotMatch(await iconRes.text(), /fastify|swagger/i);
      // The page's script: Swagger UI's BaseLayout (the reference alone; StandaloneLayout adds the top bar with the
      // framework's logo and a field to explore another document's URL), and no logo image put in the top bar's place.
      const script = await (await fetch(`${server.url}/docs/static/swagger-initializer.js`)).text();
      const config = JSON.parse(script.match(/const config = (\{.*\})\n/)![1]!) as Json;
      assert.equal(config.layout, 'BaseLayout');
      assert.doesNotMatch(script, /data:image|topbar/);
      assert.match(script, /validatorUrl: null/, 'no badge from an outside validator');
    });
  });
}
