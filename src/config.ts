import { HASH_KEY_MIN_BYTES } from './domain/keyed-hash.js';
import type { SqliteSynchronous } from './store/sqlite-store.js';
import { isSupportedCountry } from 'libphonenumber-js/max';
import { DEFAULT_VERIFICATION_SETTINGS, type VerificationSettings } from './domain/verification.js';
import { OTP_MAX_DIGITS, OTP_MIN_DIGITS } from './domain/otp.js';
import type { RetryPolicy } from './sms/sms-delivery.js';

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
  /**
   * CALLSIGN_SHUTDOWN_GRACE_MS: after SIGTERM or SIGINT, how long in-flight
   * requests may take to finish before their connections are cut. Keep it
   * below the orchestrator's own kill timeout. @default 10000
   */
  readonly shutdownGraceMs: number;
  /** SMS_PROVIDER (`log` in development; required, and not `log`, in production) and delivery settings. */
  readonly sms: SmsConfig;
  /** Codes, CALLSIGN_TEST_MODE, send limits and country lists (rules 7–9). */
  readonly verification: VerificationSettings;
  /** Whether the development inbox (GET /v1/dev/sms_messages) is served: in development, or with test mode on. */
  readonly devInbox: boolean;
}

/** SMS_PROVIDER and what each provider needs. */
export type SmsProviderConfig =
  | { readonly kind: 'log' }
  | { readonly kind: 'webhook'; readonly url: string; readonly secret: string }
  | {
      readonly kind: 'twilio';
      readonly accountSid: string;
      readonly authToken: string;
      /** Exactly one of `from` and `messagingServiceSid` is set. */
      readonly from: string | undefined;
      readonly messagingServiceSid: string | undefined;
      readonly baseUrl: string;
    };

export interface SmsConfig {
  readonly provider: SmsProviderConfig;
  /** SMS_REQUEST_TIMEOUT_MS: how long one call to the provider may take. @default 10000 */
  readonly requestTimeoutMs: number;
  /** SMS_RETRY_INITIAL_DELAY_MS / SMS_RETRY_MAX_DELAY_MS. @default 1000 / 60000 */
  readonly retry: RetryPolicy;
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
  // A header value reaches the server as bytes read one per character: a
  // key with other characters could never match what a client sends.
  if (secretKeys.some((k) => !/^[\x21-\x7e]+$/.test(k))) {
    throw new ConfigError('each CALLSIGN_SECRET_KEY must be printable ASCII without spaces (it travels in an HTTP header)');
  }
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
    shutdownGraceMs: integer(env, 'CALLSIGN_SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    ...parseSmsSettings(env, environment),
  });
}

/** The SMS and verification settings (issue 3); each documented in README, "Verifying a phone number by SMS". */
export function parseSmsSettings(env: NodeJS.ProcessEnv, environment: Environment): Pick<Config, 'sms' | 'verification' | 'devInbox'> {
  const testMode = flag(env, 'CALLSIGN_TEST_MODE', environment === 'development');
  const d = DEFAULT_VERIFICATION_SETTINGS;
  const verification: VerificationSettings = Object.freeze({
    codeLength: integer(env, 'SMS_CODE_LENGTH', d.codeLength, OTP_MIN_DIGITS, OTP_MAX_DIGITS),
    codeTtlMs: integer(env, 'SMS_CODE_TTL_SECONDS', d.codeTtlMs / 1000, 30, 86_400) * 1000,
    maxAttempts: integer(env, 'SMS_CODE_MAX_ATTEMPTS', d.maxAttempts, 1, 100),
    testMode,
    resendCooldownMs: integer(env, 'SMS_RESEND_COOLDOWN_SECONDS', d.resendCooldownMs / 1000, 0, 3600) * 1000,
    numberHourlyLimit: integer(env, 'SMS_NUMBER_HOURLY_LIMIT', d.numberHourlyLimit, 1, 10_000),
    keyHourlyLimit: integer(env, 'SMS_KEY_HOURLY_LIMIT', d.keyHourlyLimit, 1, 10_000_000),
    allowedCountries: countries(env, 'SMS_ALLOWED_COUNTRIES'),
    blockedCountries: countries(env, 'SMS_BLOCKED_COUNTRIES'),
  });

  const name = env.SMS_PROVIDER ?? (environment === 'development' ? 'log' : '');
  if (environment === 'production' && (name === '' || name === 'log')) {
    throw new ConfigError('SMS_PROVIDER must be webhook or twilio in production: the log provider sends nothing');
  }
  let provider: SmsProviderConfig;
  switch (name) {
    case 'log':
      provider = { kind: 'log' };
      break;
    case 'webhook':
      provider = { kind: 'webhook', url: httpUrl(env, 'SMS_WEBHOOK_URL', undefined), secret: webhookSecret(env.SMS_WEBHOOK_SECRET) };
      break;
    case 'twilio': {
      const accountSid = env.TWILIO_ACCOUNT_SID ?? '';
      if (!/^AC[0-9a-fA-F]{32}$/.test(accountSid)) throw new ConfigError('TWILIO_ACCOUNT_SID must be your Twilio account SID (AC and 32 hex digits)');
      const authToken = env.TWILIO_AUTH_TOKEN ?? '';
      if (authToken === '') throw new ConfigError('TWILIO_AUTH_TOKEN is required with SMS_PROVIDER=twilio');
      const from = env.TWILIO_FROM_NUMBER || undefined;
      const messagingServiceSid = env.TWILIO_MESSAGING_SERVICE_SID || undefined;
      if ((from === undefined) === (messagingServiceSid === undefined)) {
        throw new ConfigError('set exactly one of TWILIO_FROM_NUMBER and TWILIO_MESSAGING_SERVICE_SID with SMS_PROVIDER=twilio');
      }
      if (messagingServiceSid !== undefined && !/^MG[0-9a-fA-F]{32}$/.test(messagingServiceSid)) {
        throw new ConfigError('TWILIO_MESSAGING_SERVICE_SID must be a Messaging Service SID (MG and 32 hex digits)');
      }
      provider = { kind: 'twilio', accountSid, authToken, from, messagingServiceSid, baseUrl: httpUrl(env, 'TWILIO_BASE_URL', 'https://api.twilio.com') };
      break;
    }
    default:
      throw new ConfigError(`SMS_PROVIDER must be log, webhook or twilio, got "${name}"`);
  }

  const initialDelayMs = integer(env, 'SMS_RETRY_INITIAL_DELAY_MS', 1000, 10, 600_000);
  // Otherwise no transient first failure could ever be retried: every such code would go undelivered.
  if (initialDelayMs >= verification.codeTtlMs) {
    throw new ConfigError(
      `SMS_RETRY_INITIAL_DELAY_MS (${initialDelayMs}) must be below SMS_CODE_TTL_SECONDS (${verification.codeTtlMs / 1000} s): a code would expire before its first retry`,
    );
  }
  const retry: RetryPolicy = Object.freeze({ initialDelayMs, maxDelayMs: integer(env, 'SMS_RETRY_MAX_DELAY_MS', 60_000, initialDelayMs, 3_600_000) });
  return {
    sms: Object.freeze({ provider: Object.freeze(provider), requestTimeoutMs: integer(env, 'SMS_REQUEST_TIMEOUT_MS', 10_000, 100, 120_000), retry }),
    verification,
    devInbox: environment === 'development' || testMode,
  };
}

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

/** ISO 3166 alpha-2 codes, comma-separated; each must be a country libphonenumber knows. */
function countries(env: NodeJS.ProcessEnv, name: string): readonly string[] {
  const list = (env[name] ?? '').split(',').map((c) => c.trim().toUpperCase()).filter((c) => c !== '');
  const unknown = list.find((c) => !/^[A-Z]{2}$/.test(c) || !isSupportedCountry(c));
  if (unknown !== undefined) throw new ConfigError(`${name} must list ISO 3166 alpha-2 country codes (like US,GB), and "${unknown}" is not one`);
  return Object.freeze([...new Set(list)]);
}

function httpUrl(env: NodeJS.ProcessEnv, name: string, fallback: string | undefined): string {
  const raw = env[name] || fallback;
  if (raw === undefined) throw new ConfigError(`${name} is required`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an http:// or https:// URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`${name} must be an http:// or https:// URL`);
  return raw;
}

/** A Standard Webhooks secret: `whsec_` and base64 of 24 to 64 random bytes (the spec's recommendation). */
function webhookSecret(raw: string | undefined): string {
  const text = (raw ?? '').trim();
  if (text === '') throw new ConfigError('SMS_WEBHOOK_SECRET is required with SMS_PROVIDER=webhook (whsec_ and base64, e.g. from `openssl rand -base64 32`)');
  const encoded = text.startsWith('whsec_') ? text.slice('whsec_'.length) : text;
  const bytes = /^[A-Za-z0-9+/]+={0,2}$/.test(encoded) ? Buffer.from(encoded, 'base64').length : 0;
  if (bytes < 24 || bytes > 64) throw new ConfigError('SMS_WEBHOOK_SECRET must be whsec_ followed by the base64 of 24 to 64 random bytes');
  return text;
}

/** Reads a hash key written as hex (64+ digits) or base64; too short a key is refused. */
export function parseHashKey(raw: string | undefined): Buffer | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const text = raw.trim();
  const key = /^[0-9a-fA-F]+$/.test(text) && text.length % 2 === 0 ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length < HASH_KEY_MIN_BYTES) throw new ConfigError(`CALLSIGN_HASH_KEY must encode at least ${HASH_KEY_MIN_BYTES} bytes (hex or base64)`);
  return key;
}
