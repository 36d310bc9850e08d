import type { Transaction } from 'kysely';
import type { Database, Store, Tx } from './database.js';

/**
 * Runs `work` on `trx` seen as a Tx: the store's locks bound to it, and the
 * writes registered with `writeWith` made after `work` and before COMMIT.
 * Both stores' `transaction` run their work through it, once per attempt.
 */
export async function runAsTx<T>(
  trx: Transaction<Database>,
  store: Pick<Store, 'lockUser' | 'lockPhoneNumber' | 'uniqueViolation'>,
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  const writes: ((trx: Transaction<Database>) => Promise<void>)[] = [];
  const tx: Tx = Object.assign(trx, {
    lockUser: (userId: string) => store.lockUser(trx, userId),
    lockPhoneNumber: (e164: string) => store.lockPhoneNumber(trx, e164),
    uniqueViolation: (error: unknown) => store.uniqueViolation(error),
    writeWith: (write: (trx: Transaction<Database>) => Promise<void>) => void writes.push(write),
  });
  const result = await work(tx);
  // Registered writes may register more (an event for an event); each runs once.
  for (let i = 0; i < writes.length; i++) await writes[i]!(trx);
  return result;
}
