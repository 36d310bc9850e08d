/** The current time, injected so expiry and ordering can be tested without sleeping. */
export interface Clock {
  /** Unix time in milliseconds. */
  now(): number;
}

/** A source of cryptographically secure random bytes, injected for deterministic tests. */
export interface Random {
  bytes(length: number): Uint8Array;
}
