import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { createLogSmsSender } from '../../src/sms/log-sms-sender.js';
import { maskDigits, type OutgoingSms, type SmsSender } from '../../src/sms/sms-sender.js';
import { createTwilioSmsSender } from '../../src/sms/twilio-sms-sender.js';
import { createWebhookSmsSender } from '../../src/sms/webhook-sms-sender.js';
import { startFakeProvider, TWILIO_SID, TWILIO_TOKEN, WEBHOOK_SECRET, type FakeProvider, type ReceivedRequest } from './fake-provider.js';


const message: OutgoingSms = {
  id: 'sms_01KTEST0000000000000000000',
  to: '+14152011234',
  body: 'Your verification code is 123456. It expires in 10 minutes.',
  code: '123456',
  phoneNumberId: 'idn_01KTEST0000000000000000000',
  verificationId: 'ver_01KTEST0000000000000000000',
  expireAt: 1_767_225_600_000,
};

/** An address nothing listens on: connections are refused. */
async function deadUrl(): Promise<string> {
  const fake = await startFakeProvider();
  const url = fake.url;
  await fake.close();
  return url;
}

interface SenderCase {
  readonly name: string;
  /** The sender under test, talking to `url` (unused by `log`). */
  make(url: string, timeoutMs?: number): SmsSender;
  /** The provider's answers for "accepted" and "refused for good". */
  readonly accepted: { status: number; body?: unknown };
  readonly refused: { status: number; body?: unknown };
}

const httpSenders: SenderCase[] = [
  {
    name: 'webhook',
    make: (url, timeoutMs) => createWebhookSmsSender({ url: `${url}/sms`, secret: WEBHOOK_SECRET, ...(timeoutMs ? { timeoutMs } : {}) }),
    accepted: { status: 204 },
    // Receivers that echo what they got: the request body holds the code.
    refused: { status: 422, body: (req: ReceivedRequest) => `unknown number +14152011234; received ${req.body}` },
  },
  {
    name: 'twilio',
    make: (url, timeoutMs) =>
      createTwilioSmsSender({ accountSid: TWILIO_SID, authToken: TWILIO_TOKEN, from: '+15005550006', baseUrl: url, ...(timeoutMs ? { timeoutMs } : {}) }),
    accepted: { status: 201, body: { sid: 'SM0123456789abcdef0123456789abcdef', status: 'queued' } },
    refused: {
      status: 400,
      body: (req: ReceivedRequest) => ({ code: 21211, message: `The 'To' number +14152011234 is not a valid phone number. Received: ${req.body}`, status: 400 }),
    },
  },
];

// The contract every HTTP sender keeps: outcomes are values, never throws.
for (const sender of httpSenders) {
  describe(`SmsSender contract: ${sender.name}`, () => {
    let fake: FakeProvider;
    before(async () => {
      fake = await startFakeProvider();
    });
    after(() => fake.close());

    test('a 2xx is delivered', async () => {
      fake.queue(sender.accepted);
      const result = await sender.make(fake.url).send(message);
      assert.equal(result.status, 'delivered');
    });

    test('a 4xx is a definite refusal, with a reason that masks the number and never holds the code', async () => {
      fake.queue(sender.refused);
      const result = await sender.make(fake.url).send(message);
      assert.equal(result.status, 'refused');
      assert.ok(result.status === 'refused');
      // The provider's answer did hold the code (it echoed the request), so its absence below is the sender's doing.
      assert.ok(fake.requests.at(-1)!.body.includes(message.code));
      assert.match(result.reason, /received|Received/, 'the echoed request is part of the reason');
      assert.doesNotMatch(result.reason, /4152011234/);
      assert.doesNotMatch(result.reason, /123456/);
      assert.match(result.reason, /\*{6}/, 'the code is replaced, not dropped');
    });

    test('a transient failure whose answer echoes the request never holds the code either', async () => {
      fake.queue({ status: 503, body: (req: ReceivedRequest) => ({ code: 20503, message: `overloaded, retry: ${req.body}` }) });
      const result = await sender.make(fake.url).send(message);
      assert.equal(result.status, 'transient');
      assert.ok(result.status === 'transient');
      assert.doesNotMatch(result.reason, /123456/);
    });

    test('5xx, 429 and 408 are transient', async () => {
      for (const status of [500, 502, 503, 429, 408]) {
        fake.queue({ status, body: { message: 'try later' } });
        assert.equal((await sender.make(fake.url).send(message)).status, 'transient', `status ${status}`);
      }
    });

    test('a refused connection, a dropped socket and a timeout are transient', async () => {
      assert.equal((await sender.make(await deadUrl()).send(message)).status, 'transient');
      fake.queue('drop');
      assert.equal((await sender.make(fake.url).send(message)).status, 'transient');
      fake.queue('hang');
      const started = Date.now();
      const hung = await sender.make(fake.url, 150).send(message);
      assert.equal(hung.status, 'transient');
      assert.ok(hung.status === 'transient' && /in time/.test(hung.reason));
      assert.ok(Date.now() - started < 5000);
    });

    test('keeps no message text in the database', () => {
      assert.equal(sender.make(fake.url).keepsBody, false);
      assert.equal(sender.make(fake.url).provider, sender.name);
    });
  });
}

describe('SmsSender contract: log', () => {
  test('delivers to the development inbox: nothing leaves the process, the text is kept', async () => {
    const sender = createLogSmsSender();
    assert.equal(sender.provider, 'log');
    assert.equal(sender.keepsBody, true);
    assert.deepEqual(await sender.send(message), { status: 'delivered' });
  });
});

describe('webhook sender: the request a gateway receives', () => {
  let fake: FakeProvider;
  before(async () => {
    fake = await startFakeProvider({ status: 200, body: { ok: true } });
  });
  after(() => fake.close());

  test('POSTs the JSON payload, signed per Standard Webhooks, verifiable with the public verifier', async () => {
    const sender = createWebhookSmsSender({ url: `${fake.url}/hooks/sms?x=1`, secret: WEBHOOK_SECRET });
    assert.equal((await sender.send(message)).status, 'delivered');
    const req = fake.requests.at(-1)!;
    assert.equal(req.method, 'POST');
    assert.equal(req.url, '/hooks/sms?x=1');
    assert.equal(req.headers['content-type'], 'application/json');
    assert.equal(req.headers['webhook-id'], message.id);
    const verified = new Webhook(WEBHOOK_SECRET).verify(req.body, {
      'webhook-id': String(req.headers['webhook-id']),
      'webhook-timestamp': String(req.headers['webhook-timestamp']),
      'webhook-signature': String(req.headers['webhook-signature']),
    });
    assert.deepEqual(verified, {
      id: message.id,
      to: '+14152011234',
      body: message.body,
      code: '123456',
      phone_number_id: message.phoneNumberId,
      verification_id: message.verificationId,
      expire_at: message.expireAt,
    });
  });

  test('a signature made with another secret does not verify', async () => {
    const sender = createWebhookSmsSender({ url: fake.url, secret: WEBHOOK_SECRET });
    await sender.send(message);
    const req = fake.requests.at(-1)!;
    const other = new Webhook(`whsec_${randomBytes(32).toString('base64')}`);
    assert.throws(() =>
      other.verify(req.body, {
        'webhook-id': String(req.headers['webhook-id']),
        'webhook-timestamp': String(req.headers['webhook-timestamp']),
        'webhook-signature': String(req.headers['webhook-signature']),
      }),
    );
  });

  test('a retry keeps the webhook-id, so the receiver can drop the duplicate', async () => {
    const sender = createWebhookSmsSender({ url: fake.url, secret: WEBHOOK_SECRET });
    await sender.send(message);
    await sender.send(message);
    const [a, b] = fake.requests.slice(-2);
    assert.equal(a!.headers['webhook-id'], b!.headers['webhook-id']);
  });

  test('a long answer is cut after the code is masked, so no part of the code survives the cut', async () => {
    // The code straddles the 200th character, where the reason is cut.
    fake.queue({ status: 422, body: `${'x'.repeat(197)}${message.code} trailing` });
    const result = await createWebhookSmsSender({ url: fake.url, secret: WEBHOOK_SECRET }).send(message);
    assert.equal(result.status, 'refused');
    assert.ok(result.status === 'refused');
    assert.doesNotMatch(result.reason, /123/);
  });

  test('a malformed secret fails at construction', () => {
    assert.throws(() => createWebhookSmsSender({ url: fake.url, secret: '' }));
  });
});

describe('twilio sender: the request Twilio receives', () => {
  let fake: FakeProvider;
  before(async () => {
    fake = await startFakeProvider({ status: 201, body: { sid: 'SMabc', status: 'queued' } });
  });
  after(() => fake.close());

  const expectTwilioRequest = (form: Record<string, string>): void => {
    const req = fake.requests.at(-1)!;
    assert.equal(req.method, 'POST');
    assert.equal(req.url, `/2010-04-01/Accounts/${TWILIO_SID}/Messages.json`);
    assert.equal(req.headers.authorization, `Basic ${Buffer.from(`${TWILIO_SID}:${TWILIO_TOKEN}`).toString('base64')}`);
    assert.equal(req.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.deepEqual(Object.fromEntries(new URLSearchParams(req.body)), form);
  };

  test('with a From number: To, From and Body as form fields, basic auth with the SID and token', async () => {
    const sender = createTwilioSmsSender({ accountSid: TWILIO_SID, authToken: TWILIO_TOKEN, from: '+15005550006', baseUrl: `${fake.url}/` });
    assert.deepEqual(await sender.send(message), { status: 'delivered', providerMessageId: 'SMabc' });
    expectTwilioRequest({ To: '+14152011234', From: '+15005550006', Body: message.body });
  });

  test('with a Messaging Service: MessagingServiceSid instead of From', async () => {
    const sender = createTwilioSmsSender({ accountSid: TWILIO_SID, authToken: TWILIO_TOKEN, messagingServiceSid: 'MG0123456789abcdef0123456789abcdef', baseUrl: fake.url });
    assert.equal((await sender.send(message)).status, 'delivered');
    expectTwilioRequest({ To: '+14152011234', MessagingServiceSid: 'MG0123456789abcdef0123456789abcdef', Body: message.body });
  });

  test("a refusal carries Twilio's error code", async () => {
    fake.queue({ status: 400, body: { code: 21610, message: 'Attempt to send to unsubscribed recipient', status: 400 } });
    const sender = createTwilioSmsSender({ accountSid: TWILIO_SID, authToken: TWILIO_TOKEN, from: '+15005550006', baseUrl: fake.url });
    assert.deepEqual(await sender.send(message), { status: 'refused', reason: 'Twilio error 21610: Attempt to send to unsubscribed recipient' });
  });
});

test('maskDigits masks number-like runs in provider text', () => {
  assert.equal(maskDigits("The 'To' number +14152011234 is not valid"), "The 'To' number +14***34 is not valid");
  assert.equal(maskDigits('error 21211'), 'error 21211');
});
