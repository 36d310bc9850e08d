import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createAuthHook } from '../../src/http/auth.js';

const OLD = 'sk_live_old_key_0123456789abcdef0123';
const NEW = 'sk_live_new_key_with_another_length_456789';
const authenticate = createAuthHook([OLD, NEW]);

/** Runs the hook on a request with `authorization`; the key id it set, or the error code it answered. */
function run(authorization: string | undefined): { keyId?: string; error?: string } {
  const request = { headers: authorization === undefined ? {} : { authorization } } as FastifyRequest;
  let outcome: { keyId?: string; error?: string } = {};
  authenticate(request, {} as FastifyReply, (error) => {
    outcome = error === undefined ? { keyId: request.secretKeyId! } : { error: (error as { code?: string }).code ?? error.message };
  });
  return outcome;
}

const idOf = (key: string): string => createHash('sha256').update(key).digest().subarray(0, 4).toString('hex');

test('every configured key is accepted (rotation), each with its own stable key id', () => {
  assert.deepEqual(run(`Bearer ${OLD}`), { keyId: idOf(OLD) });
  assert.deepEqual(run(`Bearer ${NEW}`), { keyId: idOf(NEW) });
  assert.deepEqual(run(`Bearer   ${NEW}  `), { keyId: idOf(NEW) }, 'spaces around the token are ignored');
  assert.notEqual(idOf(OLD), idOf(NEW));
});

test('the scheme is case-insensitive (RFC 7235), the key is not', () => {
  for (const scheme of ['bearer', 'BEARER', 'BeArEr']) assert.deepEqual(run(`${scheme} ${OLD}`), { keyId: idOf(OLD) }, scheme);
  assert.deepEqual(run(`bearer ${OLD.toUpperCase()}`), { error: 'authentication_invalid' });
});

test('anything but a whole configured key is refused: prefixes, extensions, other cases, other schemes', () => {
  for (const header of [
    undefined,
    '',
    'Bearer',
    'Bearer ',
    `Bearer ${OLD.slice(0, -1)}`,
    `Bearer ${OLD}x`,
    `Bearer ${OLD}${NEW}`,
    `Bearer ${OLD.toUpperCase()}`,
    `Basic ${OLD}`,
    `Bearer: ${OLD}`,
    OLD,
    `Bearer ${OLD.slice(0, -1)}\u0000`,
  ]) {
    assert.deepEqual(run(header), { error: 'authentication_invalid' }, JSON.stringify(header));
  }
});

test('at least one key is required', () => {
  assert.throws(() => createAuthHook([]), /at least one secret key/);
});
