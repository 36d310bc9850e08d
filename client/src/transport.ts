import { decodeBody, type Decoder } from './decode.js';
import { CallsignApiError, CallsignConnectionError, CallsignDecodeError, type ClerkApiErrorEntry } from './errors.js';

/** The subset of `fetch` the client uses; hand in your own to add retries, tracing, or to call an app in-process. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** A query-string value; arrays are sent as repeated keys (`phone_number=a&phone_number=b`), as Clerk expects. */
export type QueryValue = string | number | boolean | readonly string[] | undefined;

export interface RequestSpec {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The path below the API root, e.g. `/v1/users`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, QueryValue>>;
  /** Sent as JSON; `undefined` sends no body. */
  readonly body?: Readonly<Record<string, unknown>>;
}

export interface TransportOptions {
  readonly baseUrl: string;
  readonly secretKey: string;
  readonly fetch: FetchLike;
  readonly headers: Readonly<Record<string, string>>;
}

/** Encodes one path segment: ids come from callers and must not change the path. */
export const segment = (value: string): string => encodeURIComponent(value);

/** Seconds from a `Retry-After` header: either delta-seconds or an HTTP date. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

function errorEntries(body: unknown): readonly ClerkApiErrorEntry[] {
  const list = (body as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(list)) return [];
  // Lenient on purpose: an error answer must surface as an error even when it is oddly shaped.
  return Object.freeze(
    list
      .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string')
      .map((e) => {
        const rawMeta = typeof e.meta === 'object' && e.meta !== null ? (e.meta as Record<string, unknown>) : {};
        const { param_name, ...rest } = rawMeta;
        return Object.freeze({
          code: e.code as string,
          message: typeof e.message === 'string' ? e.message : '',
          longMessage: typeof e.long_message === 'string' ? e.long_message : undefined,
          meta: Object.freeze(typeof param_name === 'string' ? { ...rest, paramName: param_name } : rest),
        });
      }),
  );
}

/** Sends one request, turns failures into typed errors and decodes the answer. */
export class Transport {
  constructor(private readonly options: TransportOptions) {}

  url(spec: Pick<RequestSpec, 'path' | 'query'>): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(spec.query ?? {})) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const item of value) params.append(key, item);
      else params.append(key, String(value));
    }
    const query = params.toString();
    return `${this.options.baseUrl}${spec.path}${query === '' ? '' : `?${query}`}`;
  }

  async request<T>(spec: RequestSpec, decode: Decoder<T>): Promise<T> {
    const url = this.url(spec);
    const request = `${spec.method} ${spec.path}`;
    const headers: Record<string, string> = { ...this.options.headers, accept: 'application/json', authorization: `Bearer ${this.options.secretKey}` };
    if (spec.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    let text: string;
    try {
      response = await this.options.fetch(url, { method: spec.method, headers, body: spec.body === undefined ? undefined : JSON.stringify(spec.body) });
      text = await response.text();
    } catch (error) {
      throw new CallsignConnectionError(`${spec.method} ${url}`, error);
    }
    let body: unknown;
    let parsed = true;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = false;
    }
    if (!response.ok) {
      throw new CallsignApiError({
        status: response.status,
        statusText: response.statusText,
        errors: parsed ? errorEntries(body) : [],
        clerkTraceId: parsed && typeof (body as { clerk_trace_id?: unknown })?.clerk_trace_id === 'string' ? (body as { clerk_trace_id: string }).clerk_trace_id : undefined,
        retryAfter: parseRetryAfter(response.headers.get('retry-after')),
        request,
      });
    }
    if (!parsed) throw new CallsignDecodeError('(body)', 'JSON', text.slice(0, 80), request);
    return decodeBody(decode, body, request);
  }
}
