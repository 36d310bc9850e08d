import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { assertClerkErrors, checked, createApi, type Api } from '../helpers/api.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { storeFactories } from '../helpers/stores.js';

/** Sends raw bytes, for requests fetch() refuses to make; resolves within `ms` or fails. */
function raw(server: TestServer, method: string, path: string, body: string | Buffer | undefined, headers: Record<string, string>, ms = 5000): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${method} ${path} hung for ${ms} ms`)), ms);
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers: { authorization: `Bearer ${server.key}`, ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }), ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text });
      });
    });
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end(body);
  });
}

/** No input, however malformed, produces a 5xx, a stack trace or a hang — on every store. */
for (const storeFactory of storeFactories()) describe(`malformed input (${storeFactory.name})`, () => {
  let server: TestServer;
  let api: Api;
  let userId: string;
  before(async () => {
    server = await startServer({ storeFactory });
    // Every answer checked on the wire: Content-Type, 200s against the reference schema, errors as ClerkErrors.
    api = checked(createApi(server));
    userId = (await api('POST', '/v1/users', { body: {} })).body.id;
  });
  after(() => server.close());

  const expectClean = (res: { status: number; text: string }, where: string): any => {
    assert.ok(res.status >= 400 && res.status < 500, `${where}: status ${res.status} ${res.text}`);
    assert.doesNotMatch(res.text, /\bat \S+ \(|node_modules|\.js:\d+/, `${where}: leaks a stack trace`);
    const body = JSON.parse(res.text);
    assertClerkErrors(body, where);
    return body;
  };

  test('bad JSON, non-object bodies and wrong content types', async () => {
    const cases: [string, Record<string, string>, number, string][] = [
      ['{"user_id": ', { 'content-type': 'application/json' }, 400, 'request_body_invalid'],
      ['{"a":1}}', { 'content-type': 'application/json' }, 400, 'request_body_invalid'],
      ['[]', { 'content-type': 'application/json' }, 400, 'request_body_invalid'],
      ['"text"', { 'content-type': 'application/json' }, 400, 'request_body_invalid'],
      ['null', { 'content-type': 'application/json' }, 400, 'request_body_invalid'],
      ['42', { 'content-type': 'application/json' }, 400, 'request_body_invalid'],
      ['user_id=1', { 'content-type': 'application/x-www-form-urlencoded' }, 400, 'request_body_invalid'],
      ['<xml/>', { 'content-type': 'text/xml' }, 400, 'request_body_invalid'],
      ['{"__proto__": {"admin": true}}', { 'content-type': 'application/json' }, 422, 'form_param_unknown'],
    ];
    for (const [body, headers, status, code] of cases) {
      const res = await raw(server, 'POST', '/v1/phone_numbers', body, headers);
      const parsed = expectClean(res, body);
      assert.equal(res.status, status, `${body}: ${res.text}`);
      assert.equal(parsed.errors[0].code, code, body);
      assert.equal(res.headers['content-type'], 'application/json');
    }
  });

  test('a body over the limit is 413 request_body_too_large', async () => {
    const res = await raw(server, 'POST', '/v1/users', JSON.stringify({ first_name: 'x'.repeat(2 * 1024 * 1024) }), { 'content-type': 'application/json' });
    assert.equal(res.status, 413);
    assert.equal(expectClean(res, 'huge').errors[0].code, 'request_body_too_large');
  });

  test('huge strings, odd unicode and wrong types in every field', async () => {
    const values: unknown[] = [
      'x'.repeat(100_000),
      '\u0000',
      '\ud800',
      '🙂'.repeat(1000),
      '+1\u200b415\u200b555\u200b0100',
      '＋１４１５５５５０１００',
      -1,
      1e308,
      true,
      [],
      {},
      [[[[[]]]]],
      { nested: { deep: 'x'.repeat(10_000) } },
    ];
    for (const value of values) {
      for (const body of [
        { user_id: value, phone_number: '+14155550100' },
        { user_id: userId, phone_number: value },
        { user_id: userId, phone_number: '+14155550100', verified: value },
      ]) {
        const res = await api('POST', '/v1/phone_numbers', { body });
        if (res.status !== 200) expectClean(res, JSON.stringify(body).slice(0, 80));
      }
      for (const body of [{ first_name: value }, { phone_number: [value] }, { phone_number: value }, { public_metadata: value }, { external_id: value }]) {
        const res = await api('POST', '/v1/users', { body });
        if (res.status !== 200) expectClean(res, JSON.stringify(body).slice(0, 80));
      }
    }
  });

  test('bad ids, bad paths, bad query strings and wrong methods', async () => {
    const paths = [
      '/v1/phone_numbers/%00',
      '/v1/phone_numbers/..%2F..%2Fetc%2Fpasswd',
      `/v1/phone_numbers/${'a'.repeat(5000)}`,
      '/v1/users/%E0%A4%A',
      "/v1/users/user_1'%20OR%20'1'%3D'1",
      '/v1/users?limit=1e3',
      '/v1/users?limit=%00',
      '/v1/users?offset=99999999999999999999',
      '/v1/users?phone_number=%F0%9F%99%82',
      `/v1/users?query=${'%25'.repeat(200)}`,
      `/v1/users?${'user_id=x&'.repeat(150)}`,
      '/v1/users?order_by[]=x',
      '/v1/%',
      '/v1/users/count?limit=5',
    ];
    for (const path of paths) {
      const res = await raw(server, 'GET', path, undefined, {});
      if (res.status !== 200) expectClean(res, path);
      else assert.ok(Array.isArray(JSON.parse(res.text)) || JSON.parse(res.text).object !== undefined, path);
    }
    for (const [method, path] of [
      ['PUT', '/v1/phone_numbers'],
      ['DELETE', '/v1/users'],
      ['POST', '/v1/users/count'],
      ['PATCH', '/v1/users'],
      ['TRACE', '/v1/users'],
      ['GET', '/v2/users'],
    ] as const) {
      const res = await raw(server, method, path, method === 'GET' || method === 'TRACE' ? undefined : '{}', { 'content-type': 'application/json' });
      const body = expectClean(res, `${method} ${path}`);
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.equal(body.errors[0].code, 'resource_not_found');
    }
  });

  test('bytes that are not HTTP get a ClerkErrors 400 and a closed connection', async () => {
    const url = new URL(server.url);
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => socket.write('GARBAGE / NOT-HTTP\r\n\r\n'));
      let received = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (received += chunk));
      socket.on('end', () => resolve(received));
      socket.on('error', reject);
      socket.setTimeout(5000, () => reject(new Error('no answer to garbage')));
    });
    assert.match(text, /^HTTP\/1\.1 400 /);
    assert.match(text, /\r\nContent-Type: application\/json\r\n/);
    assertClerkErrors(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)), 'garbage');
  });

  test('NUL characters anywhere are a 422 naming the parameter, never a database error', async () => {
    const cases: [string, string, unknown, string][] = [
      ['POST', '/v1/users', { first_name: 'a\u0000b' }, 'first_name'],
      ['POST', '/v1/users', { public_metadata: { note: ['x', 'y\u0000'] } }, 'public_metadata'],
      ['POST', '/v1/phone_numbers', { user_id: 'u\u0000', phone_number: '+14155550100' }, 'user_id'],
      ['GET', '/v1/users?query=%00', undefined, 'query'],
      ['GET', '/v1/users?external_id=a%00', undefined, 'external_id'],
      ['GET', '/v1/users/count?phone_number=%00', undefined, 'phone_number'],
      ['GET', '/v1/users/user_%00x', undefined, 'user_id'],
      ['DELETE', '/v1/phone_numbers/idn_%00', undefined, 'phone_number_id'],
    ];
    for (const [method, path, body, param] of cases) {
      const res = await raw(server, method, path, body === undefined ? undefined : JSON.stringify(body), { 'content-type': 'application/json' });
      const parsed = expectClean(res, `${method} ${path}`);
      assert.equal(res.status, 422, `${method} ${path}: ${res.text}`);
      assert.equal(parsed.errors[0].code, 'form_param_format_invalid');
      assert.equal(parsed.errors[0].meta.param_name, param);
    }
  });

  test('JSON nested thousands deep is a 400, not a stack overflow', async () => {
    const deep = `{"public_metadata":{"a":${'['.repeat(5000)}${']'.repeat(5000)}}}`;
    const res = await raw(server, 'POST', '/v1/users', deep, { 'content-type': 'application/json' });
    assert.equal(res.status, 400);
    assert.equal(expectClean(res, 'deep').errors[0].code, 'request_body_invalid');
    const fine = await api('POST', '/v1/users', { body: { public_metadata: { a: { b: { c: [[1]] } } } } });
    assert.equal(fine.status, 200);
  });

  test('a body-less request without a content type counts as {}', async () => {
    const res = await raw(server, 'POST', '/v1/users', undefined, {});
    assert.equal(res.status, 200, res.text);
    assert.equal(JSON.parse(res.text).object, 'user');
    const patched = await raw(server, 'PATCH', `/v1/users/${JSON.parse(res.text).id}`, undefined, {});
    assert.equal(patched.status, 200, patched.text);
  });

  test('bytes that are not UTF-8 in a JSON body: 400 request_body_invalid, nothing stored', async () => {
    const count = async (): Promise<number> => (await api('GET', '/v1/users/count')).body.total_count;
    const before = await count();
    for (const bytes of [Buffer.from([0x7b, 0x22, 0x66, 0x69, 0x72, 0x73, 0x74, 0x5f, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), Buffer.concat([Buffer.from('{"first_name":"A'), Buffer.from([0xc3]), Buffer.from('"}')])]) {
      const res = await raw(server, 'POST', '/v1/users', bytes, { 'content-type': 'application/json' });
      assert.equal(res.status, 400, res.text);
      assert.equal(expectClean(res, 'invalid UTF-8').errors[0].code, 'request_body_invalid');
    }
    assert.equal(await count(), before, 'nothing was stored as U+FFFD');
    const accented = await api('POST', '/v1/users', { body: { first_name: 'Zoë 🙂' } });
    assert.equal(accented.body.first_name, 'Zoë 🙂', 'valid UTF-8 is kept as sent');
  });

  test('an over-long URL or header: 431 request_header_fields_too_large (ClerkErrors), connection closed', async () => {
    for (const [path, headers] of [
      [`/v1/users?query=${'a'.repeat(20_000)}`, {}],
      ['/v1/users', { 'x-padding': 'b'.repeat(20_000) }],
    ] as const) {
      const res = await raw(server, 'GET', path, undefined, headers);
      assert.equal(res.status, 431, res.text);
      assert.equal(res.headers.connection, 'close');
      assert.equal(expectClean(res, 'long').errors[0].code, 'request_header_fields_too_large');
    }
  });

  test('the authorization scheme is case-insensitive (RFC 7235); the key is not', async () => {
    for (const scheme of ['bearer', 'BEARER', 'bEaReR']) {
      assert.equal((await api('GET', `/v1/users/${userId}`, { key: null, headers: { authorization: `${scheme} ${server.key}` } })).status, 200, scheme);
    }
    const wrongCase = await api('GET', `/v1/users/${userId}`, { key: null, headers: { authorization: `Bearer ${server.key.toUpperCase()}` } });
    assert.equal(wrongCase.status, 401);
    assert.equal((await api('GET', `/v1/users/${userId}`, { key: null, headers: { authorization: `Basic ${server.key}` } })).status, 401);
  });

  test("an empty body is no body, whatever its content type: the exact bytes Ruby's Net::HTTP sends to prepare_verification", async () => {
    const number = await api('POST', '/v1/phone_numbers', { body: { user_id: userId, phone_number: '+14155550142' } });
    assert.equal(number.status, 200, number.text);
    const { hostname, port } = new URL(server.url);
    const request =
      `POST /v1/phone_numbers/${number.body.id}/prepare_verification HTTP/1.1\r\n` +
      'Accept-Encoding: gzip;q=1.0,deflate;q=0.6,identity;q=0.3\r\n' +
      'Accept: */*\r\n' +
      'User-Agent: Ruby\r\n' +
      `Authorization: Bearer ${server.key}\r\n` +
      'Connection: close\r\n' +
      `Host: ${hostname}:${port}\r\n` +
      'Content-Type: application/x-www-form-urlencoded\r\n' +
      'Content-Length: 0\r\n\r\n';
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => socket.write(request));
      let received = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (received += chunk));
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
    });
    assert.match(text, /^HTTP\/1\.1 200 /, text);
    const verification = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4));
    assert.equal(verification.object, 'verification_otp');
    assert.equal(verification.status, 'unverified');
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await raw(server, 'POST', '/v1/users', '', { 'content-type': contentType });
      assert.equal(res.status, 200, `${contentType}: ${res.text}`);
    }
    const refused = await raw(server, 'POST', '/v1/users', 'first_name=Ada', { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(refused.status, 400);
    assert.equal(expectClean(refused, 'form body').errors[0].code, 'request_body_invalid');
  });

  test("GET /v1/users/count takes the list's paging parameters, as Clerk's Go SDK sends them, and still refuses unknown ones", async () => {
    const total = (await api('GET', '/v1/users/count')).body.total_count;
    const paged = await api('GET', '/v1/users/count?limit=1&offset=2&order_by=-created_at&starting_after=user_none');
    assert.equal(paged.status, 200, paged.text);
    assert.equal(paged.body.total_count, total, 'the paging parameters change nothing');
    const unknown = await api('GET', '/v1/users/count?page=2');
    assert.equal(unknown.status, 422);
    assert.equal(unknown.body.errors[0].code, 'form_param_unknown');
    assert.equal(unknown.body.errors[0].meta.param_name, 'page');
  });

  test('the server still answers after all of that', async () => {
    const res = await api('GET', `/v1/users/${userId}`);
    assert.equal(res.status, 200);
    assert.equal((await api('GET', '/healthz', { key: null })).status, 200);
    assert.equal((await api('GET', '/readyz', { key: null })).status, 200);
  });
});
