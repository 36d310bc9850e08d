import { parseArgs } from 'node:util';
import { DEFAULT_BASE_URL, Callsign } from '@callsign/client';
import type { Io } from './output.js';

/** Exit codes, documented in the README and in `callsign --help`. */
export const EXIT = Object.freeze({
  ok: 0,
  /** The server answered with an error, or the operation did not succeed (a code not accepted). */
  failed: 1,
  /** The command line is wrong: unknown command or flag, missing argument, bad setting. */
  usage: 2,
  /** The server could not be reached, or answered something that is not Callsign's API. */
  unreachable: 3,
});

/** A mistake on the command line; printed with the command's usage hint, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    /** The command whose `--help` to point at, e.g. `users create`. */
    readonly command = '',
  ) {
    super(message);
  }
}

/** What a command runs with; injected so tests can run commands in-process too. */
export interface Context {
  readonly io: Io;
  readonly env: NodeJS.ProcessEnv;
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

export interface Command {
  /** e.g. `users create`. */
  readonly name: string;
  /** One line for the command lists. */
  readonly summary: string;
  /** The full `--help` text. */
  readonly help: string;
  /** Resolves to the exit code. */
  run(args: readonly string[], ctx: Context): Promise<number>;
}

type OptionSpec = { readonly type: 'string' | 'boolean'; readonly short?: string; readonly multiple?: boolean };
export type Options = Readonly<Record<string, OptionSpec>>;

/** The flags every command that talks to a server takes. */
export const CLIENT_OPTIONS = {
  url: { type: 'string' },
  'secret-key': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

export const CLIENT_OPTIONS_HELP = `Connection and output:
  --url <url>            Callsign's address (env CALLSIGN_URL) [default: http://127.0.0.1:4000]
  --secret-key <key>     A secret key the server accepts (env CALLSIGN_SECRET_KEY; the first one if several)
  --json                 Print JSON (the client's camelCase models) instead of tables
  -h, --help             Show this help`;

type Values<O extends Options> = {
  [K in keyof O]?: O[K] extends { type: 'boolean' } ? boolean : O[K] extends { multiple: true } ? string[] : string;
};

/**
 * node:util parseArgs, strict: an unknown flag or a missing value is a
 * UsageError naming it. `positionals` names the positional arguments the
 * command takes, in order; more than that is an error too.
 */
export function parse<O extends Options>(
  command: string,
  args: readonly string[],
  options: O,
  positionals: readonly string[] = [],
): { readonly values: Values<O>; readonly positionals: readonly string[] } {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...args], options: options as never, allowPositionals: true, strict: true }) as typeof parsed;
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]!.replace(/\. To specify a positional argument.*$/, ''), command);
  }
  if (parsed.values.help !== true) {
    if (parsed.positionals.length > positionals.length) throw new UsageError(`unexpected argument "${parsed.positionals[positionals.length]}"`, command);
    const missing = positionals[parsed.positionals.length];
    if (missing !== undefined) throw new UsageError(`missing <${missing}>`, command);
  }
  return { values: parsed.values as Values<O>, positionals: parsed.positionals };
}

/** The client for `--url`/`--secret-key`, falling back to CALLSIGN_URL/CALLSIGN_SECRET_KEY. */
export function clientFor(command: string, values: { readonly url?: string; readonly 'secret-key'?: string }, env: NodeJS.ProcessEnv): Callsign {
  // CALLSIGN_SECRET_KEY may hold several keys for rotation; any one of them will do.
  const secretKey = values['secret-key'] ?? (env.CALLSIGN_SECRET_KEY ?? '').split(',').map((k) => k.trim()).find((k) => k !== '');
  if (secretKey === undefined || secretKey === '') {
    throw new UsageError('no secret key: pass --secret-key or set CALLSIGN_SECRET_KEY (in development, `callsign serve` prints the one it generated)', command);
  }
  const baseUrl = values.url ?? (env.CALLSIGN_URL || DEFAULT_BASE_URL);
  try {
    return new Callsign({ secretKey, baseUrl });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/^Callsign: baseUrl/, '--url'), command);
  }
}

/** A flag's JSON value (metadata). */
export function jsonFlag(command: string, flag: string, text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`--${flag} must be a JSON object, like '{"plan":"pro"}'`, command);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError(`--${flag} must be a JSON object, like '{"plan":"pro"}'`, command);
  return value as Record<string, unknown>;
}

/** A flag's non-negative integer value. */
export function integerFlag(command: string, flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new UsageError(`--${flag} must be a whole number, got "${text}"`, command);
  return Number(text);
}

/** `--x` / `--no-x` to true / false; neither to undefined; both is a mistake. */
export function toggle(command: string, flag: string, on: boolean | undefined, off: boolean | undefined): boolean | undefined {
  if (on && off) throw new UsageError(`--${flag} and --no-${flag} contradict each other`, command);
  return on ? true : off ? false : undefined;
}

/** Prints a command's `--help`; exit code 0. */
export function printHelp(ctx: Context, command: Pick<Command, 'help'>): number {
  ctx.io.out(`${command.help}\n`);
  return EXIT.ok;
}
