import { classifyHttpStatus, networkReason, providerText, type OutgoingSms, type SendResult, type SmsSender } from './sms-sender.js';

/** The sender is either a number (or alphanumeric sender id) or a Messaging Service. */
export type TwilioFrom = { readonly from: string } | { readonly messagingServiceSid: string };

export type TwilioSmsSenderOptions = TwilioFrom & {
  /** TWILIO_ACCOUNT_SID, `AC…`. */
  readonly accountSid: string;
  /** TWILIO_AUTH_TOKEN (or an API key secret paired with the account SID). */
  readonly authToken: string;
  /** TWILIO_BASE_URL: tests point it at a local server. @default 'https://api.twilio.com' */
  readonly baseUrl?: string;
  /** SMS_REQUEST_TIMEOUT_MS. @default 10000 */
  readonly timeoutMs?: number;
};

/** The part of Twilio's error body we read. */
interface TwilioError {
  readonly code?: number;
  readonly message?: string;
}

/**
 * Twilio's Messages API, spoken directly (no SDK): `POST
 * /2010-04-01/Accounts/{AccountSid}/Messages.json`, basic auth, form fields
 * `To`, `From` or `MessagingServiceSid`, `Body`. A 201 is delivered to Twilio;
 * a 4xx with an error code (21211 invalid number, 21610 unsubscribed, …) is a
 * definite refusal; 429, 5xx and no answer are retried.
 */
export function createTwilioSmsSender(options: TwilioSmsSenderOptions): SmsSender {
  const base = (options.baseUrl ?? 'https://api.twilio.com').replace(/\/+$/, '');
  const url = `${base}/2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    provider: 'twilio',
    keepsBody: false,
    async send(message: OutgoingSms): Promise<SendResult> {
      const form = new URLSearchParams({ To: message.to });
      if ('from' in options) form.set('From', options.from);
      else form.set('MessagingServiceSid', options.messagingServiceSid);
      form.set('Body', message.body);
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'user-agent': 'Callsign' },
          body: form.toString(),
          signal: AbortSignal.timeout(timeoutMs),
        });
        const text = await response.text();
        const status = classifyHttpStatus(response.status);
        if (status === 'delivered') {
          const sid = (parseJson(text) as { sid?: unknown } | undefined)?.sid;
          return typeof sid === 'string' ? { status, providerMessageId: sid } : { status };
        }
        const error = parseJson(text) as TwilioError | undefined;
        // Twilio's message may quote the request, Body and code included.
        const detail = error?.code !== undefined ? `Twilio error ${error.code}${error.message ? `: ${providerText(String(error.message), message)}` : ''}` : `Twilio answered ${response.status}`;
        return { status, reason: detail };
      } catch (error) {
        return { status: 'transient', reason: networkReason(error) };
      }
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
