/** One entry of a ClerkErrors body, camelCased like `@clerk/backend`'s `ClerkAPIError`. */
export interface ClerkApiErrorEntry {
  /** Clerk's stable error code, e.g. `form_identifier_exists`, `resource_not_found`, `too_many_requests`. */
  readonly code: string;
  /** A short message. */
  readonly message: string;
  /** A sentence meant for a developer. */
  readonly longMessage: string | undefined;
  /** `paramName` names the request parameter at fault; other keys are kept as sent. */
  readonly meta: { readonly paramName?: string; readonly [key: string]: unknown };
}

/**
 * Thrown for every non-2xx answer. Its fields match `@clerk/backend`'s
 * `ClerkAPIResponseError` (`status`, `errors`, `clerkTraceId`, `retryAfter`),
 * so code that handles one can handle the other.
 *
 * @example
 * try {
 *   await callsign.phoneNumbers.create({ userId, phoneNumber: '+14155550101', verified: true });
 * } catch (error) {
 *   if (error instanceof CallsignApiError && error.code === 'form_identifier_exists') {
 *     // another user already holds the number
 *   }
 * }
 */
export class CallsignApiError extends Error {
  override readonly name = 'CallsignApiError';
  /** The HTTP status, e.g. 401, 404, 422, 429. */
  readonly status: number;
  /** The ClerkErrors entries; empty when the body was not ClerkErrors (a proxy's HTML page, say). */
  readonly errors: readonly ClerkApiErrorEntry[];
  /** `clerk_trace_id` of the body: quote it when reporting a problem. */
  readonly clerkTraceId: string | undefined;
  /** Seconds to wait before retrying, from the `Retry-After` header (429 and 503). */
  readonly retryAfter: number | undefined;
  /** The request that failed, e.g. `POST /v1/phone_numbers`. */
  readonly request: string;

  constructor(init: {
    readonly status: number;
    readonly errors: readonly ClerkApiErrorEntry[];
    readonly clerkTraceId?: string | undefined;
    readonly retryAfter?: number | undefined;
    readonly request: string;
    readonly statusText?: string;
  }) {
    const first = init.errors[0];
    const what = first === undefined ? `HTTP ${init.status}${init.statusText ? ` ${init.statusText}` : ''}` : `${first.code}: ${first.longMessage ?? first.message}`;
    super(`${what} (${init.request} answered ${init.status})`);
    this.status = init.status;
    this.errors = init.errors;
    this.clerkTraceId = init.clerkTraceId;
    this.retryAfter = init.retryAfter;
    this.request = init.request;
  }

  /** The first entry's code, or undefined when the body carried none. */
  get code(): string | undefined {
    return this.errors[0]?.code;
  }

  /** The first entry's `meta.paramName`: the request parameter at fault. */
  get paramName(): string | undefined {
    return this.errors[0]?.meta.paramName;
  }
}

/**
 * A 2xx answer whose body is not what the API describes: a field missing or
 * of the wrong type. `field` is the path on the wire (snake_case), e.g.
 * `phone_numbers[0].verification.attempts`. Unknown fields and unknown
 * values of open enums (a verification's `status` and `strategy`) never
 * cause it.
 */
export class CallsignDecodeError extends Error {
  override readonly name = 'CallsignDecodeError';
  constructor(
    /** Where in the body, e.g. `phone_numbers[0].created_at`; `(body)` for the body itself. */
    readonly field: string,
    /** What the field must be, e.g. `an integer or null`. */
    readonly expected: string,
    /** What it was. */
    readonly actual: unknown,
    /** The request whose answer it was, e.g. `GET /v1/users/user_123`. */
    readonly request = '',
  ) {
    super(`cannot decode the answer${request ? ` to ${request}` : ''}: ${field} must be ${expected}, got ${describe(actual)}`);
  }

  /** The same error, saying which request it answered. */
  withRequest(request: string): CallsignDecodeError {
    return new CallsignDecodeError(this.field, this.expected, this.actual, request);
  }
}

/** The server could not be reached, or the connection broke before an answer arrived. */
export class CallsignConnectionError extends Error {
  override readonly name = 'CallsignConnectionError';
  constructor(
    /** The request, e.g. `GET http://127.0.0.1:4000/v1/users`. */
    readonly request: string,
    cause: unknown,
  ) {
    super(`cannot reach Callsign (${request}): ${reason(cause)}`, { cause });
  }
}

function reason(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  // fetch reports "fetch failed" and keeps the system error (ECONNREFUSED …) as its cause.
  const inner = (cause as { cause?: unknown }).cause;
  if (inner instanceof Error) return `${cause.message}: ${(inner as { code?: string }).code ?? inner.message}`;
  return cause.message;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return `${typeof value} ${text.length > 40 ? `${text.slice(0, 40)}…` : text}`;
}
