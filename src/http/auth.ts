import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../domain/errors.js';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * Which secret key authenticated the request: the first 8 hex digits of
     * its SHA-256, stable and not secret. The send limiter counts per key
     * with it (rule 8); the key itself is never stored.
     */
    secretKeyId?: string;
  }
}

/**
 * Bearer secret-key authentication. Every configured key is compared with
 * the presented token, byte for byte in constant time (timingSafeEqual over
 * the key's length, the token copied into a buffer of that length), so
 * neither a key's content nor its position among the keys leaks through
 * timing, and its length only through the nanoseconds of that copy. Several keys allow rotation. The key id (the first 8 hex
 * digits of a key's SHA-256) is worked out once per key, not per request.
 */
export function createAuthHook(secretKeys: readonly string[]) {
  if (secretKeys.length === 0) throw new Error('at least one secret key is required');
  const accepted = secretKeys.map((key) => ({ bytes: Buffer.from(key), id: digest(key).subarray(0, 4).toString('hex') }));
  // A callback hook, not an async one: it runs on every request, and a
  // promise per request is measurable there.
  return function authenticate(request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void): void {
    const header = request.headers.authorization;
    // The scheme is case-insensitive (RFC 7235): `bearer KEY` is the same as `Bearer KEY`.
    const token = typeof header === 'string' && BEARER.test(header) ? Buffer.from(header.slice(7).trim()) : EMPTY;
    let keyId = '';
    for (const key of accepted) {
      const padded = Buffer.alloc(key.bytes.length);
      token.copy(padded);
      // The content is compared whatever the lengths; they are checked after.
      const sameBytes = timingSafeEqual(padded, key.bytes);
      keyId = sameBytes && token.length === key.bytes.length ? key.id : keyId;
    }
    if (keyId === '' || token.length === 0) return done(errors.authenticationInvalid());
    request.secretKeyId = keyId;
    done();
  };
}

const EMPTY = Buffer.alloc(0);
const BEARER = /^bearer /i;
