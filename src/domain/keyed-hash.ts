import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Hashes short secrets (one-time codes, backup codes) with HMAC-SHA256 under a
 * key that lives in configuration, never in the database: a stolen database
 * alone does not let anyone test guesses offline.
 */
export interface KeyedHasher {
  hash(secret: string): string;
  /** Constant-time comparison of `secret`'s hash with a stored one. */
  matches(secret: string, storedHash: string): boolean;
}

export const HASH_KEY_MIN_BYTES = 32;

export function createKeyedHasher(key: Uint8Array): KeyedHasher {
  if (key.length < HASH_KEY_MIN_BYTES) throw new Error(`the hash key must be at least ${HASH_KEY_MIN_BYTES} bytes`);
  const hash = (secret: string): string => createHmac('sha256', key).update(secret, 'utf8').digest('base64url');
  return {
    hash,
    matches(secret, storedHash) {
      const a = Buffer.from(hash(secret));
      const b = Buffer.from(storedHash);
      return a.length === b.length && timingSafeEqual(a, b);
    },
  };
}
