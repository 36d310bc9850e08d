import { Webhook } from 'standardwebhooks';
import type { Clock } from '../domain/ports.js';
import { classifyHttpStatus, networkReason, providerText, type OutgoingSms, type SendResult, type SmsSender } from './sms-sender.js';

export interface WebhookSmsSenderOptions {
  /** SMS_WEBHOOK_URL: where each message is POSTed. */
  readonly url: string;
  /** SMS_WEBHOOK_SECRET: a Standard Webhooks secret, `whsec_` and base64. */
  readonly secret: string;
  /** SMS_REQUEST_TIMEOUT_MS. @default 10000 */
  readonly timeoutMs?: number;
  /** Signing time. Wall time, whatever the app's clock: receivers check it against theirs. @default Date.now */
  readonly clock?: Clock;
}

/**
 * Bridges any SMS gateway: POSTs the message as JSON
 * `{id, to, body, code, phone_number_id, verification_id, expire_at}` signed
 * per Standard Webhooks (`webhook-id` is the message id, the same on every
 * retry, so receivers can drop duplicates). 2xx is delivered; 408, 429, 5xx
 * and no answer are retried; any other 4xx is a definite refusal.
 */
export function createWebhookSmsSender(options: WebhookSmsSenderOptions): SmsSender {
  // Fails at construction on a malformed secret, not on the first message.
  const signer = new Webhook(options.secret);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const now = (): number => (options.clock ?? Date).now();
  return {
    provider: 'webhook',
    keepsBody: false,
    async send(message: OutgoingSms): Promise<SendResult> {
      const payload = JSON.stringify({
        id: message.id,
        to: message.to,
        body: message.body,
        code: message.code,
        phone_number_id: message.phoneNumberId,
        verification_id: message.verificationId,
        expire_at: message.expireAt,
      });
      const timestamp = new Date(now());
      let response: Response;
      try {
        response = await fetch(options.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Callsign',
            'webhook-id': message.id,
            'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
            'webhook-signature': signer.sign(message.id, timestamp, payload),
          },
          body: payload,
          signal: AbortSignal.timeout(timeoutMs),
        });
        // Read the answer so the connection is released.
        const answer = await response.text();
        const status = classifyHttpStatus(response.status);
        if (status === 'delivered') return { status };
        // A receiver may echo the request, code included: masked before the text is cut, so no part of the code survives the cut.
        const text = providerText(answer, message).trim().slice(0, 200);
        return { status, reason: `the webhook answered ${response.status}${text === '' ? '' : `: ${text}`}` };
      } catch (error) {
        return { status: 'transient', reason: networkReason(error) };
      }
    },
  };
}
