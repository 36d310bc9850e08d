import type { Transaction } from 'kysely';
import { errors } from '../domain/errors.js';
import type { SmsMessageRecord } from '../domain/sms-message.js';
import { generateOtp, isTestNumber, normalizeCode, TEST_MODE_CODE } from '../domain/otp.js';
import { maskPhoneNumber } from '../domain/phone.js';
import { isClaimed, isVerified, type PhoneNumber } from '../domain/phone-number.js';
import { checkCooldown, checkWindow, combine, HOUR_MS, retryAfterSeconds, type LimitDecision, type LimitKind } from '../domain/rate-limit.js';
import { refuseDestination } from '../domain/sms-destination.js';
import { attemptVerification, isOpen, type OtpVerification, type VerificationSettings } from '../domain/verification.js';
import { createSmsDelivery, type DeliveryJournal, type DeliveryLog, type RetryPolicy, type SmsDelivery } from '../sms/sms-delivery.js';
import type { OutgoingSms, SmsSender } from '../sms/sms-sender.js';
import type { Database, Tx } from '../store/database.js';
import { findPhoneNumber, isClaimedByOther, updatePhoneNumberVerification } from '../store/phone-number.repository.js';
import { eventsSince, lockBucket, pruneEvents, recordEvent } from '../store/rate-limit.repository.js';
import {
  countSmsMessages,
  insertSmsMessage,
  listSmsMessages,
  recordSmsDelivery,
  type SmsMessageFilter,
} from '../store/sms-message.repository.js';
import { findCurrentVerification, findVerification, insertVerification, supersedeOpenVerifications, updateVerificationState } from '../store/verification.repository.js';
import type { ServiceContext } from './context.js';
import { findPhoneNumberForChange, reconcileUser, saveNumber } from './ownership.js';

type Trx = Transaction<Database>;

export interface VerificationServiceOptions {
  readonly settings: VerificationSettings;
  readonly sender: SmsSender;
  readonly log: DeliveryLog;
  readonly retry?: Partial<RetryPolicy>;
}

/** Who asked: the limiter counts sends per secret key. */
export interface Caller {
  /** A stable, non-secret id of the secret key that authenticated the request. */
  readonly keyId?: string;
}

export interface SmsMessagePage {
  readonly data: readonly SmsMessageRecord[];
  readonly totalCount: number;
}

/** Rules 7–9 as use cases; each mutation is one transaction. */
export interface VerificationService {
  /** Sends a new code, superseding the previous one; answers the pending verification. */
  prepare(phoneNumberId: string, caller?: Caller): Promise<OtpVerification>;
  /** Checks a code against the given verification, or the number's current one; answers it with its new status. */
  attempt(phoneNumberId: string, verificationId: string | undefined, code: string): Promise<OtpVerification>;
  /** The development inbox: newest first, optionally for one number (E.164). */
  listMessages(filter: SmsMessageFilter): Promise<SmsMessagePage>;
  /** Stops retries (recorded abandoned). */
  close(): Promise<void>;
}

/** "10 minutes", "1 minute", "45 seconds": how long a code lasts, in the message. */
function lasts(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return ms === 60_000 ? '1 minute' : `${ms / 60_000} minutes`;
  const s = Math.round(ms / 1000);
  return s === 1 ? '1 second' : `${s} seconds`;
}

/** The text of the message; built again with the code masked for records that must not hold it. */
function smsBody(code: string, ttlMs: number): string {
  return `Your verification code is ${code}. It expires in ${lasts(ttlMs)}.`;
}

const LIMIT_MESSAGES: Record<LimitKind, (s: VerificationSettings) => string> = {
  cooldown: (s) => `A code was sent to this phone number less than ${Math.ceil(s.resendCooldownMs / 1000)} seconds ago. Wait before sending another.`,
  number_hourly: (s) => `At most ${s.numberHourlyLimit} codes are sent to one phone number in any hour.`,
  key_hourly: (s) => `This secret key has sent its allowance of ${s.keyHourlyLimit} codes in the last hour.`,
};

/**
 * Rules 7–9: preparing and attempting one-time-code verifications, the send
 * limits, test mode and the record of every message. Each mutation is one
 * transaction; nothing leaves the process inside one (PostgreSQL may run a
 * transaction twice), so a message is first recorded, then sent.
 */
export function createVerificationService(ctx: ServiceContext, options: VerificationServiceOptions): VerificationService {
  const { store, clock, random, hasher, newId } = ctx;
  const { settings, log } = options;

  const journal: DeliveryJournal = {
    record: (message, update) => store.transaction((trx) => recordSmsDelivery(trx, message.id, update)),
    async stillWanted(message) {
      const v = await findVerification(store.db, message.verificationId);
      return v !== undefined && isOpen(v, clock.now());
    },
  };
  const delivery: SmsDelivery = createSmsDelivery({ sender: options.sender, journal, clock, log, ...(options.retry ? { retry: options.retry } : {}) });

  /** Shows a verification on its number, unless the number is verified already (then it stays as it is). */
  async function mirror(trx: Trx, number: PhoneNumber, v: OtpVerification, now: number): Promise<void> {
    if (isVerified(number.verification)) return;
    const verification = { strategy: 'phone_code' as const, status: v.status, attempts: v.attempts, expireAt: v.expireAt };
    await updatePhoneNumberVerification(trx, number.id, { reserved: number.reserved, verification }, now);
  }

  /** Rule 8, counted inside the prepare's transaction so concurrent sends (any process) see each other. */
  async function enforceLimits(trx: Trx, e164: string, caller: Caller, now: number): Promise<void> {
    const numberBucket = `number:${e164}`;
    const keyBucket = caller.keyId === undefined ? undefined : `key:${caller.keyId}`;
    const buckets = [numberBucket, ...(keyBucket === undefined ? [] : [keyBucket])].sort();
    for (const bucket of buckets) await lockBucket(trx, bucket, now);
    const since = now - HOUR_MS;
    const sent = await eventsSince(trx, numberBucket, since);
    const decisions: LimitDecision[] = [
      checkCooldown(sent.at(-1), now, settings.resendCooldownMs),
      checkWindow(sent, now, settings.numberHourlyLimit, HOUR_MS, 'number_hourly'),
    ];
    if (keyBucket !== undefined) decisions.push(checkWindow(await eventsSince(trx, keyBucket, since), now, settings.keyHourlyLimit, HOUR_MS, 'key_hourly'));
    const decision = combine(decisions);
    if (!decision.allowed) throw errors.tooManyRequests(retryAfterSeconds(decision.retryAfterMs), LIMIT_MESSAGES[decision.limit](settings));
    for (const bucket of buckets) {
      await pruneEvents(trx, bucket, since);
      await recordEvent(trx, bucket, now);
    }
  }

  /** After a definite refusal, or a failure that leaves no retry, the code can reach no one: the verification is failed. */
  async function failUndelivered(verificationId: string): Promise<void> {
    await store.transaction(async (trx) => {
      const found = await findVerification(trx, verificationId);
      if (found === undefined) return;
      // The number (and its owner) locked first, as an attempt does, then the verification read under the lock.
      const number = await findPhoneNumberForChange(trx, found.phoneNumberId);
      const v = await findVerification(trx, verificationId);
      if (v === undefined || v.status !== 'unverified') return;
      const now = clock.now();
      const failed: OtpVerification = { ...v, status: 'failed', updatedAt: now };
      await updateVerificationState(trx, failed);
      if (number !== undefined && !v.superseded) await mirror(trx, number, failed, now);
    });
  }

  /**
   * Whether the number is a test-mode one (nothing is sent), after refusing
   * destinations no code may go to (rule 9: countries, premium-rate, …).
   * Read outside the transaction: a number's E.164 never changes.
   */
  async function destinationPolicy(phoneNumberId: string): Promise<boolean> {
    const found = await findPhoneNumber(store.db, phoneNumberId);
    if (found === undefined) throw errors.notFound('Phone number', 'phone_number_id');
    const testMode = settings.testMode && isTestNumber(found.phoneNumber);
    if (!testMode) {
      const refusal = refuseDestination(found.phoneNumber, settings);
      if (refusal !== null) throw refusal;
    }
    return testMode;
  }

  interface Prepared {
    readonly verification: OtpVerification;
    readonly code: string;
    readonly message: SmsMessageRecord;
  }

  /** The prepare's transaction: the limits, the superseded codes, the new verification and its message, recorded before anything is sent. */
  async function recordNewCode(trx: Tx, phoneNumberId: string, testMode: boolean, caller: Caller): Promise<Prepared> {
    // Locks the owner, then the number, and reads it under the locks (ownership.ts).
    const number = await findPhoneNumberForChange(trx, phoneNumberId);
    if (number === undefined) throw errors.notFound('Phone number', 'phone_number_id');
    // A code for a number someone else holds claimed could never claim it: no SMS is spent on it.
    if (!isClaimed(number) && (await isClaimedByOther(trx, number.phoneNumber, number.userId))) throw errors.identifierExists();
    const now = clock.now();
    // Test-mode numbers send nothing, so there is nothing to limit (rule 9).
    if (!testMode) await enforceLimits(trx, number.phoneNumber, caller, now);
    await supersedeOpenVerifications(trx, number.id, now);
    const code = testMode ? TEST_MODE_CODE : generateOtp(random, settings.codeLength);
    const verification: OtpVerification = {
      id: newId('ver'),
      phoneNumberId: number.id,
      phoneNumber: number.phoneNumber,
      codeHash: hasher.hash(code),
      status: 'unverified',
      attempts: 0,
      maxAttempts: settings.maxAttempts,
      expireAt: now + settings.codeTtlMs,
      superseded: false,
      testMode,
      createdAt: now,
      updatedAt: now,
    };
    await insertVerification(trx, verification);
    await mirror(trx, number, verification, now);
    const sender = delivery.sender;
    const keep = testMode || sender.keepsBody;
    const message: SmsMessageRecord = {
      id: newId('sms'),
      provider: testMode ? 'test_mode' : sender.provider,
      to: number.phoneNumber,
      phoneNumberId: number.id,
      verificationId: verification.id,
      body: smsBody(keep ? code : '*'.repeat(code.length), settings.codeTtlMs),
      code: keep ? code : null,
      status: testMode ? 'test_mode' : 'sending',
      attempts: 0,
      lastError: null,
      providerMessageId: null,
      nextAttemptAt: null,
      deliveredAt: null,
      createdAt: now,
      updatedAt: now,
    };
    await insertSmsMessage(trx, message);
    return { verification, code, message };
  }

  /**
   * Hands the committed message to the delivery. Resolves once the provider
   * took it or, after a transient failure, while it is retried; a definite
   * refusal is 422 sms_delivery_failed, and a transient failure that leaves no
   * retry before the code expires (or at shutdown) is 503. Either way the
   * verification is failed first.
   */
  async function send({ verification, code, message }: Prepared): Promise<void> {
    const outgoing: OutgoingSms = {
      id: message.id,
      to: message.to,
      body: smsBody(code, settings.codeTtlMs),
      code,
      phoneNumberId: verification.phoneNumberId,
      verificationId: verification.id,
      expireAt: verification.expireAt,
    };
    const first = await delivery.deliver(outgoing);
    // Delivered, or retried before the code expires: the code is on its way.
    if (!('reason' in first)) return;
    await failUndelivered(verification.id);
    if (first.status === 'refused') throw errors.smsDeliveryFailed(first.reason);
    // The send counted toward the limits: the caller is told to wait out the resend cooldown it started.
    const cooldownLeftMs = verification.createdAt + settings.resendCooldownMs - clock.now();
    throw errors.smsDeliveryUnavailable(first.reason, first.status, retryAfterSeconds(cooldownLeftMs));
  }

  return {
    /**
     * Makes a new code for the number, supersedes the previous one and sends
     * it. Answers the new verification (`unverified`) once the provider took
     * the message or, after a transient failure, while it is retried; a
     * definite refusal is 422 sms_delivery_failed, and a transient failure
     * that leaves no retry before the code expires (or at shutdown) is 503
     * service_unavailable. Either way the verification is failed.
     */
    async prepare(phoneNumberId: string, caller: Caller = {}): Promise<OtpVerification> {
      const testMode = await destinationPolicy(phoneNumberId);
      const prepared = await store.transaction((trx) => recordNewCode(trx, phoneNumberId, testMode, caller));
      if (testMode) {
        log.info({ sms: prepared.message.id, to: maskPhoneNumber(prepared.message.to), status: 'test_mode' }, 'test-mode number: no SMS sent');
        return prepared.verification;
      }
      await send(prepared);
      return prepared.verification;
    },

    /**
     * Checks a code against the given verification, or without an id against
     * the number's current one. The outcome is the verification's new status (rule 7);
     * a right code verifies the number and claims it (rule 2) in the same
     * transaction. Refused with form_identifier_exists if another user holds
     * the number claimed; nothing changes then, so the code stays usable.
     */
    async attempt(phoneNumberId: string, verificationId: string | undefined, code: string): Promise<OtpVerification> {
      return store.transaction(async (trx) => {
        // Locks the owner, then the number, and reads it under the locks (ownership.ts).
        const number = await findPhoneNumberForChange(trx, phoneNumberId);
        if (number === undefined) throw errors.notFound('Phone number', 'phone_number_id');
        // Without an id: the number's current verification, so a code read on the phone needs nothing else.
        const v = verificationId === undefined ? await findCurrentVerification(trx, phoneNumberId) : await findVerification(trx, verificationId);
        if (v === undefined || v.phoneNumberId !== phoneNumberId) {
          throw verificationId === undefined
            ? errors.notFound('Verification', 'verification_id', 'No code was sent to this phone number: call prepare_verification first.')
            : errors.notFound('Verification', 'verification_id');
        }
        // Hashed and compared in constant time whatever the state, so timing tells nothing either.
        const matches = hasher.matches(normalizeCode(code), v.codeHash);
        const now = clock.now();
        const outcome = attemptVerification(v, matches, now);
        if (outcome.kind === 'already_verified') throw errors.verificationAlreadyVerified();
        const next = outcome.verification;
        if (!outcome.changed) return next;
        await updateVerificationState(trx, next);
        // A superseded code says nothing about the number: its newer code is what it shows.
        if (v.superseded || isVerified(number.verification)) return next;
        if (outcome.kind === 'verified') {
          const verified: PhoneNumber = {
            ...number,
            // Verified is its own state: no longer merely reserved.
            reserved: false,
            verification: { strategy: 'phone_code', status: 'verified', attempts: next.attempts, expireAt: next.expireAt },
            updatedAt: now,
          };
          await saveNumber(trx, verified, false);
          await reconcileUser(trx, number.userId, now);
        } else {
          await mirror(trx, number, next, now);
        }
        return next;
      });
    },

    /** The development inbox: newest first, optionally for one number. */
    async listMessages(filter: SmsMessageFilter): Promise<SmsMessagePage> {
      const [data, totalCount] = await Promise.all([listSmsMessages(store.db, filter), countSmsMessages(store.db, filter.to)]);
      return { data, totalCount };
    },

    close: (): Promise<void> => delivery.close(),
  };
}
