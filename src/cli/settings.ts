/**
 * Every setting `loadConfig` reads, as `callsign serve` takes it on the
 * command line. The flag is the variable's name in lower case with dashes
 * and without the `CALLSIGN_` prefix (`CALLSIGN_SECRET_KEY` → `--secret-key`,
 * `SMS_PROVIDER` → `--sms-provider`); a flag's value is put in the variable
 * and read by `loadConfig`, so flags and environment are validated alike,
 * and a flag wins over the variable. A test compares this list with the
 * variables src/config.ts reads, so a new setting without a flag fails it.
 */
export interface Setting {
  /** The environment variable, e.g. `DATABASE_URL`. */
  readonly env: string;
  /** What goes after the flag in the help, e.g. `<url>`. */
  readonly value: string;
  /** One line: what it does and its default. */
  readonly help: string;
  /** Where `callsign serve --help` lists it. */
  readonly group: 'Server' | 'Database' | 'Keys' | 'SMS' | 'Verification';
  /** Whether `callsign migrate` takes it too. */
  readonly migrate?: boolean;
}

export const SETTINGS: readonly Setting[] = Object.freeze([
  { env: 'CALLSIGN_ENV', value: '<env>', group: 'Server', help: 'development or production [default: development]' },
  { env: 'HOST', value: '<host>', group: 'Server', help: 'Interface to listen on [default: 127.0.0.1]' },
  { env: 'PORT', value: '<port>', group: 'Server', help: 'Port to listen on; 0 picks a free one [default: 4000]' },
  { env: 'LOG_LEVEL', value: '<level>', group: 'Server', help: 'fatal, error, warn, info, debug, trace or silent [default: info]' },
  { env: 'CALLSIGN_BODY_LIMIT_BYTES', value: '<bytes>', group: 'Server', help: 'Largest accepted request body [default: 1048576]' },
  { env: 'CALLSIGN_SHUTDOWN_GRACE_MS', value: '<ms>', group: 'Server', help: 'On SIGTERM/SIGINT, how long in-flight requests may finish [default: 10000]' },
  { env: 'HTTP_HEADERS_TIMEOUT_MS', value: '<ms>', group: 'Server', help: "How long a client may take to send a request's headers; then 408 [default: 10000]" },
  { env: 'HTTP_REQUEST_TIMEOUT_MS', value: '<ms>', group: 'Server', help: 'How long a client may take to send a whole request; then 408 [default: 30000]' },
  { env: 'HTTP_KEEP_ALIVE_TIMEOUT_MS', value: '<ms>', group: 'Server', help: 'How long an idle keep-alive connection stays open [default: 72000]' },
  {
    env: 'DATABASE_URL',
    value: '<url>',
    group: 'Database',
    migrate: true,
    help: 'sqlite:PATH, sqlite::memory: or postgres://… [default: sqlite:./data/callsign.sqlite]',
  },
  { env: 'SQLITE_SYNCHRONOUS', value: '<mode>', group: 'Database', migrate: true, help: 'FULL (survives power loss) or NORMAL [default: FULL]' },
  { env: 'DATABASE_POOL_SIZE', value: '<n>', group: 'Database', migrate: true, help: 'PostgreSQL connections per process [default: 10]' },
  {
    env: 'CALLSIGN_SECRET_KEY',
    value: '<keys>',
    group: 'Keys',
    help: 'Accepted API keys, comma-separated (required in production; generated in development)',
  },
  { env: 'CALLSIGN_HASH_KEY', value: '<key>', group: 'Keys', help: 'Key hashing codes, hex or base64, 32+ bytes (required in production)' },
  { env: 'SMS_PROVIDER', value: '<provider>', group: 'SMS', help: 'log, webhook or twilio [default: log in development]' },
  { env: 'SMS_WEBHOOK_URL', value: '<url>', group: 'SMS', help: 'Where the webhook provider POSTs messages' },
  { env: 'SMS_WEBHOOK_SECRET', value: '<secret>', group: 'SMS', help: 'whsec_… Standard Webhooks signing secret' },
  { env: 'TWILIO_ACCOUNT_SID', value: '<sid>', group: 'SMS', help: 'AC… Twilio account SID' },
  { env: 'TWILIO_AUTH_TOKEN', value: '<token>', group: 'SMS', help: 'Twilio auth token' },
  { env: 'TWILIO_FROM_NUMBER', value: '<number>', group: 'SMS', help: 'Sender number (or --twilio-messaging-service-sid)' },
  { env: 'TWILIO_MESSAGING_SERVICE_SID', value: '<sid>', group: 'SMS', help: 'MG… Messaging Service SID (or --twilio-from-number)' },
  { env: 'TWILIO_BASE_URL', value: '<url>', group: 'SMS', help: "Twilio's API address [default: https://api.twilio.com]" },
  { env: 'SMS_REQUEST_TIMEOUT_MS', value: '<ms>', group: 'SMS', help: 'Longest call to the provider [default: 10000]' },
  { env: 'SMS_RETRY_INITIAL_DELAY_MS', value: '<ms>', group: 'SMS', help: 'First retry after a transient failure; below the code TTL [default: 1000]' },
  { env: 'SMS_RETRY_MAX_DELAY_MS', value: '<ms>', group: 'SMS', help: 'Longest wait between retries [default: 60000]' },
  { env: 'CALLSIGN_TEST_MODE', value: '<true|false>', group: 'Verification', help: 'Fictional +1 XXX 555-01XX numbers accept 424242 [default: true in development]' },
  { env: 'SMS_CODE_LENGTH', value: '<digits>', group: 'Verification', help: 'Digits in a code [default: 6]' },
  { env: 'SMS_CODE_TTL_SECONDS', value: '<s>', group: 'Verification', help: 'How long a code works [default: 600]' },
  { env: 'SMS_CODE_MAX_ATTEMPTS', value: '<n>', group: 'Verification', help: 'Wrong codes before the verification fails [default: 3]' },
  { env: 'SMS_RESEND_COOLDOWN_SECONDS', value: '<s>', group: 'Verification', help: 'Least time between two codes to one number [default: 30]' },
  { env: 'SMS_NUMBER_HOURLY_LIMIT', value: '<n>', group: 'Verification', help: 'Codes to one number per hour [default: 5]' },
  { env: 'SMS_KEY_HOURLY_LIMIT', value: '<n>', group: 'Verification', help: 'Codes sent through one API key per hour [default: 1000]' },
  { env: 'SMS_ALLOWED_COUNTRIES', value: '<CC,…>', group: 'Verification', help: 'Only send codes to these countries (ISO 3166 alpha-2) [default: all]' },
  { env: 'SMS_BLOCKED_COUNTRIES', value: '<CC,…>', group: 'Verification', help: 'Never send codes to these countries [default: none]' },
] satisfies Setting[]);

/** `CALLSIGN_SECRET_KEY` → `secret-key`. */
export const flagOf = (env: string): string => env.replace(/^CALLSIGN_/, '').toLowerCase().replace(/_/g, '-');

/** Option specs for node:util parseArgs: every setting a string flag. */
export function settingOptions(settings: readonly Setting[]): Record<string, { type: 'string' }> {
  return Object.fromEntries(settings.map((s) => [flagOf(s.env), { type: 'string' as const }]));
}

/** The environment `loadConfig` reads: the process's, with each given flag written over its variable. */
export function environmentWith(env: NodeJS.ProcessEnv, settings: readonly Setting[], values: Readonly<Record<string, unknown>>): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = { ...env };
  for (const setting of settings) {
    const value = values[flagOf(setting.env)];
    if (typeof value === 'string') merged[setting.env] = value;
  }
  return merged;
}

/** The settings part of a `--help`, grouped. */
export function settingsHelp(settings: readonly Setting[]): string {
  const rows = settings.map((s) => ({ s, left: `  --${flagOf(s.env)} ${s.value}` }));
  const width = Math.max(...rows.map((r) => r.left.length)) + 2;
  const groups = [...new Set(settings.map((s) => s.group))];
  return groups
    .map((group) => `${group}:\n${rows.filter((r) => r.s.group === group).map((r) => `${r.left.padEnd(width)}${r.s.help} (env ${r.s.env})`).join('\n')}`)
    .join('\n\n');
}
