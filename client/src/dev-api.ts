import { decodePage, decodeSmsMessage } from './decoders.js';
import type { Page, SmsMessage } from './models.js';
import type { Transport } from './transport.js';

export interface ListSmsMessagesParams {
  /** Only messages to this number (normalized to E.164 first). */
  readonly phoneNumber?: string;
  /** 1 to 500. @default 50 */
  readonly limit?: number;
  /** @default 0 */
  readonly offset?: number;
}

/**
 * Callsign's development tools, not part of Clerk's API. Reached as
 * `callsign.dev`. Served only in development or with test mode on; a 404
 * `CallsignApiError` otherwise.
 */
export class DevApi {
  constructor(private readonly transport: Transport) {}

  /**
   * The development SMS inbox, newest first (`GET /v1/dev/sms_messages`):
   * every message Callsign sent or meant to send, with its code (log
   * provider and test-mode numbers) and delivery status.
   * @example
   * const { data } = await callsign.dev.listSmsMessages({ phoneNumber: '+14155550101', limit: 1 });
   * const code = data[0]?.code;
   */
  listSmsMessages(params: ListSmsMessagesParams = {}): Promise<Page<SmsMessage>> {
    return this.transport.request(
      { method: 'GET', path: '/v1/dev/sms_messages', query: { phone_number: params.phoneNumber, limit: params.limit, offset: params.offset } },
      decodePage(decodeSmsMessage),
    );
  }
}
