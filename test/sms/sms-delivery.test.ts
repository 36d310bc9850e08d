import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createLogSmsSender } from '../../src/sms/log-sms-sender.js';
import type { DeliveryUpdate } from '../../src/domain/sms-message.js';
import { createSmsDelivery, retryDelayMs } from '../../src/sms/sms-delivery.js';
import type { OutgoingSms, SendResult, SmsSender } from '../../src/sms/sms-sender.js';
import { TestClock } from '../helpers/clock.js';

const clockStart = Date.UTC(2026, 0, 1);

function message(overrides: Partial<OutgoingSms> = {}): OutgoingSms {
  return {
    id: 'sms_1',
    to: '+14152011234',
    body: 'Your verification code is 987654. It expires in 10 minutes.',
    code: '987654',
    phoneNumberId: 'idn_1',
    verificationId: 'ver_1',
    expireAt: clockStart + 600_000,
    ...overrides,
  };
}

/** A sender that answers from a script, then delivers. */
function scriptedSender(...script: SendResult[]): SmsSender & { calls: number } {
  const sender = {
    provider: 'scripted',
    keepsBody: false,
    calls: 0,
    async send(): Promise<SendResult> {
      sender.calls++;
      return script.shift() ?? { status: 'delivered' as const };
    },
  };
  return sender;
}

/** Captures what a pino logger would get. */
function captureLog() {
  const lines: { level: string; fields: any; message: string }[] = [];
  const at = (level: string) => (fields: object, msg: string) => void lines.push({ level, fields, message: msg });
  return { lines, log: { info: at('info'), warn: at('warn'), error: at('error') } };
}

/**
 * Records what the delivery reports, as the store does. `pending()` counts the
 * messages whose latest record is `retrying`: a retry still owed, as the
 * development inbox and the sms_messages rows show it.
 */
function journal(wanted = true) {
  const updates: DeliveryUpdate[] = [];
  const latest = new Map<string, DeliveryUpdate>();
  const record = async (m: OutgoingSms, u: DeliveryUpdate) => {
    updates.push(u);
    latest.set(m.id, u);
  };
  const pending = (): number => [...latest.values()].filter((u) => u.status === 'retrying').length;
  return { updates, pending, journal: { record, stillWanted: async () => wanted } };
}

const transient: SendResult = { status: 'transient', reason: 'the webhook answered 503' };

describe('SMS delivery and retries', () => {
  test('backoff doubles from the initial delay up to the cap', () => {
    const policy = { initialDelayMs: 1000, maxDelayMs: 60_000 };
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8].map((n) => retryDelayMs(policy, n)), [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
  });

  test('delivered at the first try: recorded and logged once, masked, without the code', async () => {
    const sender = scriptedSender();
    const j = journal();
    const { lines, log } = captureLog();
    const delivery = createSmsDelivery({ sender, journal: j.journal, clock: new TestClock(clockStart), log });
    assert.deepEqual(await delivery.deliver(message()), { status: 'delivered' });
    assert.deepEqual(j.updates.map((u) => [u.status, u.attempts]), [['delivered', 1]]);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.fields.to, '+14*******34');
    assert.doesNotMatch(JSON.stringify(lines), /987654|4152011234/);
  });

  test('the log provider prints the message with the number and the code masked', async () => {
    const { lines, log } = captureLog();
    const delivery = createSmsDelivery({ sender: createLogSmsSender(), journal: journal().journal, clock: new TestClock(clockStart), log });
    await delivery.deliver(message());
    assert.equal(lines[0]!.fields.to, '+14*******34');
    assert.equal(lines[0]!.fields.text, 'Your verification code is ******. It expires in 10 minutes.');
    assert.match(lines[0]!.message, /development inbox/);
  });

  test('a provider that fails twice then recovers: the caller hears "retrying" at once, and the third try delivers', async () => {
    const sender = scriptedSender(transient, transient);
    const j = journal();
    const { lines, log } = captureLog();
    const delivery = createSmsDelivery({ sender, journal: j.journal, clock: new TestClock(clockStart), log, retry: { initialDelayMs: 5, maxDelayMs: 20 } });
    assert.deepEqual(await delivery.deliver(message()), { status: 'retrying' });
    assert.equal(sender.calls, 1);
    assert.equal(j.pending(), 1);
    await delivery.idle();
    assert.equal(sender.calls, 3);
    assert.deepEqual(
      j.updates.map((u) => [u.status, u.attempts, u.nextAttemptAt]),
      [
        ['retrying', 1, clockStart + 5],
        ['retrying', 2, clockStart + 10],
        ['delivered', 3, null],
      ],
    );
    assert.deepEqual(lines.map((l) => l.level), ['warn', 'warn', 'info']);
    assert.doesNotMatch(JSON.stringify(lines), /987654/);
  });

  test('a definite refusal is answered at once and never retried', async () => {
    const sender = scriptedSender({ status: 'refused', reason: 'Twilio error 21211' });
    const j = journal();
    const delivery = createSmsDelivery({ sender, journal: j.journal, clock: new TestClock(clockStart), log: captureLog().log });
    assert.deepEqual(await delivery.deliver(message()), { status: 'refused', reason: 'Twilio error 21211' });
    await delivery.idle();
    assert.equal(sender.calls, 1);
    assert.deepEqual(j.updates.map((u) => [u.status, u.lastError]), [['refused', 'Twilio error 21211']]);
  });

  test('retries stop when the code would expire before the next try', async () => {
    const clock = new TestClock(clockStart);
    const sender = scriptedSender(transient, transient, transient, transient);
    const j = journal();
    const delivery = createSmsDelivery({ sender, journal: j.journal, clock, log: captureLog().log, retry: { initialDelayMs: 5, maxDelayMs: 5 } });
    // The next try would land after the code's expiry: the caller must hear that the code will never be sent.
    assert.deepEqual(await delivery.deliver(message({ expireAt: clockStart + 3 })), { status: 'expired', reason: 'the webhook answered 503' });
    await delivery.idle();
    assert.equal(sender.calls, 1);
    assert.equal(j.pending(), 0);
    assert.deepEqual(j.updates.map((u) => u.status), ['expired']);
  });

  test('a first try that fails transiently at the very expiry is not reported as retrying', async () => {
    const clock = new TestClock(clockStart);
    const delivery = createSmsDelivery({ sender: scriptedSender(transient), journal: journal().journal, clock, log: captureLog().log, retry: { initialDelayMs: 5 } });
    // now + delay == expireAt: the retry would find the code expired.
    assert.equal((await delivery.deliver(message({ expireAt: clockStart + 5 }))).status, 'expired');
  });

  test('a first try that fails transiently while the delivery is closing is reported abandoned, not retrying', async () => {
    let release!: () => void;
    const answered = new Promise<void>((resolve) => (release = resolve));
    const sender: SmsSender = {
      provider: 'slow',
      keepsBody: false,
      async send() {
        await answered;
        return transient;
      },
    };
    const j = journal();
    const delivery = createSmsDelivery({ sender, journal: j.journal, clock: new TestClock(clockStart), log: captureLog().log, retry: { initialDelayMs: 5 } });
    const first = delivery.deliver(message());
    await delivery.close();
    release();
    assert.deepEqual(await first, { status: 'abandoned', reason: 'the webhook answered 503' });
    assert.equal(j.pending(), 0);
    assert.deepEqual(j.updates.map((u) => u.status), ['abandoned']);
  });

  test("a sender's reason that holds the code is masked before it is recorded, logged or answered", async () => {
    const echo = 'the webhook answered 400: got "Your verification code is 987654."';
    const sender = scriptedSender({ status: 'transient', reason: echo }, { status: 'refused', reason: echo });
    const j = journal();
    const { lines, log } = captureLog();
    const delivery = createSmsDelivery({ sender, journal: j.journal, clock: new TestClock(clockStart), log, retry: { initialDelayMs: 5 } });
    await delivery.deliver(message());
    await delivery.idle();
    assert.deepEqual(await createSmsDelivery({ sender: scriptedSender({ status: 'refused', reason: echo }), journal: j.journal, clock: new TestClock(clockStart), log }).deliver(message()), {
      status: 'refused',
      reason: 'the webhook answered 400: got "Your verification code is ******."',
    });
    assert.deepEqual(j.updates.map((u) => u.status), ['retrying', 'refused', 'refused']);
    assert.doesNotMatch(JSON.stringify([j.updates, lines]), /987654/);
  });

  test('a retry that is no longer wanted (superseded, verified, deleted) is cancelled, not sent', async () => {
    const sender = scriptedSender(transient);
    const j = journal(false);
    const delivery = createSmsDelivery({ sender, journal: j.journal, clock: new TestClock(clockStart), log: captureLog().log, retry: { initialDelayMs: 5 } });
    await delivery.deliver(message());
    await delivery.idle();
    assert.equal(sender.calls, 1);
    assert.deepEqual(j.updates.map((u) => u.status), ['retrying', 'cancelled']);
  });

  test('closing abandons pending retries, recorded and logged', async () => {
    const sender = scriptedSender(transient);
    const j = journal();
    const { lines, log } = captureLog();
    const delivery = createSmsDelivery({ sender, journal: j.journal, clock: new TestClock(clockStart), log, retry: { initialDelayMs: 60_000 } });
    await delivery.deliver(message());
    await delivery.close();
    assert.equal(j.pending(), 0);
    assert.deepEqual(j.updates.map((u) => u.status), ['retrying', 'abandoned']);
    assert.equal(lines.at(-1)!.fields.status, 'abandoned');
  });

  test('a sender that throws (a bug) is treated as transient, so the code still goes out', async () => {
    let calls = 0;
    const sender: SmsSender = {
      provider: 'buggy',
      keepsBody: false,
      async send() {
        calls++;
        if (calls === 1) throw new Error('boom');
        return { status: 'delivered' };
      },
    };
    const j = journal();
    const delivery = createSmsDelivery({ sender, journal: j.journal, clock: new TestClock(clockStart), log: captureLog().log, retry: { initialDelayMs: 5 } });
    assert.deepEqual(await delivery.deliver(message()), { status: 'retrying' });
    await delivery.idle();
    assert.deepEqual(j.updates.map((u) => u.status), ['retrying', 'delivered']);
  });
});
