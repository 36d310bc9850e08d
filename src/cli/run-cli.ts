import { readFileSync } from 'node:fs';
import { CallsignApiError, CallsignConnectionError, CallsignDecodeError } from '@callsign/client';
import { EXIT, UsageError, type Command, type Context } from './command.js';
import { phoneNumbersCommands } from './phone-numbers-command.js';
import { migrate, serve } from './server-commands.js';
import { smsCommands } from './sms-command.js';
import { usersCommands } from './users-command.js';

const TOP: readonly Command[] = [serve, migrate];
const GROUPS: Readonly<Record<string, { readonly summary: string; readonly commands: readonly Command[] }>> = {
  users: { summary: 'Users', commands: usersCommands },
  'phone-numbers': { summary: 'Phone numbers and their verification by SMS', commands: phoneNumbersCommands },
  sms: { summary: 'The development SMS inbox', commands: smsCommands },
};

function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

const list = (commands: readonly Command[]): string => {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join('\n');
};

const MAIN_HELP = `Usage: callsign <command> [options]

The command line of Callsign, the self-hostable phone-number identity service.
Every command takes --help. Commands other than serve and migrate talk to a
running Callsign (or Clerk's Backend API) through @callsign/client.

Commands:
${list([...TOP, ...Object.values(GROUPS).flatMap((g) => g.commands)])}

Connection (commands that talk to a server):
  --url <url>          env CALLSIGN_URL [default: http://127.0.0.1:4000]
  --secret-key <key>   env CALLSIGN_SECRET_KEY
  --json               JSON instead of tables

Exit codes:
  0  success
  1  the server answered with an error (the message names its code), or the operation did not succeed
  2  the command line is wrong (unknown command or flag, missing argument, bad setting)
  3  the server could not be reached, or its answer was not Callsign's API

  -h, --help      Show this help
  -v, --version   Show the version`;

function groupHelp(name: string): string {
  const group = GROUPS[name]!;
  return `Usage: callsign ${name} <command> [options]\n\n${group.summary}.\n\nCommands:\n${list(group.commands)}\n\nRun "callsign ${name} <command> --help" for a command's options.`;
}

/** One line, whatever the message held. */
const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, ' ').trim();

/** Turns any failure into one line on stderr and its exit code. */
export function report(error: unknown, ctx: Pick<Context, 'io'>): number {
  const say = (text: string): void => ctx.io.err(`callsign: ${oneLine(text)}\n`);
  if (error instanceof UsageError) {
    say(`${error.message} (see "callsign ${error.command ? `${error.command} ` : ''}--help")`);
    return EXIT.usage;
  }
  if (error instanceof CallsignApiError) {
    const first = error.errors[0];
    if (first === undefined) {
      say(`${error.request} answered HTTP ${error.status} without a ClerkErrors body: is --url a Callsign server?`);
      return EXIT.unreachable;
    }
    const extra = [
      `HTTP ${error.status}`,
      first.meta.paramName === undefined ? undefined : `param ${first.meta.paramName}`,
      error.retryAfter === undefined ? undefined : `retry after ${error.retryAfter}s`,
      error.clerkTraceId === undefined ? undefined : `trace ${error.clerkTraceId}`,
    ].filter((part) => part !== undefined);
    say(`${first.code}: ${first.longMessage ?? first.message} (${extra.join(', ')})`);
    return EXIT.failed;
  }
  if (error instanceof CallsignConnectionError) {
    say(`${error.message} (is it running? set --url or CALLSIGN_URL)`);
    return EXIT.unreachable;
  }
  if (error instanceof CallsignDecodeError) {
    say(`unexpected answer, ${error.message}`);
    return EXIT.unreachable;
  }
  say(error instanceof Error ? error.message : String(error));
  return EXIT.failed;
}

/**
 * Runs one command line (without `node` and the script) and resolves to its
 * exit code; never throws. Output goes through `ctx.io`.
 */
export async function runCli(argv: readonly string[], ctx: Context): Promise<number> {
  const [first, second, ...rest] = argv;
  try {
    if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
      (first === undefined ? ctx.io.err : ctx.io.out)(`${MAIN_HELP}\n`);
      return first === undefined ? EXIT.usage : EXIT.ok;
    }
    if (first === '-v' || first === '--version') {
      ctx.io.out(`callsign ${version()}\n`);
      return EXIT.ok;
    }
    const top = TOP.find((c) => c.name === first);
    if (top !== undefined) return await top.run(argv.slice(1), ctx);
    const group = GROUPS[first];
    if (group === undefined) throw new UsageError(`unknown command "${first}"`);
    if (second === undefined || second === '-h' || second === '--help') {
      (second === undefined ? ctx.io.err : ctx.io.out)(`${groupHelp(first)}\n`);
      return second === undefined ? EXIT.usage : EXIT.ok;
    }
    const command = group.commands.find((c) => c.name === `${first} ${second}`);
    if (command === undefined) throw new UsageError(`unknown command "${first} ${second}"`, first);
    return await command.run(rest, ctx);
  } catch (error) {
    return report(error, ctx);
  }
}
