import type { SmsConfig } from '../config.js';
import { createLogSmsSender } from '../sms/log-sms-sender.js';
import type { SmsSender } from '../sms/sms-sender.js';
import { createTwilioSmsSender } from '../sms/twilio-sms-sender.js';
import { createWebhookSmsSender } from '../sms/webhook-sms-sender.js';

/** SMS_PROVIDER → the sender that speaks to it. */
export function createSmsSender(config: SmsConfig): SmsSender {
  const p = config.provider;
  switch (p.kind) {
    case 'log':
      return createLogSmsSender();
    case 'webhook':
      return createWebhookSmsSender({ url: p.url, secret: p.secret, timeoutMs: config.requestTimeoutMs });
    case 'twilio': {
      const common = { accountSid: p.accountSid, authToken: p.authToken, baseUrl: p.baseUrl, timeoutMs: config.requestTimeoutMs };
      return p.from !== undefined
        ? createTwilioSmsSender({ ...common, from: p.from })
        : createTwilioSmsSender({ ...common, messagingServiceSid: p.messagingServiceSid! });
    }
  }
}
