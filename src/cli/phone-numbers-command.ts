import { createInterface } from 'node:readline';
import type { Callsign, PhoneNumber, PhoneNumberOTP, VerificationResponse } from '@callsign/client';
import { CLIENT_OPTIONS, CLIENT_OPTIONS_HELP, EXIT, UsageError, clientFor, parse, printHelp, toggle, type Command, type Context } from './command.js';
import { json, phoneNumberDetails, time, verificationDetails } from './output.js';

const createOptions = {
  ...CLIENT_OPTIONS,
  'user-id': { type: 'string' },
  'phone-number': { type: 'string' },
  verified: { type: 'boolean' },
  primary: { type: 'boolean' },
  'reserved-for-second-factor': { type: 'boolean' },
} as const;

const phoneNumbersCreate: Command = {
  name: 'phone-numbers create',
  summary: 'Add a phone number to a user',
  help: `Usage: callsign phone-numbers create --user-id <user_id> --phone-number <number> [options]

Adds a number to a user (POST /v1/phone_numbers). When it becomes the user's
first second factor, their ten backup codes are printed, this once.

Options:
  --user-id <user_id>             The user who will hold the number (required)
  --phone-number <number>         With + and the country code (required)
  --verified                      Verified by an administrator (claims it)
  --primary                       Make it the user's primary number (it must be claimed)
  --reserved-for-second-factor    Reserve it as a second factor (it must be verified)

${CLIENT_OPTIONS_HELP}

Example:
  callsign phone-numbers create --user-id user_2x… --phone-number "+1 415 555 0101" --verified`,
  async run(args, ctx) {
    const { values } = parse(this.name, args, createOptions);
    if (values.help) return printHelp(ctx, this);
    const client = clientFor(this.name, values, ctx.env);
    // The server names a missing parameter itself (form_param_missing), exactly as for any client.
    const number = await client.phoneNumbers.create({
      userId: values['user-id'] as string,
      phoneNumber: values['phone-number'] as string,
      verified: values.verified,
      primary: values.primary,
      reservedForSecondFactor: values['reserved-for-second-factor'],
    });
    ctx.io.out(values.json ? json(number) : phoneNumberDetails(number));
    return EXIT.ok;
  },
};

const phoneNumbersGet: Command = {
  name: 'phone-numbers get',
  summary: 'Show a phone number and its verification',
  help: `Usage: callsign phone-numbers get <phone_number_id> [options]

Shows one number (GET /v1/phone_numbers/{phone_number_id}).

${CLIENT_OPTIONS_HELP}`,
  async run(args, ctx) {
    const { values, positionals } = parse(this.name, args, CLIENT_OPTIONS, ['phone_number_id']);
    if (values.help) return printHelp(ctx, this);
    const number = await clientFor(this.name, values, ctx.env).phoneNumbers.get(positionals[0]!);
    ctx.io.out(values.json ? json(number) : phoneNumberDetails(number));
    return EXIT.ok;
  },
};

const updateOptions = {
  ...CLIENT_OPTIONS,
  verified: { type: 'boolean' },
  'no-verified': { type: 'boolean' },
  primary: { type: 'boolean' },
  'no-primary': { type: 'boolean' },
  'reserved-for-second-factor': { type: 'boolean' },
  'no-reserved-for-second-factor': { type: 'boolean' },
} as const;

const phoneNumbersUpdate: Command = {
  name: 'phone-numbers update',
  summary: 'Mark a phone number verified, primary or a second factor (or not)',
  help: `Usage: callsign phone-numbers update <phone_number_id> [options]

Changes a number (PATCH /v1/phone_numbers/{phone_number_id}); what is not
given is left as it is.

Options:
  --verified, --no-verified
  --primary, --no-primary
  --reserved-for-second-factor, --no-reserved-for-second-factor

${CLIENT_OPTIONS_HELP}`,
  async run(args, ctx) {
    const { values, positionals } = parse(this.name, args, updateOptions, ['phone_number_id']);
    if (values.help) return printHelp(ctx, this);
    const number = await clientFor(this.name, values, ctx.env).phoneNumbers.update(positionals[0]!, {
      verified: toggle(this.name, 'verified', values.verified, values['no-verified']),
      primary: toggle(this.name, 'primary', values.primary, values['no-primary']),
      reservedForSecondFactor: toggle(this.name, 'reserved-for-second-factor', values['reserved-for-second-factor'], values['no-reserved-for-second-factor']),
    });
    ctx.io.out(values.json ? json(number) : phoneNumberDetails(number));
    return EXIT.ok;
  },
};

const phoneNumbersDelete: Command = {
  name: 'phone-numbers delete',
  summary: 'Delete a phone number',
  help: `Usage: callsign phone-numbers delete <phone_number_id> [options]

Deletes a number (DELETE /v1/phone_numbers/{phone_number_id}); the user's
primary number and default second factor move on to the oldest remaining one.

${CLIENT_OPTIONS_HELP}`,
  async run(args, ctx) {
    const { values, positionals } = parse(this.name, args, CLIENT_OPTIONS, ['phone_number_id']);
    if (values.help) return printHelp(ctx, this);
    const deleted = await clientFor(this.name, values, ctx.env).phoneNumbers.delete(positionals[0]!);
    ctx.io.out(values.json ? json(deleted) : `Deleted phone number ${deleted.id ?? positionals[0]}.\n`);
    return EXIT.ok;
  },
};

/** Reads answers line by line from stdin: a terminal, or a pipe holding several attempts. */
function linePrompt(ctx: Context): { ask(question: string): Promise<string | undefined>; close(): void } {
  const terminal = ctx.stdin.isTTY === true;
  const rl = createInterface({ input: ctx.stdin, ...(terminal ? { output: process.stderr, terminal: true } : { terminal: false }) });
  const lines = rl[Symbol.asyncIterator]();
  return {
    async ask(question) {
      ctx.io.err(question);
      const next = await lines.next();
      return next.done ? undefined : String(next.value).trim();
    },
    close() {
      rl.close();
      ctx.stdin.pause();
    },
  };
}

async function attemptInteractively(ctx: Context, client: Callsign, id: string, verificationId: string | undefined): Promise<VerificationResponse | undefined> {
  const prompt = linePrompt(ctx);
  try {
    let current: VerificationResponse | undefined;
    for (;;) {
      const code = await prompt.ask('Code: ');
      if (code === undefined) {
        ctx.io.err('\n');
        return current;
      }
      if (code === '') continue;
      current = await client.phoneNumbers.attemptVerification(id, { verificationId, code });
      if (current.status !== 'unverified') return current;
      ctx.io.err(`That code is not right (${current.attempts ?? '?'} attempt(s) so far). Try again, or end the input (Ctrl-D) to stop.\n`);
    }
  } finally {
    prompt.close();
  }
}

/** Verified by an administrator, or by a code. */
const isVerified = (number: PhoneNumber): boolean =>
  number.verification?.object === 'verification_admin' || (number.verification?.object === 'verification_otp' && number.verification.status === 'verified');

/** A code was sent and can still verify the number: not yet verified, failed or expired. */
function pendingCode(number: PhoneNumber, now: number): PhoneNumberOTP | undefined {
  const v = number.verification;
  if (v?.object !== 'verification_otp' || v.status !== 'unverified') return undefined;
  return v.expireAt === null || v.expireAt > now ? v : undefined;
}

const verifyOptions = {
  ...CLIENT_OPTIONS,
  code: { type: 'string' },
  'verification-id': { type: 'string' },
  send: { type: 'boolean' },
} as const;

const phoneNumbersVerify: Command = {
  name: 'phone-numbers verify',
  summary: 'Check an SMS code (sending one first only when none is pending)',
  help: `Usage: callsign phone-numbers verify <phone_number_id> [--code <code>] [--verification-id <ver_id> | --send] [options]

Checks a one-time code against a verification of the number
(attempt_verification); the right code verifies it. Which verification:
  --verification-id <ver_id>  that one (prepare_verification answered its id);
                              nothing is sent
  neither flag                the code already sent, while it is pending (not
                              yet verified, failed or expired); nothing is sent.
                              Only when no code is pending is one sent first
                              (prepare_verification), and stderr says so
  --send                      send a new code first, replacing any pending one

A number that is already verified is left alone: stderr says so, nothing is
sent or checked, and the exit code is 0; with --send it is refused (exit 1),
as a code to a verified number verifies nothing.

Without --code, asks for the code on stdin, from a terminal or a pipe, one
attempt per line, until it is accepted, refused for good or the input ends;
with --code, checks it once. Exits 0 only when the number ends up verified.

Without --verification-id the code goes to the number's current verification
(attempt_verification without verification_id), so a code read on the phone
is all it needs. In development, \`callsign sms inbox\` shows the code sent.

Options:
  --code <code>                 Check this code instead of asking
  --verification-id <ver_id>    Check against this verification; never send
  --send                        Send a new code first (not to a verified number)

${CLIENT_OPTIONS_HELP}

Examples:
  callsign phone-numbers verify idn_2x… --code 123456
  callsign phone-numbers verify idn_2x… --verification-id ver_2x… --code 123456
  echo 424242 | callsign phone-numbers verify idn_2x… --send`,
  async run(args, ctx) {
    const { values, positionals } = parse(this.name, args, verifyOptions, ['phone_number_id']);
    if (values.help) return printHelp(ctx, this);
    if (values.send && values['verification-id'] !== undefined) {
      throw new UsageError('--send and --verification-id contradict each other: --verification-id checks a code already sent', this.name);
    }
    const client = clientFor(this.name, values, ctx.env);
    const id = positionals[0]!;
    const number = await client.phoneNumbers.get(id);
    const e164 = number.phoneNumber;

    if (isVerified(number)) {
      const how = number.verification?.object === 'verification_admin' ? 'by an administrator' : 'by SMS';
      if (values.send) {
        ctx.io.err(`callsign: ${e164} is already verified (${how}); no code was sent: a code would verify nothing.\n`);
        return EXIT.failed;
      }
      ctx.io.out(values.json ? json(number) : phoneNumberDetails(number));
      ctx.io.err(`${e164} is already verified (${how}); nothing was sent or checked.\n`);
      return EXIT.ok;
    }

    // Undefined: the server checks the number's current verification.
    let verificationId = values['verification-id'];
    const pending = verificationId === undefined && !values.send ? pendingCode(number, Date.now()) : undefined;
    if (pending !== undefined) {
      ctx.io.err(`Checking the code already sent to ${e164} (expires ${time(pending.expireAt)}); nothing new was sent.\n`);
    } else if (verificationId === undefined) {
      const prepared = await client.phoneNumbers.prepareVerification(id);
      verificationId = prepared.id;
      const why = values.send ? 'Sent a code' : 'No code was pending: sent one';
      ctx.io.err(`${why} to ${e164} (verification ${prepared.id}, expires ${time(prepared.expireAt)}).\n`);
    }

    const result =
      values.code === undefined
        ? await attemptInteractively(ctx, client, id, verificationId)
        : await client.phoneNumbers.attemptVerification(id, { verificationId, code: values.code });
    if (result !== undefined) ctx.io.out(values.json ? json(result) : verificationDetails(result));
    if (result?.status === 'verified') {
      if (!values.json) ctx.io.err(`${e164} is verified.\n`);
      return EXIT.ok;
    }
    const why =
      result === undefined ? 'no code was entered' : result.status === 'unverified' ? 'the code was not right' : `the verification is ${result.status}`;
    ctx.io.err(`callsign: ${e164} is not verified: ${why}.\n`);
    return EXIT.failed;
  },
};

export const phoneNumbersCommands: readonly Command[] = [phoneNumbersCreate, phoneNumbersGet, phoneNumbersUpdate, phoneNumbersDelete, phoneNumbersVerify];
