/** Largest accepted request body (CALLSIGN_BODY_LIMIT_BYTES): 1 MiB, far above any request Callsign takes. */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

/** Limits on how long a connection may hold the server without sending a whole request. */
export interface HttpTimeouts {
  /** From a connection's first byte (or the end of its previous request) to the end of the request's headers (HTTP_HEADERS_TIMEOUT_MS). */
  readonly headersMs: number;
  /** From the first byte to the end of the body (HTTP_REQUEST_TIMEOUT_MS); a stalled body is answered 408. */
  readonly requestMs: number;
  /** How long an idle keep-alive connection stays open between requests (HTTP_KEEP_ALIVE_TIMEOUT_MS). */
  readonly keepAliveMs: number;
}

/**
 * Headers: 10 s, whole request: 30 s (bodies are at most 1 MiB). Keep-alive:
 * 72 s, longer than the 60 s idle timeout of common load balancers, so the
 * balancer, not Callsign, closes an idle connection and never sends on one
 * Callsign just closed.
 */
export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = { headersMs: 10_000, requestMs: 30_000, keepAliveMs: 72_000 };
