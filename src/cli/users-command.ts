import type { IdentificationStatus, UserOrderBy } from '@callsign/client';
import { CLIENT_OPTIONS, CLIENT_OPTIONS_HELP, EXIT, UsageError, clientFor, integerFlag, jsonFlag, parse, printHelp, type Command } from './command.js';
import { json, userDetails, usersTable } from './output.js';

const STATUSES: readonly string[] = ['verified', 'reserved', 'unverified'];
const ORDER_BY: readonly string[] = ['created_at', '+created_at', '-created_at', 'updated_at', '+updated_at', '-updated_at'];

const createOptions = {
  ...CLIENT_OPTIONS,
  'first-name': { type: 'string' },
  'last-name': { type: 'string' },
  'external-id': { type: 'string' },
  'phone-number': { type: 'string', multiple: true },
  status: { type: 'string', multiple: true },
  'public-metadata': { type: 'string' },
  'private-metadata': { type: 'string' },
  'unsafe-metadata': { type: 'string' },
} as const;

const usersCreate: Command = {
  name: 'users create',
  summary: 'Create a user, with or without phone numbers',
  help: `Usage: callsign users create [options]

Creates a user (POST /v1/users). A user needs no identifier: with no options
it is created empty, and numbers can be added later.

Options:
  --first-name <name>
  --last-name <name>
  --external-id <id>          Your own id for the user
  --phone-number <number>     A number to add, with + and the country code (repeatable)
  --status <status>           verified, reserved or unverified: the status of the
                              --phone-number at the same position (repeatable) [default: verified]
  --public-metadata <json>    A JSON object, e.g. '{"plan":"pro"}'
  --private-metadata <json>
  --unsafe-metadata <json>

${CLIENT_OPTIONS_HELP}

Example:
  callsign users create --first-name Ada --phone-number +14155550101 --status reserved`,
  async run(args, ctx) {
    const { values } = parse(this.name, args, createOptions);
    if (values.help) return printHelp(ctx, this);
    const bad = values.status?.find((s) => !STATUSES.includes(s));
    if (bad !== undefined) throw new UsageError(`--status must be verified, reserved or unverified, got "${bad}"`, this.name);
    const user = await clientFor(this.name, values, ctx.env).users.create({
      firstName: values['first-name'],
      lastName: values['last-name'],
      externalId: values['external-id'],
      phoneNumber: values['phone-number'],
      phoneNumberIdentificationStatus: values.status as IdentificationStatus[] | undefined,
      publicMetadata: jsonFlag(this.name, 'public-metadata', values['public-metadata']),
      privateMetadata: jsonFlag(this.name, 'private-metadata', values['private-metadata']),
      unsafeMetadata: jsonFlag(this.name, 'unsafe-metadata', values['unsafe-metadata']),
    });
    ctx.io.out(values.json ? json(user) : userDetails(user));
    return EXIT.ok;
  },
};

const usersGet: Command = {
  name: 'users get',
  summary: 'Show a user and their phone numbers',
  help: `Usage: callsign users get <user_id> [options]

Shows one user with their phone numbers (GET /v1/users/{user_id}).

${CLIENT_OPTIONS_HELP}`,
  async run(args, ctx) {
    const { values, positionals } = parse(this.name, args, CLIENT_OPTIONS, ['user_id']);
    if (values.help) return printHelp(ctx, this);
    const user = await clientFor(this.name, values, ctx.env).users.get(positionals[0]!);
    ctx.io.out(values.json ? json(user) : userDetails(user));
    return EXIT.ok;
  },
};

const listOptions = {
  ...CLIENT_OPTIONS,
  'phone-number': { type: 'string', multiple: true },
  'user-id': { type: 'string', multiple: true },
  'external-id': { type: 'string', multiple: true },
  query: { type: 'string' },
  limit: { type: 'string' },
  offset: { type: 'string' },
  'order-by': { type: 'string' },
  'starting-after': { type: 'string' },
} as const;

const usersList: Command = {
  name: 'users list',
  summary: 'List users, newest first',
  help: `Usage: callsign users list [options]

Lists users (GET /v1/users). Values of one filter are alternatives.

Options:
  --phone-number <number>     Users holding this number (repeatable)
  --user-id <id>              (repeatable)
  --external-id <id>          (repeatable)
  --query <text>              Matches ids, names and numbers
  --limit <n>                 1 to 500 [default: 10]
  --offset <n>                [default: 0]
  --order-by <field>          created_at or updated_at, prefixed + or - [default: -created_at]
  --starting-after <user_id>  Only users after this one in that order

${CLIENT_OPTIONS_HELP}`,
  async run(args, ctx) {
    const { values } = parse(this.name, args, listOptions);
    if (values.help) return printHelp(ctx, this);
    const orderBy = values['order-by'];
    if (orderBy !== undefined && !ORDER_BY.includes(orderBy)) throw new UsageError(`--order-by must be one of ${ORDER_BY.join(', ')}`, this.name);
    const users = await clientFor(this.name, values, ctx.env).users.list({
      phoneNumber: values['phone-number'],
      userId: values['user-id'],
      externalId: values['external-id'],
      query: values.query,
      limit: integerFlag(this.name, 'limit', values.limit),
      offset: integerFlag(this.name, 'offset', values.offset),
      orderBy: orderBy as UserOrderBy | undefined,
      startingAfter: values['starting-after'],
    });
    ctx.io.out(values.json ? json(users) : usersTable(users));
    return EXIT.ok;
  },
};

const usersDelete: Command = {
  name: 'users delete',
  summary: 'Delete a user and their phone numbers',
  help: `Usage: callsign users delete <user_id> [options]

Deletes a user and every number they hold (DELETE /v1/users/{user_id}).

${CLIENT_OPTIONS_HELP}`,
  async run(args, ctx) {
    const { values, positionals } = parse(this.name, args, CLIENT_OPTIONS, ['user_id']);
    if (values.help) return printHelp(ctx, this);
    const deleted = await clientFor(this.name, values, ctx.env).users.delete(positionals[0]!);
    ctx.io.out(values.json ? json(deleted) : `Deleted user ${deleted.id ?? positionals[0]}.\n`);
    return EXIT.ok;
  },
};

export const usersCommands: readonly Command[] = [usersCreate, usersGet, usersList, usersDelete];
