import { decodeHealth, decodeJsonObject } from './decoders.js';
import { DevApi } from './dev-api.js';
import { PhoneNumbersApi } from './phone-numbers-api.js';
import { Transport, type FetchLike } from './transport.js';
import { UsersApi } from './users-api.js';

export interface CallsignOptions {
  /**
   * A secret key the server accepts (`CALLSIGN_SECRET_KEY` on Callsign; an
   * `sk_…` key on Clerk). Sent as `Authorization: Bearer <key>`.
   */
  readonly secretKey: string;
  /**
   * Where the API lives, with or without the trailing `/v1`: a Callsign
   * server such as `http://localhost:4000`, or Clerk's `https://api.clerk.com`.
   * @default 'http://127.0.0.1:4000'
   */
  readonly baseUrl?: string;
  /**
   * The `fetch` to send requests with.
   * @default globalThis.fetch
   */
  readonly fetch?: FetchLike;
  /**
   * Extra headers on every request (a tracing id, say). `Authorization`,
   * `Accept` and `Content-Type` are the client's own.
   * @default {}
   */
  readonly headers?: Readonly<Record<string, string>>;
}

/** The API root without `/v1` or trailing slashes; a URL that cannot be parsed fails here, not at the first call. */
/** Where a Callsign started with the defaults listens (HOST 127.0.0.1, PORT 4000). */
export const DEFAULT_BASE_URL = 'http://127.0.0.1:4000';

function apiRoot(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new TypeError(`Callsign: baseUrl must be an absolute http(s) URL, got "${baseUrl}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`Callsign: baseUrl must be http: or https:, got "${url.protocol}"`);
  if (url.search !== '' || url.hash !== '') throw new TypeError('Callsign: baseUrl must not carry a query or a fragment');
  return `${url.origin}${url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '')}`;
}

/**
 * The typed client for Callsign. Because Callsign speaks the phone-number and
 * user part of Clerk's Backend API on the wire, the same client also talks to
 * Clerk's API: point `baseUrl` at `https://api.clerk.com` and pass a Clerk
 * secret key (the `dev` tools, health checks and backup-code-only
 * `verifyTotp` semantics are Callsign's own).
 *
 * Inputs are camelCase and sent snake_case; answers are decoded and checked
 * into frozen camelCase models. Failures throw `CallsignApiError` (an error
 * answer), `CallsignDecodeError` (an answer of the wrong shape) or
 * `CallsignConnectionError` (no answer).
 *
 * @example
 * import { Callsign } from '@callsign/client';
 *
 * const callsign = new Callsign({ secretKey: process.env.CALLSIGN_SECRET_KEY!, baseUrl: 'http://localhost:4000' });
 * const user = await callsign.users.create({ firstName: 'Ada' });
 * const number = await callsign.phoneNumbers.create({ userId: user.id, phoneNumber: '+14155550101' });
 * const verification = await callsign.phoneNumbers.prepareVerification(number.id!);
 * const result = await callsign.phoneNumbers.attemptVerification(number.id!, { verificationId: verification.id, code: '424242' });
 */
export class Callsign {
  /** Users, their metadata and second factor: `/v1/users`. */
  readonly users: UsersApi;
  /** Phone numbers and their SMS verification: `/v1/phone_numbers`. */
  readonly phoneNumbers: PhoneNumbersApi;
  /** Development tools (the SMS inbox); Callsign only. */
  readonly dev: DevApi;
  /** The API root requests go to, e.g. `http://localhost:4000`. */
  readonly baseUrl: string;
  private readonly transport: Transport;

  constructor(options: CallsignOptions) {
    if (typeof options?.secretKey !== 'string' || options.secretKey.trim() === '') {
      throw new TypeError('Callsign: secretKey is required (a key from CALLSIGN_SECRET_KEY)');
    }
    const fetchImpl = options.fetch ?? (globalThis.fetch as FetchLike | undefined);
    if (typeof fetchImpl !== 'function') throw new TypeError('Callsign: no fetch available; pass one as options.fetch');
    this.baseUrl = apiRoot(options.baseUrl ?? DEFAULT_BASE_URL);
    this.transport = new Transport({
      baseUrl: this.baseUrl,
      secretKey: options.secretKey.trim(),
      // Called unbound: some fetch implementations refuse a `this` other than the global.
      fetch: (url, init) => fetchImpl(url, init),
      headers: Object.freeze({ ...options.headers }),
    });
    this.users = new UsersApi(this.transport);
    this.phoneNumbers = new PhoneNumbersApi(this.transport);
    this.dev = new DevApi(this.transport);
  }

  /**
   * Liveness (`GET /healthz`, Callsign only): answers once the server can serve.
   * @example
   * await callsign.health(); // { status: 'ok' }
   */
  health(): Promise<{ readonly status: string }> {
    return this.transport.request({ method: 'GET', path: '/healthz' }, decodeHealth);
  }

  /**
   * Readiness (`GET /readyz`, Callsign only): also checks the database; a 503 `CallsignApiError` when it does not answer.
   * @example
   * const { database } = await callsign.ready(); // 'sqlite' or 'postgres'
   */
  ready(): Promise<{ readonly status: string; readonly database?: string }> {
    return this.transport.request({ method: 'GET', path: '/readyz' }, decodeHealth);
  }

  /**
   * The server's OpenAPI 3.1 description (`GET /v1/openapi.json`, Callsign only), as parsed JSON.
   * @example
   * const document = await callsign.openApiDocument();
   * console.log(Object.keys(document.paths as object));
   */
  openApiDocument(): Promise<Readonly<Record<string, unknown>>> {
    return this.transport.request({ method: 'GET', path: '/v1/openapi.json' }, decodeJsonObject);
  }
}
