import type { Transaction } from 'kysely';
import type { Database, Executor } from './database.js';

/**
 * Serializes the transactions that count one bucket: the upsert takes the
 * bucket row's lock until commit on PostgreSQL (SQLite serializes writers
 * anyway), so two processes cannot both see room for the last send. Callers
 * lock their buckets in sorted order, so two buckets never deadlock.
 */
export async function lockBucket(trx: Transaction<Database>, bucket: string, now: number): Promise<void> {
  await trx
    .insertInto('rate_limit_buckets')
    .values({ bucket, touched_at: now })
    .onConflict((oc) => oc.column('bucket').doUpdateSet({ touched_at: now }))
    .execute();
}

/** Times of the bucket's events after `since`, oldest first. */
export async function eventsSince(db: Executor, bucket: string, since: number): Promise<number[]> {
  const rows = await db.selectFrom('rate_limit_events').select('at').where('bucket', '=', bucket).where('at', '>', since).orderBy('at').execute();
  return rows.map((r) => Number(r.at));
}

export async function recordEvent(db: Executor, bucket: string, at: number): Promise<void> {
  await db.insertInto('rate_limit_events').values({ bucket, at }).execute();
}

/** Events that no window can count any more go, so the table stays the size of the last hour. */
export async function pruneEvents(db: Executor, bucket: string, before: number): Promise<void> {
  await db.deleteFrom('rate_limit_events').where('bucket', '=', bucket).where('at', '<=', before).execute();
}
