import type { Selectable } from 'kysely';
import type { DeliveryUpdate, SmsMessageRecord, SmsMessageStatus } from '../domain/sms-message.js';
import type { Executor, SmsMessageTable } from './database.js';


type Row = Selectable<SmsMessageTable>;

const optionalNumber = (value: number | null): number | null => (value === null ? null : Number(value));

function toSmsMessage(row: Row): SmsMessageRecord {
  return {
    id: row.id,
    provider: row.provider,
    to: row.to_number,
    phoneNumberId: row.phone_number_id,
    verificationId: row.verification_id,
    body: row.body,
    code: row.code,
    status: row.status as SmsMessageStatus,
    attempts: Number(row.attempts),
    lastError: row.last_error,
    providerMessageId: row.provider_message_id,
    nextAttemptAt: optionalNumber(row.next_attempt_at),
    deliveredAt: optionalNumber(row.delivered_at),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export async function insertSmsMessage(db: Executor, m: SmsMessageRecord): Promise<void> {
  await db
    .insertInto('sms_messages')
    .values({
      id: m.id,
      provider: m.provider,
      to_number: m.to,
      phone_number_id: m.phoneNumberId,
      verification_id: m.verificationId,
      body: m.body,
      code: m.code,
      status: m.status,
      attempts: m.attempts,
      last_error: m.lastError,
      provider_message_id: m.providerMessageId,
      next_attempt_at: m.nextAttemptAt,
      delivered_at: m.deliveredAt,
      created_at: m.createdAt,
      updated_at: m.updatedAt,
    })
    .execute();
}

export async function recordSmsDelivery(db: Executor, id: string, update: DeliveryUpdate): Promise<void> {
  await db
    .updateTable('sms_messages')
    .set({
      status: update.status,
      attempts: update.attempts,
      last_error: update.lastError,
      next_attempt_at: update.nextAttemptAt,
      updated_at: update.at,
      ...(update.status === 'delivered' ? { delivered_at: update.at } : {}),
      ...(update.providerMessageId === undefined ? {} : { provider_message_id: update.providerMessageId }),
    })
    .where('id', '=', id)
    .execute();
}

export interface SmsMessageFilter {
  /** E.164. */
  readonly to?: string;
  readonly limit: number;
  readonly offset: number;
}

/** Newest first. */
export async function listSmsMessages(db: Executor, filter: SmsMessageFilter): Promise<SmsMessageRecord[]> {
  let query = db.selectFrom('sms_messages').selectAll();
  if (filter.to !== undefined) query = query.where('to_number', '=', filter.to);
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit).offset(filter.offset).execute();
  return rows.map(toSmsMessage);
}

export async function countSmsMessages(db: Executor, to?: string): Promise<number> {
  let query = db.selectFrom('sms_messages').select((eb) => eb.fn.countAll<number | string>().as('total'));
  if (to !== undefined) query = query.where('to_number', '=', to);
  return Number((await query.executeTakeFirstOrThrow()).total);
}
