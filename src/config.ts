import { HASH_KEY_MIN_BYTES } from './domain/keyed-hash.js';
import type { SqliteSynchronous } from './store/sqlite-store.js';

export type Environment = 'development' | 'production';

export type DatabaseConfig =
  | { readonly kind: 'sqlite'; readonly path: string; readonly synchronous: SqliteSynchronous }
  | { readonly kind: 'postgres'; readonly url: string; readonly poolSize: number };

/** Every setting, parsed once from the environment, validated and frozen. */
export interface Config {
  /** CALLSIGN_ENV. @default 'development' */
  readonly env: Environment;
  /** HOST. @default '127.0.0.1' */
  readonly host: string;
  /** PORT. @default 4000 */
  readonly port: number;
  /** DATABASE_URL. @default sqlite:./data/callsign.sqlite */
  readonly database: DatabaseConfig;
  /** CALLSIGN_SECRET_KEY, comma-separated. Empty means "generate one" (development only). */
  readonly secretKeys: readonly string[];
  /**
   * CALLSIGN_HASH_KEY: the key under which codes and backup codes are hashed,
   * base64 or hex, at least 32 bytes. Undefined means "generate one" (development only).
   */
  readonly hashKey: Buffer | undefined;
  /** Where development keeps generated secrets: the SQLite file's folder, else ./data. */
  readonly dataDir: string;
  /** LOG_LEVEL. @default 'info' */
  readonly logLevel: string;
  /** CALLSIGN_BODY_LIMIT_BYTES. @default 1048576 */
  readonly bodyLimitBytes: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const DEFAULT_SQLITE_PATH = './data/callsign.sqlite';
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

export function parseDatabaseUrl(raw: string | undefined, env: NodeJS.ProcessEnv = {}): DatabaseConfig {
  const synchronous = (env.SQLITE_SYNCHRONOUS ?? 'FULL').toUpperCase();
  if (synchronous !== 'FULL' && synchronous !== 'NORMAL') throw new ConfigError(`SQLITE_SYNCHRONOUS must be FULL or NORMAL, got "${synchronous}"`);
  const url = raw === undefined || raw === '' ? `sqlite:${DEFAULT_SQLITE_PATH}` : raw;
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '') throw new ConfigError('DATABASE_URL sqlite: needs a path, for example sqlite:./data/callsign.sqlite or sqlite::memory:');
    return { kind: 'sqlite', path, synchronous };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    return { kind: 'postgres', url, poolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 1, 1000) };
  }
  throw new ConfigError('DATABASE_URL must start with sqlite:, postgres:// or postgresql://');
}

export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const environment = env.CALLSIGN_ENV ?? 'development';
  if (environment !== 'development' && environment !== 'production') {
    throw new ConfigError(`CALLSIGN_ENV must be development or production, got "${environment}"`);
  }
  const secretKeys = (env.CALLSIGN_SECRET_KEY ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  if (environment === 'production') {
    if (secretKeys.length === 0) throw new ConfigError('CALLSIGN_SECRET_KEY is required in production');
    const weak = secretKeys.find((k) => k.length < 24);
    if (weak !== undefined) throw new ConfigError('each CALLSIGN_SECRET_KEY must be at least 24 characters in production');
  }
  const hashKey = parseHashKey(env.CALLSIGN_HASH_KEY);
  if (environment === 'production' && hashKey === undefined) throw new ConfigError('CALLSIGN_HASH_KEY is required in production');
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const database = parseDatabaseUrl(env.DATABASE_URL, env);
  const dataDir = database.kind === 'sqlite' && database.path !== ':memory:' ? database.path.replace(/[^/]*$/, '') || '.' : './data';

  return Object.freeze({
    env: environment,
    host: env.HOST ?? '127.0.0.1',
    port: integer(env, 'PORT', 4000, 0, 65535),
    database,
    secretKeys: Object.freeze(secretKeys),
    hashKey,
    dataDir,
    logLevel,
    bodyLimitBytes: integer(env, 'CALLSIGN_BODY_LIMIT_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
  });
}

/** Reads a hash key written as hex (64+ digits) or base64; too short a key is refused. */
export function parseHashKey(raw: string | undefined): Buffer | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const text = raw.trim();
  const key = /^[0-9a-fA-F]+$/.test(text) && text.length % 2 === 0 ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length < HASH_KEY_MIN_BYTES) throw new ConfigError(`CALLSIGN_HASH_KEY must encode at least ${HASH_KEY_MIN_BYTES} bytes (hex or base64)`);
  return key;
}
