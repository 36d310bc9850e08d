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
 * Bearer secret-key authentication. Keys are compared as SHA-256 digests in
 * constant time, and every configured key is compared, so neither the length
 * nor the position of a key leaks through timing. Several keys allow rotation.
 */
export function createAuthHook(secretKeys: readonly string[]) {
  if (secretKeys.length === 0) throw new Error('at least one secret key is required');
  const accepted = secretKeys.map(digest);
  // A callback hook, not an async one: it runs on every request, and a
  // promise per request is measurable there.
  return function authenticate(request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void): void {
    const header = request.headers.authorization;
    const token = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    const presented = digest(token);
    let ok = false;
    for (const key of accepted) ok = timingSafeEqual(key, presented) || ok;
    if (!ok || token === '') return done(errors.authenticationInvalid());
    request.secretKeyId = presented.subarray(0, 4).toString('hex');
    done();
  };
}
