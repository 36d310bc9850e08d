import { HASH_KEY_MIN_BYTES } from './domain/keyed-hash.js';
import { isSupportedCountry } from 'libphonenumber-js/max';
import { DEFAULT_VERIFICATION_SETTINGS, type VerificationSettings } from './domain/verification.js';
import { OTP_MAX_DIGITS, OTP_MIN_DIGITS } from './domain/otp.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './sms/sms-delivery.js';
import { DEFAULT_POOL_SIZE } from './store/database.js';
import { DEFAULT_BODY_LIMIT_BYTES, DEFAULT_HTTP_TIMEOUTS, type HttpTimeouts } from './http/limits.js';

export type Environment = 'development' | 'production';

/** SQLITE_SYNCHRONOUS: the SQLite store's durability (see its `synchronous` option). */
export type SqliteSynchronous = 'FULL' | 'NORMAL';

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
  /** HTTP_HEADERS_TIMEOUT_MS, HTTP_REQUEST_TIMEOUT_MS, HTTP_KEEP_ALIVE_TIMEOUT_MS. @default DEFAULT_HTTP_TIMEOUTS (10 s, 30 s, 72 s) */
  readonly httpTimeouts: HttpTimeouts;
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

/**
 * Settings that are missing or invalid: every one found, not only the first,
 * so one start tells an operator everything to fix. The message is the one
 * problem, or a count and one line per problem.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
  /** One line per setting to fix, each saying what is wrong and, for secrets, how to generate one. */
  readonly problems: readonly string[];
  constructor(problems: string | readonly string[]) {
    const list = Object.freeze(typeof problems === 'string' ? [problems] : [...problems]);
    super(list.length === 1 ? list[0]! : `${list.length} settings are missing or invalid:\n${list.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = list;
  }
}

/** Collects every problem while reading the settings, so they are reported together. */
class Problems {
  readonly list: string[] = [];
  /** `read()`'s value; after a ConfigError, its problems are kept and `fallback` stands in so reading goes on. */
  take<T>(read: () => T, fallback: T): T {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      this.list.push(...error.problems);
      return fallback;
    }
  }
  add(problem: string): void {
    this.list.push(problem);
  }
  throwIfAny(): void {
    if (this.list.length > 0) throw new ConfigError(this.list);
  }
}

/** How to generate each secret production needs; quoted in the problems that name it. */
export const GENERATE = Object.freeze({
  secretKey: '`echo "sk_live_$(openssl rand -hex 24)"`',
  hashKey: '`openssl rand -hex 32`',
  webhookSecret: '`echo "whsec_$(openssl rand -base64 32)"`',
});

/** The exit code of `npm start` and `callsign serve` for a bad setting (the CLI's usage code). */
const CONFIG_EXIT_CODE = 2;

/**
 * What `npm start` and `callsign serve` print and exit with when they cannot
 * start: the same text, whichever started them. A bad setting lists every
 * problem (exit 2); an address that cannot be listened on names the setting
 * that changes it; anything else is one line (exit 1), never a stack trace.
 */
export function startFailure(error: unknown): { readonly exitCode: number; readonly message: string } {
  if (error instanceof ConfigError) return { exitCode: CONFIG_EXIT_CODE, message: `callsign: configuration error: ${error.message}\n` };
  const e = error as Partial<NodeJS.ErrnoException & { address: string; port: number }> | undefined;
  const where = typeof e?.address === 'string' && typeof e.port === 'number' ? `${e.address.includes(':') ? `[${e.address}]` : e.address}:${e.port}` : 'the configured address';
  switch (e?.code) {
    case 'EADDRINUSE':
      return {
        exitCode: 1,
        message:
          `callsign: cannot listen on ${where}: the port is already in use (by another Callsign, or another program). ` +
          'Stop it, or choose another port with PORT (callsign serve: --port); PORT=0 picks a free one.\n',
      };
    case 'EACCES':
      return {
        exitCode: 1,
        message: `callsign: cannot listen on ${where}: permission denied (ports below 1024 need privileges). Choose another port with PORT (callsign serve: --port).\n`,
      };
    case 'EADDRNOTAVAIL':
      return {
        exitCode: 1,
        message: `callsign: cannot listen on ${where}: no such address on this machine. Set HOST (callsign serve: --host) to one of its addresses, 127.0.0.1 or 0.0.0.0.\n`,
      };
    default:
      return { exitCode: 1, message: `callsign: failed to start: ${(error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ').trim()}\n` };
  }
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
  const problems = new Problems();
  const database = readDatabase(raw, env, problems);
  problems.throwIfAny();
  return database;
}

function readDatabase(raw: string | undefined, env: NodeJS.ProcessEnv, problems: Problems): DatabaseConfig {
  let synchronous = (env.SQLITE_SYNCHRONOUS ?? 'FULL').toUpperCase();
  if (synchronous !== 'FULL' && synchronous !== 'NORMAL') {
    problems.add(`SQLITE_SYNCHRONOUS must be FULL or NORMAL, got "${synchronous}"`);
    synchronous = 'FULL';
  }
  const fallback: DatabaseConfig = { kind: 'sqlite', path: DEFAULT_SQLITE_PATH, synchronous: synchronous as SqliteSynchronous };
  const url = raw === undefined || raw === '' ? `sqlite:${DEFAULT_SQLITE_PATH}` : raw;
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '') {
      problems.add('DATABASE_URL sqlite: needs a path, for example sqlite:./data/callsign.sqlite or sqlite::memory:');
      return fallback;
    }
    return { kind: 'sqlite', path, synchronous: synchronous as SqliteSynchronous };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    return { kind: 'postgres', url, poolSize: problems.take(() => integer(env, 'DATABASE_POOL_SIZE', DEFAULT_POOL_SIZE, 1, 1000), DEFAULT_POOL_SIZE) };
  }
  problems.add('DATABASE_URL must start with sqlite:, postgres:// or postgresql://');
  return fallback;
}

/**
 * Reads and checks every setting. Throws one ConfigError listing every
 * setting that is missing or invalid (not only the first), each with how to
 * fix it.
 */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const problems = new Problems();
  let environment: Environment = 'development';
  const rawEnvironment = env.CALLSIGN_ENV ?? 'development';
  if (rawEnvironment === 'development' || rawEnvironment === 'production') environment = rawEnvironment;
  else problems.add(`CALLSIGN_ENV must be development or production, got "${rawEnvironment}"`);
  const secretKeys = (env.CALLSIGN_SECRET_KEY ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  // A header value reaches the server as bytes read one per character: a
  // key with other characters could never match what a client sends.
  if (secretKeys.some((k) => !/^[\x21-\x7e]+$/.test(k))) {
    problems.add('each CALLSIGN_SECRET_KEY must be printable ASCII without spaces (it travels in an HTTP header)');
  }
  if (environment === 'production') {
    if (secretKeys.length === 0) {
      problems.add(`CALLSIGN_SECRET_KEY is required in production: the API keys clients send, comma-separated; generate one with ${GENERATE.secretKey}`);
    } else if (secretKeys.some((k) => k.length < 24)) {
      problems.add(`each CALLSIGN_SECRET_KEY must be at least 24 characters in production; generate one with ${GENERATE.secretKey}`);
    }
  }
  const hashKey = problems.take(() => parseHashKey(env.CALLSIGN_HASH_KEY), undefined);
  if (environment === 'production' && hashKey === undefined && (env.CALLSIGN_HASH_KEY ?? '').trim() === '') {
    problems.add(
      `CALLSIGN_HASH_KEY is required in production: the key that hashes codes and backup codes (hex or base64, 32+ bytes; ` +
        `keep it: a new one voids pending codes and issued backup codes); generate one with ${GENERATE.hashKey}`,
    );
  }
  let logLevel = env.LOG_LEVEL ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.add(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
    logLevel = 'info';
  }
  const database = readDatabase(env.DATABASE_URL, env, problems);
  const dataDir = database.kind === 'sqlite' && database.path !== ':memory:' ? database.path.replace(/[^/]*$/, '') || '.' : './data';
  const port = problems.take(() => integer(env, 'PORT', 4000, 0, 65535), 4000);
  const bodyLimitBytes = problems.take(() => integer(env, 'CALLSIGN_BODY_LIMIT_BYTES', DEFAULT_BODY_LIMIT_BYTES, 1024, 64 * 1024 * 1024), DEFAULT_BODY_LIMIT_BYTES);
  const shutdownGraceMs = problems.take(() => integer(env, 'CALLSIGN_SHUTDOWN_GRACE_MS', 10_000, 0, 600_000), 10_000);
  const d = DEFAULT_HTTP_TIMEOUTS;
  const httpTimeouts: HttpTimeouts = Object.freeze({
    headersMs: problems.take(() => integer(env, 'HTTP_HEADERS_TIMEOUT_MS', d.headersMs, 100, 600_000), d.headersMs),
    requestMs: problems.take(() => integer(env, 'HTTP_REQUEST_TIMEOUT_MS', d.requestMs, 100, 3_600_000), d.requestMs),
    keepAliveMs: problems.take(() => integer(env, 'HTTP_KEEP_ALIVE_TIMEOUT_MS', d.keepAliveMs, 1000, 3_600_000), d.keepAliveMs),
  });
  if (httpTimeouts.headersMs > httpTimeouts.requestMs) problems.add('HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS (the headers are part of the request)');
  const sms = readSmsSettings(env, environment, problems);
  problems.throwIfAny();

  return Object.freeze({
    env: environment,
    host: env.HOST ?? '127.0.0.1',
    port,
    database,
    secretKeys: Object.freeze(secretKeys),
    hashKey,
    dataDir,
    logLevel,
    bodyLimitBytes,
    shutdownGraceMs,
    httpTimeouts,
    ...sms,
  });
}

/** The SMS and verification settings; each documented in README, "Verifying a phone number by SMS". */
function readSmsSettings(env: NodeJS.ProcessEnv, environment: Environment, problems: Problems): Pick<Config, 'sms' | 'verification' | 'devInbox'> {
  const testMode = problems.take(() => flag(env, 'CALLSIGN_TEST_MODE', environment === 'development'), false);
  const { verification, ttlRead } = readVerificationSettings(env, testMode, problems);
  const provider = problems.take(() => smsProvider(env, environment, problems), { kind: 'log' } as SmsProviderConfig);
  const retry = readRetryPolicy(env, ttlRead ? verification.codeTtlMs : undefined, problems);
  const requestTimeoutMs = problems.take(() => integer(env, 'SMS_REQUEST_TIMEOUT_MS', 10_000, 100, 120_000), 10_000);
  return {
    sms: Object.freeze({ provider: Object.freeze(provider), requestTimeoutMs, retry }),
    verification,
    devInbox: environment === 'development' || testMode,
  };
}

/** Codes, limits and country lists (rules 7–9); `ttlRead` says whether SMS_CODE_TTL_SECONDS was valid, for the checks that depend on it. */
function readVerificationSettings(env: NodeJS.ProcessEnv, testMode: boolean, problems: Problems): { verification: VerificationSettings; ttlRead: boolean } {
  const d = DEFAULT_VERIFICATION_SETTINGS;
  const read = <T>(value: () => T, fallback: T): T => problems.take(value, fallback);
  const before = problems.list.length;
  const codeTtlMs = read(() => integer(env, 'SMS_CODE_TTL_SECONDS', d.codeTtlMs / 1000, 30, 86_400) * 1000, d.codeTtlMs);
  const ttlRead = problems.list.length === before;
  const verification: VerificationSettings = Object.freeze({
    codeLength: read(() => integer(env, 'SMS_CODE_LENGTH', d.codeLength, OTP_MIN_DIGITS, OTP_MAX_DIGITS), d.codeLength),
    codeTtlMs,
    maxAttempts: read(() => integer(env, 'SMS_CODE_MAX_ATTEMPTS', d.maxAttempts, 1, 100), d.maxAttempts),
    testMode,
    resendCooldownMs: read(() => integer(env, 'SMS_RESEND_COOLDOWN_SECONDS', d.resendCooldownMs / 1000, 0, 3600) * 1000, d.resendCooldownMs),
    numberHourlyLimit: read(() => integer(env, 'SMS_NUMBER_HOURLY_LIMIT', d.numberHourlyLimit, 1, 10_000), d.numberHourlyLimit),
    keyHourlyLimit: read(() => integer(env, 'SMS_KEY_HOURLY_LIMIT', d.keyHourlyLimit, 1, 10_000_000), d.keyHourlyLimit),
    allowedCountries: read(() => countries(env, 'SMS_ALLOWED_COUNTRIES'), d.allowedCountries),
    blockedCountries: read(() => countries(env, 'SMS_BLOCKED_COUNTRIES'), d.blockedCountries),
  });
  return { verification, ttlRead };
}

/** SMS_RETRY_INITIAL_DELAY_MS and SMS_RETRY_MAX_DELAY_MS; the first retry must come before a code expires (`codeTtlMs`, when known). */
function readRetryPolicy(env: NodeJS.ProcessEnv, codeTtlMs: number | undefined, problems: Problems): RetryPolicy {
  const r = DEFAULT_RETRY_POLICY;
  const before = problems.list.length;
  const initialDelayMs = problems.take(() => integer(env, 'SMS_RETRY_INITIAL_DELAY_MS', r.initialDelayMs, 10, 600_000), r.initialDelayMs);
  // Otherwise no transient first failure could ever be retried: every such code would go undelivered.
  if (codeTtlMs !== undefined && problems.list.length === before && initialDelayMs >= codeTtlMs) {
    problems.add(`SMS_RETRY_INITIAL_DELAY_MS (${initialDelayMs}) must be below SMS_CODE_TTL_SECONDS (${codeTtlMs / 1000} s): a code would expire before its first retry`);
  }
  const maxDelayMs = problems.take(() => integer(env, 'SMS_RETRY_MAX_DELAY_MS', r.maxDelayMs, initialDelayMs, 3_600_000), r.maxDelayMs);
  return Object.freeze({ initialDelayMs, maxDelayMs });
}

/** SMS_PROVIDER and what it needs; each missing or invalid setting of the provider is a problem of its own. */
function smsProvider(env: NodeJS.ProcessEnv, environment: Environment, problems: Problems): SmsProviderConfig {
  const name = env.SMS_PROVIDER ?? (environment === 'development' ? 'log' : '');
  if (environment === 'production' && (name === '' || name === 'log')) {
    throw new ConfigError(
      'SMS_PROVIDER must be webhook or twilio in production: the log provider sends nothing ' +
        '(webhook also needs SMS_WEBHOOK_URL and SMS_WEBHOOK_SECRET; twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, and TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID)',
    );
  }
  switch (name) {
    case 'log':
      return { kind: 'log' };
    case 'webhook':
      return {
        kind: 'webhook',
        url: problems.take(() => httpUrl(env, 'SMS_WEBHOOK_URL', undefined), ''),
        secret: problems.take(() => webhookSecret(env.SMS_WEBHOOK_SECRET), ''),
      };
    case 'twilio': {
      const accountSid = env.TWILIO_ACCOUNT_SID ?? '';
      if (!/^AC[0-9a-fA-F]{32}$/.test(accountSid)) problems.add('TWILIO_ACCOUNT_SID must be your Twilio account SID (AC and 32 hex digits)');
      const authToken = env.TWILIO_AUTH_TOKEN ?? '';
      if (authToken === '') problems.add('TWILIO_AUTH_TOKEN is required with SMS_PROVIDER=twilio');
      const from = env.TWILIO_FROM_NUMBER || undefined;
      const messagingServiceSid = env.TWILIO_MESSAGING_SERVICE_SID || undefined;
      if ((from === undefined) === (messagingServiceSid === undefined)) {
        problems.add('set exactly one of TWILIO_FROM_NUMBER and TWILIO_MESSAGING_SERVICE_SID with SMS_PROVIDER=twilio');
      } else if (messagingServiceSid !== undefined && !/^MG[0-9a-fA-F]{32}$/.test(messagingServiceSid)) {
        problems.add('TWILIO_MESSAGING_SERVICE_SID must be a Messaging Service SID (MG and 32 hex digits)');
      }
      const baseUrl = problems.take(() => httpUrl(env, 'TWILIO_BASE_URL', 'https://api.twilio.com'), 'https://api.twilio.com');
      return { kind: 'twilio', accountSid, authToken, from, messagingServiceSid, baseUrl };
    }
    default:
      throw new ConfigError(`SMS_PROVIDER must be log, webhook or twilio, got "${name}"`);
  }
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
  if (text === '') throw new ConfigError(`SMS_WEBHOOK_SECRET is required with SMS_PROVIDER=webhook (whsec_ and base64); generate one with ${GENERATE.webhookSecret}`);
  const encoded = text.startsWith('whsec_') ? text.slice('whsec_'.length) : text;
  const bytes = /^[A-Za-z0-9+/]+={0,2}$/.test(encoded) ? Buffer.from(encoded, 'base64').length : 0;
  if (bytes < 24 || bytes > 64) {
    throw new ConfigError(`SMS_WEBHOOK_SECRET must be whsec_ followed by the base64 of 24 to 64 random bytes; generate one with ${GENERATE.webhookSecret}`);
  }
  return text;
}

/** Reads a hash key written as hex (64+ digits) or base64; too short a key is refused. */
export function parseHashKey(raw: string | undefined): Buffer | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const text = raw.trim();
  const key = /^[0-9a-fA-F]+$/.test(text) && text.length % 2 === 0 ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length < HASH_KEY_MIN_BYTES) {
    throw new ConfigError(`CALLSIGN_HASH_KEY must encode at least ${HASH_KEY_MIN_BYTES} bytes (hex or base64); generate one with ${GENERATE.hashKey}`);
  }
  return key;
}
