import { maskPhoneNumber } from '../domain/phone.js';
import type { DeliveryUpdate, SmsMessageStatus } from '../domain/sms-message.js';
import type { Clock } from '../domain/ports.js';
import { withoutCode, type OutgoingSms, type SendResult, type SmsSender } from './sms-sender.js';

/** How the delivery reports what happened; backed by the store. */
export interface DeliveryJournal {
  record(message: OutgoingSms, update: DeliveryUpdate): Promise<void>;
  /** Asked before each retry: whether the code can still verify anything. */
  stillWanted(message: OutgoingSms): Promise<boolean>;
}

/** The structural subset of a pino logger the delivery writes to. */
export interface DeliveryLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** Backoff of retries after transient failures: doubling from `initialDelayMs` up to `maxDelayMs`, until the code expires. */
export interface RetryPolicy {
  /** SMS_RETRY_INITIAL_DELAY_MS. @default 1000 */
  readonly initialDelayMs: number;
  /** SMS_RETRY_MAX_DELAY_MS. @default 60000 */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({ initialDelayMs: 1000, maxDelayMs: 60_000 });

/** The wait before try number `failedTries + 1`. */
export function retryDelayMs(policy: RetryPolicy, failedTries: number): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, failedTries - 1));
}

/**
 * What the caller of `deliver` learns from the first try:
 * - `delivered`, or `retrying` (a transient failure, and a retry is scheduled
 *   before the code expires): the code is on its way;
 * - `refused`: the provider refused it for good;
 * - `expired`: a transient failure with no time left for a retry before the
 *   code expires; `abandoned`: a transient failure while the delivery is
 *   closing. Either way the code will never be sent, and `reason` says why the
 *   try failed.
 */
export type FirstTry =
  | { readonly status: 'delivered' | 'retrying' }
  | { readonly status: 'refused' | 'expired' | 'abandoned'; readonly reason: string };

export interface SmsDeliveryOptions {
  readonly sender: SmsSender;
  readonly journal: DeliveryJournal;
  /** The app's clock: decides when a code has expired and retries stop. */
  readonly clock: Clock;
  readonly log: DeliveryLog;
  readonly retry?: Partial<RetryPolicy>;
}

export interface SmsDelivery {
  readonly sender: SmsSender;
  /**
   * Tries once, inline, so the HTTP caller learns of a definite refusal; after
   * a transient failure it answers `retrying` and keeps trying in the
   * background (real timers, doubling waits) until delivered, refused, no
   * longer wanted, or the code expires. A transient failure that leaves no
   * retry (the code would expire first, or the delivery is closing) answers
   * `expired` or `abandoned`, never `retrying`: no code is left undelivered
   * without the caller knowing. Every try is recorded and logged.
   */
  deliver(message: OutgoingSms): Promise<FirstTry>;
  /** Resolves when no retry is pending or running (for tests and shutdown). */
  idle(): Promise<void>;
  /** Stops retrying: pending messages are recorded `abandoned`. Awaits tries in flight. */
  close(): Promise<void>;
}

/**
 * Delivery with retries. Retries live in the process that accepted the
 * request; the database records each message's state, so a message whose
 * process died stays `retrying` with a past `next_attempt_at` for operators
 * to see, and the caller can prepare a new code.
 */
export function createSmsDelivery(options: SmsDeliveryOptions): SmsDelivery {
  const { sender, journal, clock, log } = options;
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const timers = new Map<string, { timer: NodeJS.Timeout; message: OutgoingSms; tries: number }>();
  const inFlight = new Set<Promise<void>>();
  let closed = false;
  let waiters: (() => void)[] = [];

  const fields = (message: OutgoingSms, extra: object): object => ({
    sms: message.id,
    provider: sender.provider,
    to: maskPhoneNumber(message.to),
    ...extra,
  });

  function settleIfIdle(): void {
    if (timers.size === 0 && inFlight.size === 0) {
      const done = waiters;
      waiters = [];
      for (const w of done) w();
    }
  }

  async function record(message: OutgoingSms, update: DeliveryUpdate): Promise<void> {
    try {
      await journal.record(message, update);
    } catch (error) {
      // The outcome still reaches the log even if the database does not take it.
      log.error(fields(message, { status: update.status, err: error }), 'could not record an SMS delivery outcome');
    }
  }

  /** Runs try number `tries` and decides what follows. */
  async function attempt(message: OutgoingSms, tries: number): Promise<FirstTry> {
    let result: SendResult;
    try {
      result = await sender.send(message);
    } catch (error) {
      // Senders return outcomes; a throw is a bug in one, treated as transient so the code still goes out.
      log.error(fields(message, { attempt: tries, err: error }), 'SMS sender threw');
      result = { status: 'transient', reason: 'the SMS sender failed unexpectedly' };
    }
    // Senders mask the code in their reasons; masked again here, since a reason goes to the log, the record and the caller.
    if (result.status !== 'delivered') result = { status: result.status, reason: withoutCode(result.reason, message.code) };
    const now = clock.now();
    if (result.status === 'delivered') {
      await record(message, {
        status: 'delivered',
        attempts: tries,
        lastError: null,
        nextAttemptAt: null,
        at: now,
        ...(result.providerMessageId === undefined ? {} : { providerMessageId: result.providerMessageId }),
      });
      // The log provider prints the message itself, with the code masked: logs never hold a code.
      const text = sender.keepsBody ? { text: message.body.split(message.code).join('*'.repeat(message.code.length)) } : {};
      log.info(fields(message, { attempt: tries, status: 'delivered', ...text }), sender.keepsBody ? 'SMS kept in the development inbox (GET /v1/dev/sms_messages)' : 'SMS delivered to the provider');
      return { status: 'delivered' };
    }
    if (result.status === 'refused') {
      await record(message, { status: 'refused', attempts: tries, lastError: result.reason, nextAttemptAt: null, at: now });
      log.warn(fields(message, { attempt: tries, status: 'refused', reason: result.reason }), 'SMS refused by the provider');
      return { status: 'refused', reason: result.reason };
    }
    const delay = retryDelayMs(policy, tries);
    if (closed || now + delay >= message.expireAt) {
      const status = closed ? 'abandoned' : 'expired';
      await record(message, { status, attempts: tries, lastError: result.reason, nextAttemptAt: null, at: now });
      log.warn(fields(message, { attempt: tries, status, reason: result.reason }), 'SMS not delivered; no more retries');
      // Only the first try's caller is still listening (a background retry's return value is dropped).
      return { status, reason: result.reason };
    }
    await record(message, { status: 'retrying', attempts: tries, lastError: result.reason, nextAttemptAt: now + delay, at: now });
    log.warn(fields(message, { attempt: tries, status: 'retrying', reason: result.reason, retryInMs: delay }), 'SMS not delivered yet; retrying');
    schedule(message, tries, delay);
    return { status: 'retrying' };
  }

  function schedule(message: OutgoingSms, tries: number, delay: number): void {
    const timer = setTimeout(() => {
      timers.delete(message.id);
      const run = (async () => {
        if (clock.now() >= message.expireAt) {
          await record(message, { status: 'expired', attempts: tries, lastError: 'the code expired before the message was delivered', nextAttemptAt: null, at: clock.now() });
          log.warn(fields(message, { attempt: tries, status: 'expired' }), 'SMS not delivered; the code expired');
          return;
        }
        if (!(await journal.stillWanted(message).catch(() => true))) {
          await record(message, { status: 'cancelled', attempts: tries, lastError: 'the code no longer verifies anything', nextAttemptAt: null, at: clock.now() });
          log.info(fields(message, { attempt: tries, status: 'cancelled' }), 'SMS retry cancelled: the code was superseded or settled');
          return;
        }
        await attempt(message, tries + 1);
      })();
      inFlight.add(run);
      void run.finally(() => {
        inFlight.delete(run);
        settleIfIdle();
      });
    }, delay);
    // Not unref'd: a pending retry is work the process owes; close() clears it.
    timers.set(message.id, { timer, message, tries });
  }

  return {
    sender,
    deliver: (message) => attempt(message, 1),
    idle: () =>
      new Promise<void>((resolve) => {
        waiters.push(resolve);
        settleIfIdle();
      }),
    async close() {
      closed = true;
      const waiting = [...timers.values()];
      for (const { timer } of waiting) clearTimeout(timer);
      timers.clear();
      for (const { message, tries } of waiting) {
        await record(message, { status: 'abandoned', attempts: tries, lastError: 'Callsign shut down before the message was delivered', nextAttemptAt: null, at: clock.now() });
        log.warn(fields(message, { attempt: tries, status: 'abandoned' }), 'SMS abandoned at shutdown');
      }
      await Promise.all([...inFlight]);
      settleIfIdle();
    },
  };
}
