import { setTimeout as sleep } from 'node:timers/promises';
import { CallsignApiError, type SmsMessage } from '@callsign/client';
import { CLIENT_OPTIONS, CLIENT_OPTIONS_HELP, EXIT, UsageError, clientFor, integerFlag, parse, printHelp, type Command } from './command.js';
import { SMS_HEADER, fixedLine, json, smsRow, table } from './output.js';

const inboxOptions = {
  ...CLIENT_OPTIONS,
  'phone-number': { type: 'string' },
  limit: { type: 'string' },
  follow: { type: 'boolean', short: 'f' },
  interval: { type: 'string' },
} as const;

/** Stops a `--follow` loop; SIGINT and SIGTERM in the real CLI, a controller in tests. */
export interface FollowControl {
  readonly signal?: AbortSignal;
}

const smsInbox: Command & { follow?: FollowControl } = {
  name: 'sms inbox',
  summary: "Show the development SMS inbox (codes Callsign sent), optionally following it",
  help: `Usage: callsign sms inbox [options]

Shows the messages Callsign sent or meant to send, with their codes (log
provider and test-mode numbers) and delivery status (GET /v1/dev/sms_messages),
newest first, as the API lists them. Served in development or with test mode
on only.

Options:
  --phone-number <number>   Only messages to this number (with + and the country
                            code; an invalid number is refused, naming it)
  --limit <n>               How many of the newest to show, 1 to 500 [default: 20]
  -f, --follow              Print as a log instead, oldest first, then keep appending
                            new messages, and messages whose status changed, until
                            interrupted (with --json: one JSON object per line)
  --interval <ms>           How often --follow asks for new messages [default: 1000]

${CLIENT_OPTIONS_HELP}

Example:
  callsign sms inbox --phone-number +14155550101 --limit 1`,
  async run(args, ctx) {
    const { values } = parse(this.name, args, inboxOptions);
    if (values.help) return printHelp(ctx, this);
    const limit = integerFlag(this.name, 'limit', values.limit) ?? 20;
    if (limit < 1 || limit > 500) throw new UsageError('--limit must be from 1 to 500', this.name);
    const interval = integerFlag(this.name, 'interval', values.interval) ?? 1000;
    if (interval < 100) throw new UsageError('--interval must be at least 100 (ms)', this.name);
    const client = clientFor(this.name, values, ctx.env);
    const fetchPage = async (): Promise<readonly SmsMessage[]> => {
      try {
        return (await client.dev.listSmsMessages({ phoneNumber: values['phone-number'], limit })).data;
      } catch (error) {
        if (error instanceof CallsignApiError && error.status === 404) {
          throw new Error(`resource_not_found: this server has no development inbox; it is served in development or with CALLSIGN_TEST_MODE=true`);
        }
        throw error;
      }
    };

    // A listing is newest first, as the API answers; --follow is a log that
    // grows at the bottom, so it prints oldest first.
    const newest = await fetchPage();
    if (!values.follow) {
      if (values.json) ctx.io.out(json(newest));
      else ctx.io.out(newest.length === 0 ? 'No messages.\n' : table(SMS_HEADER, newest.map(smsRow)));
      return EXIT.ok;
    }
    const first = [...newest].reverse();

    const signal = this.follow?.signal ?? stopSignal();
    // A message is printed again when its delivery status changes (retrying, then delivered).
    const seen = new Map<string, string>();
    const print = (message: SmsMessage): void => {
      seen.set(message.id, message.status);
      ctx.io.out(values.json ? `${JSON.stringify(message)}\n` : fixedLine(smsRow(message)));
    };
    if (!values.json) ctx.io.out(fixedLine(SMS_HEADER));
    first.forEach(print);
    while (!signal.aborted) {
      try {
        await sleep(interval, undefined, { signal });
      } catch {
        break;
      }
      for (const message of [...(await fetchPage())].reverse()) if (seen.get(message.id) !== message.status) print(message);
    }
    return EXIT.ok;
  },
};

function stopSignal(): AbortSignal {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return controller.signal;
}

export const smsCommands: readonly Command[] = [smsInbox];
