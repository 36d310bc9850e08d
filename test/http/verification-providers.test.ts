import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { createTwilioSmsSender } from '../../src/sms/twilio-sms-sender.js';
import { createWebhookSmsSender } from '../../src/sms/webhook-sms-sender.js';
import { assertError, checked, createApi } from '../helpers/api.js';
import { TestClock } from '../helpers/clock.js';
import { startServer, type StartOptions, type TestServer } from '../helpers/server.js';
import { storeFactories } from '../helpers/stores.js';
import { startFakeProvider, TWILIO_SID, TWILIO_TOKEN, WEBHOOK_SECRET, type FakeProvider, type ReceivedRequest } from '../sms/fake-provider.js';
import { eventually, freshNumber, verificationApi, wrongCode } from './verification-helpers.js';

/** The payload of a webhook request, after checking its signature with the public verifier. */
function verifiedPayload(req: ReceivedRequest): any {
  return new Webhook(WEBHOOK_SECRET).verify(req.body, {
    'webhook-id': String(req.headers['webhook-id']),
    'webhook-timestamp': String(req.headers['webhook-timestamp']),
    'webhook-signature': String(req.headers['webhook-signature']),
  });
}

const codeInTwilioBody = (req: ReceivedRequest): string => /code is ([0-9]{6})/.exec(new URLSearchParams(req.body).get('Body') ?? '')![1]!;

/**
 * The suite's fake provider, then a Callsign sending through it (its options
 * need the provider's URL); both closed after the suite, the server first.
 * Returns the verification helpers over that server, every answer checked on
 * the wire: Content-Type, 200s against the reference schema, errors as ClerkErrors.
 */
function useServerSendingTo(startProvider: () => Promise<FakeProvider>, options: (provider: FakeProvider) => StartOptions) {
  let provider: FakeProvider | undefined;
  let server: TestServer | undefined;
  before(async () => {
    provider = await startProvider();
    server = await startServer(options(provider));
  });
  after(async () => {
    await server?.close();
    await provider?.close();
  });
  return verificationApi(checked(createApi({ get url() { return server!.url; }, get key() { return server!.key; } })));
}

for (const storeFactory of storeFactories()) {
  describe(`SMS providers end to end: webhook (${storeFactory.name})`, () => {
    let gateway: FakeProvider;
    const clock = new TestClock();
    const logs: string[] = [];
    const v = useServerSendingTo(
      async () => (gateway = await startFakeProvider({ status: 204 })),
      (gateway) => ({
        storeFactory,
        clock,
        devInbox: true,
        sms: createWebhookSmsSender({ url: `${gateway.url}/sms`, secret: WEBHOOK_SECRET }),
        smsRetry: { initialDelayMs: 10, maxDelayMs: 20 },
        logger: { level: 'info', stream: { write: (line: string) => void logs.push(line) } },
      }),
    );

    test('prepare POSTs a signed payload; its code verifies; the inbox records the delivery with the code masked', async () => {
      const phoneNumber = freshNumber();
      const n = await v.newNumber(phoneNumber);
      const sent = gateway.requests.length;
      const prep = await v.prepare(n.id);
      assert.equal(prep.status, 200);
      assert.equal(gateway.requests.length, sent + 1);
      const req = gateway.requests.at(-1)!;
      assert.equal(req.url, '/sms');
      const payload = verifiedPayload(req);
      const [message] = await v.inbox(phoneNumber);
      assert.deepEqual(payload, {
        id: message.id,
        to: phoneNumber,
        body: `Your verification code is ${payload.code}. It expires in 10 minutes.`,
        code: payload.code,
        phone_number_id: n.id,
        verification_id: prep.body.id,
        expire_at: prep.body.expire_at,
      });
      assert.deepEqual(
        [message.provider, message.status, message.attempts, message.code, message.body],
        ['webhook', 'delivered', 1, null, 'Your verification code is ******. It expires in 10 minutes.'],
      );
      assert.equal((await v.attempt(n.id, prep.body.id, payload.code)).body.status, 'verified');
    });

    test('a gateway that fails twice then recovers: the caller gets its verification at once, the third try delivers the same message', async () => {
      const phoneNumber = freshNumber();
      const n = await v.newNumber(phoneNumber);
      const sent = gateway.requests.length;
      gateway.queue({ status: 503, body: 'overloaded' }, 'drop');
      const prep = await v.prepare(n.id);
      assert.equal(prep.status, 200);
      assert.equal(prep.body.status, 'unverified');
      const delivered = await eventually(async () => {
        const [m] = await v.inbox(phoneNumber);
        return m.status === 'delivered' ? m : undefined;
      });
      assert.equal(delivered.attempts, 3);
      assert.equal(delivered.last_error, null);
      const tries = gateway.requests.slice(sent);
      assert.equal(tries.length, 3);
      assert.deepEqual(new Set(tries.map((t) => t.headers['webhook-id'])), new Set([delivered.id]));
      const code = verifiedPayload(tries[2]!).code;
      assert.equal((await v.attempt(n.id, prep.body.id, code)).body.status, 'verified');
    });

    test('retries stop when the code expires: recorded expired, logged', async () => {
      const phoneNumber = freshNumber();
      const n = await v.newNumber(phoneNumber);
      gateway.fallback = { status: 500 };
      try {
        await v.prepare(n.id);
        const [first] = await v.inbox(phoneNumber);
        assert.equal(first.status, 'retrying');
        assert.match(first.last_error, /500/);
        clock.advance(10 * 60_000);
        const expired = await eventually(async () => {
          const [m] = await v.inbox(phoneNumber);
          return m.status === 'expired' ? m : undefined;
        });
        assert.ok(expired.attempts >= 1);
        assert.match(expired.last_error, /expired|500/);
        const tries = gateway.requests.length;
        await new Promise((resolve) => setTimeout(resolve, 60));
        assert.equal(gateway.requests.length, tries, 'no tries after the code expired');
      } finally {
        gateway.fallback = { status: 204 };
      }
    });

    test('a first try that fails transiently with no time left to retry is 503: the verification is failed, nothing is retried, a new code may be prepared', async () => {
      const phoneNumber = freshNumber();
      const n = await v.newNumber(phoneNumber);
      const sent = gateway.requests.length;
      // The gateway takes all but 5 ms of the code's 10 minutes (on the app's clock) and then fails: the 10 ms retry would land after the expiry.
      gateway.queue({
        status: 503,
        body: () => {
          clock.advance(10 * 60_000 - 5);
          return 'overloaded';
        },
      });
      const res = await v.prepare(n.id);
      assertError(res, 503, 'service_unavailable');
      assert.match(res.body.errors[0].long_message, /503: overloaded/);
      assert.match(res.body.errors[0].long_message, /not delivered/);
      // The resend cooldown has long passed on the app's clock, so the shortest wait.
      assert.equal(res.headers.get('retry-after'), '1');
      const [message] = await v.inbox(phoneNumber);
      assert.deepEqual([message.status, message.attempts, message.next_attempt_at], ['expired', 1, null]);
      assert.equal((await v.number(n.id)).verification.status, 'failed');
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(gateway.requests.length, sent + 1, 'not retried');
      const code = verifiedPayload(gateway.requests.at(-1)!).code;
      assert.equal((await v.attempt(n.id, message.verification_id, code)).body.status, 'failed');
      // The gateway is back: a new code goes out.
      const again = await v.prepare(n.id);
      assert.equal(again.status, 200, again.text);
      assert.equal((await v.inbox(phoneNumber))[0].status, 'delivered');
    });

    test('a definite refusal is 422 sms_delivery_failed; the verification is failed; nothing is retried', async () => {
      const phoneNumber = freshNumber();
      const n = await v.newNumber(phoneNumber);
      // A receiver that echoes what it got: the request holds the code.
      gateway.queue({ status: 400, body: (req: ReceivedRequest) => ({ error: 'number not reachable', received: req.body }) });
      const sent = gateway.requests.length;
      const res = await v.prepare(n.id);
      assertError(res, 422, 'sms_delivery_failed');
      assert.match(res.body.errors[0].long_message, /400/);
      const [message] = await v.inbox(phoneNumber);
      assert.equal(message.status, 'refused');
      assert.match(message.last_error, /number not reachable/);
      assert.equal((await v.number(n.id)).verification.status, 'failed');
      const code = verifiedPayload(gateway.requests.at(-1)!).code;
      assert.ok(!res.text.includes(code), 'the code is not in the answer to the caller');
      assert.ok(!message.last_error.includes(code), 'the code is not in the recorded error (shown in the inbox)');
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(gateway.requests.length, sent + 1, 'not retried');
      const verificationId = message.verification_id;
      assert.equal((await v.attempt(n.id, verificationId, code)).body.status, 'failed');
    });

    test('logs carry masked numbers and outcomes, never a code or a whole number', async () => {
      const text = logs.join('');
      assert.match(text, /"provider":"webhook"/);
      assert.match(text, /"status":"delivered"/);
      assert.match(text, /"status":"retrying"/);
      assert.match(text, /"status":"refused"/);
      assert.match(text, /"to":"\+14\*+\d\d"/);
      assert.doesNotMatch(text, /\+1415201\d{4}/);
      for (const req of gateway.requests) {
        const code = verifiedPayload(req).code as string;
        assert.ok(!text.includes(code), `code ${code} found in the logs`);
      }
    });
  });

  describe(`SMS retries after the code is settled (${storeFactory.name})`, () => {
    let gateway: FakeProvider;
    const clock = new TestClock();
    const v = useServerSendingTo(
      async () => (gateway = await startFakeProvider({ status: 204 })),
      (gateway) => ({
        storeFactory,
        clock,
        devInbox: true,
        sms: createWebhookSmsSender({ url: gateway.url, secret: WEBHOOK_SECRET }),
        // Long enough for the test to settle the code before the retry is due.
        smsRetry: { initialDelayMs: 400 },
      }),
    );

    test('a retry for a superseded code is cancelled, not sent; the newer code goes out', async () => {
      const phoneNumber = freshNumber();
      const n = await v.newNumber(phoneNumber);
      gateway.queue({ status: 503 });
      const sent = gateway.requests.length;
      await v.prepare(n.id);
      clock.advance(30_000);
      await v.prepare(n.id);
      const [newer, older] = await v.inbox(phoneNumber);
      assert.equal(newer.status, 'delivered');
      const cancelled = await eventually(async () => {
        const [, m] = await v.inbox(phoneNumber);
        return m.status === 'cancelled' ? m : undefined;
      });
      assert.equal(cancelled.id, older.id);
      assert.equal(cancelled.attempts, 1);
      assert.equal(gateway.requests.length, sent + 2, 'one try for each code, no retry of the old one');
    });

    test('a retry for a code failed by wrong attempts is cancelled too', async () => {
      const phoneNumber = freshNumber();
      const n = await v.newNumber(phoneNumber);
      gateway.queue('drop');
      const prep = await v.prepare(n.id);
      for (let i = 0; i < 3; i++) await v.attempt(n.id, prep.body.id, 'abcdef');
      const cancelled = await eventually(async () => {
        const [m] = await v.inbox(phoneNumber);
        return m.status === 'cancelled' ? m : undefined;
      });
      assert.equal(cancelled.attempts, 1);
    });
  });

  describe(`SMS providers end to end: twilio (${storeFactory.name})`, () => {
    let twilio: FakeProvider;
    const v = useServerSendingTo(
      async () => (twilio = await startFakeProvider({ status: 201, body: { sid: 'SM00000000000000000000000000000001', status: 'queued' } })),
      (twilio) => ({
        storeFactory,
        clock: new TestClock(),
        devInbox: true,
        sms: createTwilioSmsSender({ accountSid: TWILIO_SID, authToken: TWILIO_TOKEN, from: '+15005550006', baseUrl: twilio.url }),
        smsRetry: { initialDelayMs: 10 },
      }),
    );

    test('prepare calls the Messages API as Twilio expects; the code it carried verifies', async () => {
      const phoneNumber = freshNumber();
      const n = await v.newNumber(phoneNumber);
      const prep = await v.prepare(n.id);
      assert.equal(prep.status, 200);
      const req = twilio.requests.at(-1)!;
      assert.equal(req.method, 'POST');
      assert.equal(req.url, `/2010-04-01/Accounts/${TWILIO_SID}/Messages.json`);
      assert.equal(req.headers.authorization, `Basic ${Buffer.from(`${TWILIO_SID}:${TWILIO_TOKEN}`).toString('base64')}`);
      assert.equal(req.headers['content-type'], 'application/x-www-form-urlencoded');
      const form = Object.fromEntries(new URLSearchParams(req.body));
      assert.deepEqual(Object.keys(form).sort(), ['Body', 'From', 'To']);
      assert.equal(form.To, phoneNumber);
      assert.equal(form.From, '+15005550006');
      const code = codeInTwilioBody(req);
      const [message] = await v.inbox(phoneNumber);
      assert.deepEqual([message.provider, message.status, message.provider_message_id], ['twilio', 'delivered', 'SM00000000000000000000000000000001']);
      assert.equal((await v.attempt(n.id, prep.body.id, wrongCode(code))).body.status, 'unverified');
      assert.equal((await v.attempt(n.id, prep.body.id, code)).body.status, 'verified');
    });

    test("Twilio's refusal (21211, invalid To) is 422 sms_delivery_failed naming Twilio's code, with the number masked", async () => {
      const phoneNumber = freshNumber();
      const n = await v.newNumber(phoneNumber);
      // Twilio quoting the request it refused: the Body holds the code.
      twilio.queue({
        status: 400,
        body: (req: ReceivedRequest) => ({ code: 21211, message: `The 'To' number ${phoneNumber} is not a valid phone number. Request: ${req.body}`, status: 400 }),
      });
      const res = await v.prepare(n.id);
      assertError(res, 422, 'sms_delivery_failed');
      assert.match(res.body.errors[0].long_message, /Twilio error 21211/);
      assert.ok(!res.text.includes(phoneNumber.slice(1)));
      const code = codeInTwilioBody(twilio.requests.at(-1)!);
      assert.ok(!res.text.includes(code), 'the code is not in the answer to the caller');
      const [message] = await v.inbox(phoneNumber);
      assert.equal(message.status, 'refused');
      assert.ok(!message.last_error.includes(code), 'the code is not in the recorded error (shown in the inbox)');
    });

    test('Twilio 429 then 500 then accepted: retried until delivered', async () => {
      const phoneNumber = freshNumber();
      const n = await v.newNumber(phoneNumber);
      twilio.queue({ status: 429, body: { code: 20429, message: 'Too Many Requests' } }, { status: 500 });
      assert.equal((await v.prepare(n.id)).status, 200);
      const m = await eventually(async () => {
        const [latest] = await v.inbox(phoneNumber);
        return latest.status === 'delivered' ? latest : undefined;
      });
      assert.equal(m.attempts, 3);
    });
  });
}
