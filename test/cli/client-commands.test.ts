import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Callsign } from '@callsign/client';
import { assertAligned, cliEnv, finished, runBin, startCli, waitFor } from '../helpers/cli.js';
import { startServer, type TestServer, useServer } from '../helpers/server.js';
import { storeFactories } from '../helpers/stores.js';

/** Real (non-test-mode) mobile numbers, a fresh one per call: +1 415 203 xxxx. */
let next = 1000;
const freshNumber = (): string => `+1415203${String((next += 1)).padStart(4, '0')}`;

/**
 * The `callsign` commands that talk to a server, run as subprocesses against
 * a running Callsign in development settings (inbox and test mode on).
 */
for (const storeFactory of storeFactories()) {
  describe(`callsign CLI against Callsign (${storeFactory.name})`, () => {
    let server: TestServer;
    let env: NodeJS.ProcessEnv;
    let client: Callsign;
    before(async () => {
      server = await startServer({ storeFactory, devInbox: true, verification: { testMode: true } });
      env = cliEnv({ CALLSIGN_URL: server.url, CALLSIGN_SECRET_KEY: server.key });
      client = new Callsign({ secretKey: server.key, baseUrl: server.url });
    });
    after(() => server.close());

    const cli = (args: readonly string[], input = '') => runBin(args, env, input);
    const json = async (args: readonly string[]): Promise<any> => {
      const result = await cli([...args, '--json']);
      assert.equal(result.code, 0, result.stderr);
      return JSON.parse(result.stdout);
    };

    test('users create, get, list, delete: aligned tables by default, the client models with --json', async () => {
      const created = await cli([
        'users', 'create', '--first-name', 'Ada', '--last-name', 'Lovelace', '--external-id', 'ada-cli',
        '--phone-number', '+14155550170', '--phone-number', '+44 20 7946 0958', '--status', 'verified', '--status', 'reserved',
        '--public-metadata', '{"plan":"pro"}',
      ]);
      assert.equal(created.code, 0, created.stderr);
      assert.equal(created.stderr, '');
      const id = created.stdout.match(/^ID\s+(user_\w+)$/m)?.[1];
      assert.ok(id, created.stdout);
      assert.match(created.stdout, /^Name\s+Ada Lovelace$/m);
      assert.match(created.stdout, /^Primary phone\s+\+14155550170$/m);
      assert.match(created.stdout, /^Public metadata\s+\{"plan":"pro"\}$/m);
      assertAligned(created.stdout.slice(created.stdout.indexOf('ID   ', created.stdout.indexOf('\n\n'))));
      assert.match(created.stdout, /\+442079460958\s+reserved\s+no/);

      const user = await json(['users', 'get', id]);
      assert.deepEqual(user, JSON.parse(JSON.stringify(await client.users.get(id))));
      assert.equal(user.firstName, 'Ada');

      await cli(['users', 'create', '--first-name', 'Grace']);
      const listed = await cli(['users', 'list', '--limit', '5']);
      assert.equal(listed.code, 0, listed.stderr);
      assertAligned(listed.stdout);
      assert.match(listed.stdout.split('\n')[0]!, /^ID\s+NAME\s+EXTERNAL ID\s+PRIMARY PHONE\s+PHONES\s+2FA\s+CREATED$/);
      assert.match(listed.stdout, new RegExp(`^${id}\\s+Ada Lovelace\\s+ada-cli\\s+\\+14155550170\\s+2\\s+off\\s+`, 'm'));
      const filtered = await json(['users', 'list', '--phone-number', '+1 415 555 0170', '--order-by', '+created_at']);
      assert.deepEqual(filtered.map((u: any) => u.id), [id]);

      const deleted = await cli(['users', 'delete', id]);
      assert.equal(deleted.code, 0, deleted.stderr);
      assert.equal(deleted.stdout, `Deleted user ${id}.\n`);
      const gone = await cli(['users', 'get', id]);
      assert.equal(gone.code, 1);
      assert.match(gone.stderr, /^callsign: resource_not_found: .+ \(HTTP 404, (param user_id, )?trace \w+\)\n$/);
    });

    test('phone-numbers create, get, update, delete; backup codes are printed the once they exist', async () => {
      const user = await client.users.create();
      const created = await json(['phone-numbers', 'create', '--user-id', user.id, '--phone-number', '+1 415 555 0171', '--verified']);
      assert.equal(created.phoneNumber, '+14155550171');
      assert.equal(created.verification.object, 'verification_admin');
      const shown = await cli(['phone-numbers', 'get', created.id]);
      assert.equal(shown.code, 0, shown.stderr);
      assert.match(shown.stdout, /^State\s+verified \(admin\)$/m);
      assert.doesNotMatch(shown.stdout, /Backup codes/);

      const reserved = await cli(['phone-numbers', 'update', created.id, '--reserved-for-second-factor']);
      assert.equal(reserved.code, 0, reserved.stderr);
      assert.match(reserved.stdout, /^Second factor\s+yes \(default\)$/m);
      const codes = reserved.stdout.split('Backup codes (shown this once; store them now):\n')[1]?.trim().split('\n').map((c) => c.trim());
      assert.equal(codes?.length, 10, reserved.stdout);
      assert.deepEqual(await client.users.verifyTotp(user.id, { code: codes![0]! }), { verified: true, codeType: 'backup_code' });

      const unreserved = await json(['phone-numbers', 'update', created.id, '--no-reserved-for-second-factor', '--no-verified']);
      assert.equal(unreserved.reservedForSecondFactor, false);
      assert.equal(unreserved.verification, null);
      const contradiction = await cli(['phone-numbers', 'update', created.id, '--primary', '--no-primary']);
      assert.equal(contradiction.code, 2);
      assert.equal(contradiction.stderr, 'callsign: --primary and --no-primary contradict each other (see "callsign phone-numbers update --help")\n');

      const deleted = await cli(['phone-numbers', 'delete', created.id, '--json']);
      assert.deepEqual(JSON.parse(deleted.stdout), { object: 'phone_number', id: created.id, deleted: true });
    });

    test('errors are one line naming the ClerkErrors code, with a non-zero exit', async () => {
      const user = await client.users.create();
      await client.phoneNumbers.create({ userId: user.id, phoneNumber: '+14155550172', verified: true });
      const other = await client.users.create();
      const taken = await cli(['phone-numbers', 'create', '--user-id', other.id, '--phone-number', '+14155550172', '--verified']);
      assert.equal(taken.code, 1);
      assert.match(taken.stderr, /^callsign: form_identifier_exists: That phone number is taken\. Please try another\. \(HTTP 422, param phone_number, trace \w+\)\n$/);
      assert.equal(taken.stdout, '');

      const missing = await cli(['phone-numbers', 'create', '--user-id', other.id]);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /^callsign: form_param_missing: phone_number must be included\. \(HTTP 422, param phone_number, trace \w+\)\n$/);

      const unauthorized = await runBin(['users', 'list'], { ...env, CALLSIGN_SECRET_KEY: 'sk_wrong' });
      assert.equal(unauthorized.code, 1);
      assert.match(unauthorized.stderr, /^callsign: authentication_invalid: .+\(HTTP 401, trace \w+\)\n$/);
      // A flag wins over the environment.
      assert.equal((await runBin(['users', 'list', '--secret-key', server.key], { ...env, CALLSIGN_SECRET_KEY: 'sk_wrong' })).code, 0);

      const noKey = await runBin(['users', 'list'], cliEnv({ CALLSIGN_URL: server.url }));
      assert.equal(noKey.code, 2);
      assert.match(noKey.stderr, /^callsign: no secret key: pass --secret-key or set CALLSIGN_SECRET_KEY.*\n$/);

      const unreachable = await cli(['users', 'list', '--url', 'http://127.0.0.1:9']);
      assert.equal(unreachable.code, 3);
      assert.match(unreachable.stderr, /^callsign: cannot reach Callsign \(GET http:\/\/127\.0\.0\.1:9\/v1\/users\): .+\n$/);

      const limited = await client.phoneNumbers.create({ userId: user.id, phoneNumber: freshNumber() });
      await client.phoneNumbers.prepareVerification(limited.id!);
      const tooFast = await cli(['phone-numbers', 'verify', limited.id!, '--send', '--code', '123456']);
      assert.equal(tooFast.code, 1);
      assert.match(tooFast.stderr, /^callsign: too_many_requests: .+ \(HTTP 429, retry after \d+s, trace \w+\)\n$/);

      for (const [args, message] of [
        [['users', 'get'], 'missing <user_id> (see "callsign users get --help")'],
        [['users', 'get', 'a', 'b'], 'unexpected argument "b" (see "callsign users get --help")'],
        [['users', 'list', '--limit', 'ten'], '--limit must be a whole number, got "ten" (see "callsign users list --help")'],
        [['users', 'create', '--public-metadata', '[1]'], `--public-metadata must be a JSON object, like '{"plan":"pro"}' (see "callsign users create --help")`],
        [['users', 'frobnicate'], 'unknown command "users frobnicate" (see "callsign users --help")'],
        [['frobnicate'], 'unknown command "frobnicate" (see "callsign --help")'],
      ] as const) {
        const result = await cli(args);
        assert.equal(result.code, 2, args.join(' '));
        assert.equal(result.stderr, `callsign: ${message}\n`);
      }
      const unknownFlag = await cli(['users', 'list', '--colour']);
      assert.equal(unknownFlag.code, 2);
      assert.match(unknownFlag.stderr, /^callsign: Unknown option '--colour' \(see "callsign users list --help"\)\n$/);
    });

    test('phone-numbers verify --code: a test-mode number with 424242, and a wrong code', async () => {
      const user = await client.users.create();
      const number = await client.phoneNumbers.create({ userId: user.id, phoneNumber: '+14155550173' });
      const wrong = await cli(['phone-numbers', 'verify', number.id!, '--code', '000000']);
      assert.equal(wrong.code, 1);
      assert.match(wrong.stdout, /^Status\s+unverified$/m);
      assert.match(wrong.stderr, /callsign: \+14155550173 is not verified: the code was not right\.\n$/);

      const other = await client.users.create();
      const second = await client.phoneNumbers.create({ userId: other.id, phoneNumber: '+14155550174' });
      const right = await cli(['phone-numbers', 'verify', second.id!, '--code', '424242', '--json']);
      assert.equal(right.code, 0, right.stderr);
      assert.equal(JSON.parse(right.stdout).status, 'verified');
      assert.match(right.stderr, /^No code was pending: sent one to \+14155550174 \(verification ver_\w+, expires .+\)\.\n$/);
      assert.equal((await client.phoneNumbers.get(second.id!)).verification?.status, 'verified');
    });

    test('phone-numbers verify, interactively: prompts on stderr, reads the code from stdin, re-prompts after a wrong code', async () => {
      const phoneNumber = freshNumber();
      const user = await client.users.create();
      const number = await client.phoneNumbers.create({ userId: user.id, phoneNumber });
      const child = startCli(['phone-numbers', 'verify', number.id!], env);
      await waitFor(child, 'stderr', /Code: $/);
      // The code that was really sent, read where a developer would: the inbox.
      const code = (await client.dev.listSmsMessages({ phoneNumber, limit: 1 })).data[0]!.code!;
      child.stdin.write(`${code === '000000' ? '111111' : '000000'}\n`);
      await waitFor(child, 'stderr', /That code is not right \(1 attempt\(s\) so far\)\. Try again, or end the input \(Ctrl-D\) to stop\.\nCode: $/);
      child.stdin.write(`${code}\n`);
      const result = await finished(child);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^Status\s+verified$/m);
      assert.match(result.stdout, /^Attempts\s+2$/m);
      assert.match(result.stderr, new RegExp(`^No code was pending: sent one to \\${phoneNumber} .+\\nCode: That code is not right .+\\nCode: \\${phoneNumber} is verified\\.\\n$`));
      assert.equal((await client.phoneNumbers.get(number.id!)).verification?.status, 'verified');
    });

    test('phone-numbers verify with piped stdin: several attempts in one pipe; the input ending without a code fails', async () => {
      const user = await client.users.create();
      const number = await client.phoneNumbers.create({ userId: user.id, phoneNumber: '+14155550175' });
      const piped = await cli(['phone-numbers', 'verify', number.id!], '111111\n\n424242\n');
      assert.equal(piped.code, 0, piped.stderr);
      assert.match(piped.stdout, /^Attempts\s+2$/m);

      const other = await client.users.create();
      const second = await client.phoneNumbers.create({ userId: other.id, phoneNumber: '+14155550176' });
      const empty = await cli(['phone-numbers', 'verify', second.id!], '');
      assert.equal(empty.code, 1);
      assert.match(empty.stderr, /callsign: \+14155550176 is not verified: no code was entered\.\n$/);
    });

    /** The development inbox for one number, newest first. */
    const inbox = async (phoneNumber: string) => (await client.dev.listSmsMessages({ phoneNumber, limit: 500 })).data;
    const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    /** A new user's fresh real number with a code sent to it, and that code as the inbox shows it. */
    const pendingCode = async () => {
      const phoneNumber = freshNumber();
      const user = await client.users.create();
      const number = await client.phoneNumbers.create({ userId: user.id, phoneNumber });
      const sent = await client.phoneNumbers.prepareVerification(number.id!);
      const code = (await inbox(phoneNumber))[0]!.code!;
      return { phoneNumber, number, sent, code };
    };

    test('phone-numbers verify --code checks the code already sent to a real number: verified, and no second SMS', async () => {
      const phoneNumber = freshNumber();
      const user = await client.users.create();
      const number = await client.phoneNumbers.create({ userId: user.id, phoneNumber });
      const sent = await client.phoneNumbers.prepareVerification(number.id!);
      // Read where a developer reads it: the inbox, not the API's answer.
      const [message] = await inbox(phoneNumber);
      assert.equal(message?.verificationId, sent.id);

      const result = await cli(['phone-numbers', 'verify', number.id!, '--code', message.code!]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, new RegExp(`^Verification\\s+${sent.id}$`, 'm'));
      assert.match(result.stdout, /^Status\s+verified$/m);
      assert.match(
        result.stderr,
        new RegExp(`^Checking the code already sent to ${escape(phoneNumber)} \\(expires .+\\); nothing new was sent\\.\\n${escape(phoneNumber)} is verified\\.\\n$`),
      );
      assert.equal((await client.phoneNumbers.get(number.id!)).verification?.status, 'verified');
      assert.deepEqual((await inbox(phoneNumber)).map((m) => m.verificationId), [sent.id], 'exactly one SMS for the number');

      // Verified by SMS: asking again sends and checks nothing, and says so; --send is refused.
      const again = await cli(['phone-numbers', 'verify', number.id!, '--code', message.code!]);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /^State\s+verified \(sms\)$/m);
      assert.equal(again.stderr, `${phoneNumber} is already verified (by SMS); nothing was sent or checked.\n`);
      const resend = await cli(['phone-numbers', 'verify', number.id!, '--send']);
      assert.equal(resend.code, 1);
      assert.equal(resend.stderr, `callsign: ${phoneNumber} is already verified (by SMS); no code was sent: a code would verify nothing.\n`);
      assert.equal((await inbox(phoneNumber)).length, 1, 'still one SMS');
    });

    test('phone-numbers verify: a wrong code for the pending verification exits 1 and sends nothing; piped stdin uses the pending code too', async () => {
      const { phoneNumber, number, sent, code } = await pendingCode();
      const wrongCode = code === '000000' ? '111111' : '000000';

      const wrong = await cli(['phone-numbers', 'verify', number.id!, '--code', wrongCode]);
      assert.equal(wrong.code, 1);
      assert.match(wrong.stdout, /^Status\s+unverified$/m);
      assert.match(wrong.stdout, /^Attempts\s+1$/m);
      assert.match(wrong.stderr, new RegExp(`callsign: ${escape(phoneNumber)} is not verified: the code was not right\\.\\n$`));
      const state = await client.phoneNumbers.get(number.id!);
      assert.deepEqual([state.verification?.status, state.verification?.attempts], ['unverified', 1]);

      const piped = await cli(['phone-numbers', 'verify', number.id!], `${code}\n`);
      assert.equal(piped.code, 0, piped.stderr);
      assert.match(piped.stdout, new RegExp(`^Verification\\s+${sent.id}$`, 'm'));
      assert.match(piped.stdout, /^Attempts\s+2$/m);
      assert.match(piped.stderr, /^Checking the code already sent to .+; nothing new was sent\.\nCode: /);
      assert.deepEqual((await inbox(phoneNumber)).map((m) => m.verificationId), [sent.id], 'no SMS beyond the first');
    });

    test('phone-numbers verify --verification-id checks that verification and never sends; --send with it is a usage error', async () => {
      const { phoneNumber, number, sent, code } = await pendingCode();

      const both = await cli(['phone-numbers', 'verify', number.id!, '--verification-id', sent.id, '--send', '--code', code]);
      assert.equal(both.code, 2);
      assert.match(both.stderr, /^callsign: --send and --verification-id contradict each other.+\(see "callsign phone-numbers verify --help"\)\n$/);
      const unknown = await cli(['phone-numbers', 'verify', number.id!, '--verification-id', 'ver_unknown', '--code', code]);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /^callsign: resource_not_found: .+param verification_id/);
      const wrong = await cli(['phone-numbers', 'verify', number.id!, '--verification-id', sent.id, '--code', code === '000000' ? '111111' : '000000']);
      assert.equal(wrong.code, 1);
      assert.match(wrong.stderr, /the code was not right\.\n$/);

      const right = await cli(['phone-numbers', 'verify', number.id!, '--verification-id', sent.id, '--code', code, '--json']);
      assert.equal(right.code, 0, right.stderr);
      assert.deepEqual([JSON.parse(right.stdout).id, JSON.parse(right.stdout).status], [sent.id, 'verified']);
      assert.equal(right.stderr, '', 'nothing was sent, so nothing to say');
      assert.equal((await client.phoneNumbers.get(number.id!)).verification?.status, 'verified');
      assert.equal((await inbox(phoneNumber)).length, 1, 'no second SMS');
    });

    test('phone-numbers verify on a number an administrator verified sends nothing and exits 0; --send is refused', async () => {
      const phoneNumber = freshNumber();
      const user = await client.users.create();
      const number = await client.phoneNumbers.create({ userId: user.id, phoneNumber, verified: true });
      for (const args of [['--code', '123456'], [], ['--verification-id', 'ver_whatever', '--code', '1']]) {
        const result = await cli(['phone-numbers', 'verify', number.id!, ...args], '424242\n');
        assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
        assert.match(result.stdout, /^State\s+verified \(admin\)$/m);
        assert.equal(result.stderr, `${phoneNumber} is already verified (by an administrator); nothing was sent or checked.\n`);
      }
      const send = await cli(['phone-numbers', 'verify', number.id!, '--send', '--code', '123456']);
      assert.equal(send.code, 1);
      assert.match(send.stderr, /is already verified \(by an administrator\); no code was sent/);
      assert.deepEqual(await inbox(phoneNumber), [], 'no SMS to a verified number');
    });

    test('phone-numbers verify sends a new code only when none is pending: a failed verification is replaced', async () => {
      // A test-mode number: no send limits, and its code is 424242.
      const user = await client.users.create();
      const number = await client.phoneNumbers.create({ userId: user.id, phoneNumber: '+14155550181' });
      const failed = await client.phoneNumbers.prepareVerification(number.id!);
      for (let i = 0; i < 3; i += 1) await client.phoneNumbers.attemptVerification(number.id!, { verificationId: failed.id, code: '000000' });
      assert.equal((await client.phoneNumbers.get(number.id!)).verification?.status, 'failed');
      const result = await cli(['phone-numbers', 'verify', number.id!, '--code', '424242', '--json']);
      assert.equal(result.code, 0, result.stderr);
      const outcome = JSON.parse(result.stdout);
      assert.notEqual(outcome.id, failed.id);
      assert.equal(outcome.status, 'verified');
      assert.match(result.stderr, new RegExp(`^No code was pending: sent one to \\+14155550181 \\(verification ${outcome.id}, expires .+\\)\\.\\n$`));
      assert.deepEqual((await inbox('+14155550181')).map((m) => m.verificationId), [outcome.id, failed.id]);
    });

    test('sms inbox lists newest first, as the API does; an invalid --phone-number is refused naming the parameter', async () => {
      const user = await client.users.create();
      const older = await client.phoneNumbers.create({ userId: user.id, phoneNumber: '+14155550182' });
      const newer = await client.phoneNumbers.create({ userId: user.id, phoneNumber: '+14155550183' });
      const first = await client.phoneNumbers.prepareVerification(older.id!);
      const second = await client.phoneNumbers.prepareVerification(newer.id!);
      // Test-mode numbers have no resend cooldown: a second code to the same number at once.
      const third = await client.phoneNumbers.prepareVerification(older.id!);

      const table = await cli(['sms', 'inbox', '--limit', '3']);
      assert.equal(table.code, 0, table.stderr);
      assert.deepEqual(
        table.stdout.trim().split('\n').slice(1).map((row) => row.match(/\+\d+/)?.[0]),
        ['+14155550182', '+14155550183', '+14155550182'],
        table.stdout,
      );
      const listed = await json(['sms', 'inbox', '--limit', '3']);
      assert.deepEqual(listed.map((m: any) => m.verificationId), [third.id, second.id, first.id]);
      const api = await client.dev.listSmsMessages({ limit: 3 });
      assert.deepEqual(listed.map((m: any) => m.id), api.data.map((m) => m.id), 'the same order as GET /v1/dev/sms_messages');
      const one = await json(['sms', 'inbox', '--phone-number', '+1 415 555 0182']);
      assert.deepEqual(one.map((m: any) => m.verificationId), [third.id, first.id]);

      for (const bad of ['nonsense', '+1 555']) {
        const invalid = await cli(['sms', 'inbox', '--phone-number', bad]);
        assert.equal(invalid.code, 1, bad);
        assert.equal(invalid.stdout, '');
        assert.match(invalid.stderr, /^callsign: form_param_format_invalid: phone_number must be a valid phone number.+\(HTTP 422, param phone_number, trace \w+\)\n$/);
      }
    });

    test('sms inbox: a table, --json, and --follow printing new messages as they arrive', async () => {
      const phoneNumber = freshNumber();
      const user = await client.users.create();
      const number = await client.phoneNumbers.create({ userId: user.id, phoneNumber });
      const first = await client.phoneNumbers.prepareVerification(number.id!);
      const table = await cli(['sms', 'inbox', '--phone-number', phoneNumber]);
      assert.equal(table.code, 0, table.stderr);
      assertAligned(table.stdout);
      assert.match(table.stdout, new RegExp(`^\\S+ \\S+\\s+\\${phoneNumber}\\s+\\d{6}\\s+delivered\\s+log\\s+`, 'm'));
      const listed = await json(['sms', 'inbox', '--phone-number', phoneNumber]);
      assert.deepEqual(listed.map((m: any) => m.verificationId), [first.id]);

      const follower = startCli(['sms', 'inbox', '--follow', '--interval', '100', '--json'], env);
      await waitFor(follower, 'stdout', new RegExp(`"verificationId":"${first.id}"`));
      const other = await client.phoneNumbers.create({ userId: user.id, phoneNumber: '+14155550177' });
      const second = await client.phoneNumbers.prepareVerification(other.id!);
      await waitFor(follower, 'stdout', new RegExp(`"verificationId":"${second.id}"`));
      follower.kill('SIGINT');
      const result = await finished(follower);
      assert.equal(result.code, 0, result.stderr);
      const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
      assert.ok(lines.some((m) => m.verificationId === second.id && m.code === '424242' && m.status === 'test_mode'));
      assert.equal(new Set(lines.map((m) => `${m.id} ${m.status}`)).size, lines.length, 'nothing printed twice');
    });
  });

  describe(`callsign phone-numbers verify against Callsign without a development inbox (${storeFactory.name})`, () => {
    const running = useServer({ storeFactory });
    let env: NodeJS.ProcessEnv;
    let client: Callsign;
    before(() => {
      env = cliEnv({ CALLSIGN_URL: running.server.url, CALLSIGN_SECRET_KEY: running.server.key });
      client = new Callsign({ secretKey: running.server.key, baseUrl: running.server.url });
    });

    test('a code read on the phone verifies the number with nothing else: no inbox, no verification id, no second SMS', async () => {
      const user = await client.users.create();
      const number = await client.phoneNumbers.create({ userId: user.id, phoneNumber: freshNumber() });
      const sent = await client.phoneNumbers.prepareVerification(number.id!);
      // What the person reads on their phone: here, what the log provider kept.
      const messages = () => running.server.store.db.selectFrom('sms_messages').select(['verification_id', 'code']).where('phone_number_id', '=', number.id!).execute();
      const [message] = await messages();
      assert.equal(message?.verification_id, sent.id);
      const wrong = await runBin(['phone-numbers', 'verify', number.id!, '--code', message.code === '000000' ? '111111' : '000000'], env);
      assert.equal(wrong.code, 1);
      assert.match(wrong.stdout, /^Attempts\s+1$/m);
      assert.match(wrong.stderr, /the code was not right\.\n$/);

      const right = await runBin(['phone-numbers', 'verify', number.id!, '--code', message.code!], env);
      assert.equal(right.code, 0, right.stderr);
      assert.match(right.stderr, /^Checking the code already sent to \+\d+ \(expires .+\); nothing new was sent\.\n/);
      assert.equal((await client.phoneNumbers.get(number.id!)).verification?.status, 'verified');
      assert.equal((await messages()).length, 1, 'one SMS, the first');
    });
  });
}
