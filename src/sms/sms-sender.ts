/** One text message carrying a verification code. */
export interface OutgoingSms {
  /** `sms_…`: the same on every retry, so a receiver can drop duplicates. */
  readonly id: string;
  /** E.164. */
  readonly to: string;
  /** The text, code included. */
  readonly body: string;
  /** The code alone, for gateways that build their own text. */
  readonly code: string;
  readonly phoneNumberId: string;
  readonly verificationId: string;
  /** Unix ms after which the code is useless: retries stop then. */
  readonly expireAt: number;
}

/**
 * What one try at handing a message to a provider came to. An outcome, not a
 * throw: senders catch their own network errors.
 * - `delivered`: the provider accepted it;
 * - `refused`: the provider said no for good (a bad number, bad credentials);
 *   retrying the same message would be refused again;
 * - `transient`: no answer, a timeout, 5xx, 408 or 429: worth retrying.
 * `reason` is for logs, the message's record and the caller: it must not
 * contain the code (see `withoutCode`) nor a whole phone number (`maskDigits`).
 */
export type SendResult =
  | { readonly status: 'delivered'; readonly providerMessageId?: string }
  | { readonly status: 'refused' | 'transient'; readonly reason: string };

/** One outside system that delivers text messages. Implementations: log, webhook, twilio. */
export interface SmsSender {
  /** `log`, `webhook` or `twilio`: recorded with every message. */
  readonly provider: string;
  /**
   * Whether the message text is kept in the database: true only for `log`,
   * whose delivery *is* the development inbox. Other providers' messages are
   * recorded with the code masked, since codes are stored only as hashes.
   */
  readonly keepsBody: boolean;
  send(message: OutgoingSms): Promise<SendResult>;
}

/** Classifies an HTTP answer from a provider: 2xx delivered; 408, 429 and 5xx transient; any other 4xx refused. */
export function classifyHttpStatus(status: number): SendResult['status'] {
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 408 || status === 429 || status >= 500) return 'transient';
  return 'refused';
}

/** Describes a fetch that threw (timeout, refused connection, DNS), without the URL's secrets. */
export function networkReason(error: unknown): string {
  const e = error as { name?: string; cause?: { code?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'the provider did not answer in time';
  return `the provider could not be reached${e?.cause?.code ? ` (${e.cause.code})` : ''}`;
}

/** Provider text may quote the number it refused; digits runs are masked before it reaches a log or a caller. */
export function maskDigits(text: string): string {
  return text.replace(/\+?\d[\d\s-]{5,}\d/g, (run) => `${run.slice(0, 3)}***${run.slice(-2)}`);
}

/**
 * Replaces every occurrence of the message's code with stars. Provider text
 * may echo the request it got, code included, and `maskDigits` leaves runs
 * as short as a code alone; every sender passes its reasons through this
 * before they leave it (to logs, `sms_messages.last_error`, the caller).
 */
export function withoutCode(text: string, code: string): string {
  return code === '' ? text : text.split(code).join('*'.repeat(code.length));
}

/** Provider text made fit for a reason: the code replaced, then number-like runs masked. */
export function providerText(text: string, message: OutgoingSms): string {
  return maskDigits(withoutCode(text, message.code));
}
