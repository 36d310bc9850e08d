import type { OutgoingSms, SendResult, SmsSender } from './sms-sender.js';

/**
 * The development provider: sends nothing. The message is kept whole in the
 * database, where the development inbox (GET /v1/dev/sms_messages) shows it,
 * and the delivery is logged with the number masked and without the code.
 */
export function createLogSmsSender(): SmsSender {
  return {
    provider: 'log',
    keepsBody: true,
    async send(_message: OutgoingSms): Promise<SendResult> {
      return { status: 'delivered' };
    },
  };
}
