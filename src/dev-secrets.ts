import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Development only: a secret generated on first start and kept in the data
 * folder (mode 0600), so it survives restarts without being configured.
 * Production must configure its secrets explicitly.
 */
export function loadOrCreateDevSecret(dataDir: string, name: string, create: () => string): string {
  const path = join(dataDir, name);
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  const value = create();
  writeFileSync(path, `${value}\n`, { mode: 0o600, flag: 'wx' });
  return value;
}

export const newDevSecretKey = (): string => `sk_test_${randomBytes(24).toString('base64url')}`;
export const newDevHashKey = (): string => randomBytes(32).toString('hex');
