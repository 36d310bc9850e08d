/**
 * Where a message stands, as recorded in `sms_messages`:
 * - `sending`: the first try is under way;
 * - `delivered`: the provider accepted it (for `log`: it is in the inbox);
 * - `retrying`: a try failed transiently; another is scheduled at `next_attempt_at`;
 * - `refused`: the provider refused it for good; the caller got 422 sms_delivery_failed;
 * - `expired`: retries ran until the code expired without a delivery (if the
 *   first try already left no time for a retry, the caller got 503);
 * - `cancelled`: a retry was due but the code no longer mattered (superseded, verified, the number deleted);
 * - `abandoned`: the process shut down while retries were pending (or during
 *   the first try, and the caller got 503);
 * - `test_mode`: a test-mode number: nothing was sent (rule 9).
 */
export type SmsMessageStatus = 'sending' | 'delivered' | 'retrying' | 'refused' | 'expired' | 'cancelled' | 'abandoned' | 'test_mode';

/** A recorded SMS and its delivery outcome. */
export interface SmsMessageRecord {
  readonly id: string;
  readonly provider: string;
  /** E.164. */
  readonly to: string;
  readonly phoneNumberId: string;
  readonly verificationId: string;
  /** Whole for `log` and test-mode numbers; with the code masked otherwise. */
  readonly body: string;
  /** The code, for `log` and test-mode numbers only. */
  readonly code: string | null;
  readonly status: SmsMessageStatus;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly providerMessageId: string | null;
  readonly nextAttemptAt: number | null;
  readonly deliveredAt: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** A change to a message's record after a try. */
export interface DeliveryUpdate {
  readonly status: SmsMessageStatus;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly providerMessageId?: string;
  readonly nextAttemptAt: number | null;
  readonly at: number;
}
