import assert from 'node:assert/strict';
import { responseValidator } from './reference.js';

export interface ApiResponse<T = any> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
  readonly text: string;
}

export interface RequestOptions {
  /** Sent as is when a string, as JSON otherwise. */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** @default the server's key; null sends no Authorization header. */
  readonly key?: string | null;
}

/**
 * A small HTTP client for the suites: it sends JSON and reads the answer as
 * JSON (an empty body as undefined), and checks nothing else. A suite that
 * wants every answer checked on the wire says so with `checked(api)`.
 */
export function createApi(base: { url: string; key: string }) {
  return async function api<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    const key = options.key === undefined ? base.key : options.key;
    if (key !== null) headers.authorization = `Bearer ${key}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${base.url}${path}`, { method, headers, body });
    const text = await response.text();
    const parsed = text === '' ? undefined : (JSON.parse(text) as T);
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  };
}

export type Api = ReturnType<typeof createApi>;

/**
 * `api`, with every answer checked on the wire: `Content-Type:
 * application/json` exactly (but for HEAD), a 200 whose route the reference
 * describes valid against the reference schema, and any error (4xx, 5xx) a
 * ClerkErrors body. A drifting field or header then fails whichever test
 * met it, so a suite that wants this says so where it takes its `api`.
 */
export function checked(api: Api): Api {
  return async function checkedApi<T = any>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>> {
    const response = await api<T>(method, path, options);
    assertMatchesReference(method, path, response);
    return response;
  };
}

/** The checks `checked` makes, for one answer to `method path`. */
function assertMatchesReference(method: string, path: string, response: ApiResponse): void {
  if (method !== 'HEAD') assert.equal(response.headers.get('content-type'), 'application/json', `${method} ${path}: content-type`);
  if (response.status === 200) {
    const validate = responseValidator(method, path);
    if (validate !== null && !validate(response.body)) {
      assert.fail(`${method} ${path}: response does not match the reference schema: ${JSON.stringify(validate.errors, null, 1)}`);
    }
  } else if (response.status >= 400) {
    assertClerkErrors(response.body, `${method} ${path}`);
  }
}

/** Every error body is ClerkErrors with a code, messages and a trace id. */
export function assertClerkErrors(body: any, where: string): void {
  assert.ok(Array.isArray(body?.errors) && body.errors.length > 0, `${where}: errors[] missing in ${JSON.stringify(body)}`);
  for (const e of body.errors) {
    assert.equal(typeof e.code, 'string', where);
    assert.equal(typeof e.message, 'string', where);
    assert.equal(typeof e.long_message, 'string', where);
  }
  assert.equal(typeof body.clerk_trace_id, 'string', where);
}

/** Asserts one Clerk error with this status, code and (when given) parameter name. */
export function assertError(response: ApiResponse, status: number, code: string, paramName?: string): void {
  assert.equal(response.status, status, `status, body: ${response.text}`);
  assert.equal(response.body.errors[0].code, code, response.text);
  if (paramName !== undefined) assert.equal(response.body.errors[0].meta?.param_name, paramName, response.text);
}
