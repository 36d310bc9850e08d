import { createIdGenerator } from '../domain/id.js';
import { createKeyedHasher } from '../domain/keyed-hash.js';
import type { Clock, Random } from '../domain/ports.js';
import { DEFAULT_VERIFICATION_SETTINGS, type VerificationSettings } from '../domain/verification.js';
import { createPhoneNumberService } from '../service/phone-number.service.js';
import { createSecondFactorService } from '../service/second-factor.service.js';
import { createUserService } from '../service/user.service.js';
import { createVerificationService, type VerificationService } from '../service/verification.service.js';
import { createLogSmsSender } from '../sms/log-sms-sender.js';
import type { DeliveryLog, RetryPolicy } from '../sms/sms-delivery.js';
import type { SmsSender } from '../sms/sms-sender.js';
import type { Store } from '../store/database.js';
import { cryptoRandom, systemClock } from './system.js';

/** What the use cases are built from; the composition root (server.ts) picks each. */
export interface ServiceParts {
  readonly store: Store;
  /** Key for hashing one-time codes and backup codes (at least 32 bytes); kept out of the database. */
  readonly hashKey: Uint8Array;
  /** @default the system clock */
  readonly clock?: Clock;
  /** @default node:crypto's CSPRNG */
  readonly random?: Random;
  /** Where verification codes go (SMS_PROVIDER). @default the `log` sender (development inbox) */
  readonly sms?: SmsSender;
  /** Codes, test mode, send limits and country lists; unset fields take their defaults. @default DEFAULT_VERIFICATION_SETTINGS (test mode off) */
  readonly verification?: Partial<VerificationSettings>;
  /** Backoff of SMS retries after transient failures. @default 1 s doubling to 60 s */
  readonly smsRetry?: Partial<RetryPolicy>;
}

/** Every use case, ready to serve; `close` stops pending SMS retries (before the store closes). */
export interface Services {
  readonly phoneNumbers: ReturnType<typeof createPhoneNumberService>;
  readonly users: ReturnType<typeof createUserService>;
  readonly secondFactor: ReturnType<typeof createSecondFactorService>;
  readonly verifications: VerificationService;
  close(): Promise<void>;
}

/** Builds the use cases around their collaborators; `log` is where SMS delivery reports. */
export function createServices(parts: ServiceParts, log: DeliveryLog): Services {
  const clock = parts.clock ?? systemClock;
  const random = parts.random ?? cryptoRandom;
  const ctx = { store: parts.store, clock, random, hasher: createKeyedHasher(parts.hashKey), newId: createIdGenerator(clock, random) };
  const verifications = createVerificationService(ctx, {
    settings: { ...DEFAULT_VERIFICATION_SETTINGS, ...parts.verification },
    sender: parts.sms ?? createLogSmsSender(),
    log,
    ...(parts.smsRetry === undefined ? {} : { retry: parts.smsRetry }),
  });
  return {
    phoneNumbers: createPhoneNumberService(ctx),
    users: createUserService(ctx),
    secondFactor: createSecondFactorService(ctx),
    verifications,
    close: () => verifications.close(),
  };
}
