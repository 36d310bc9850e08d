import type { Store } from './database.js';

/** Random-looking text, so that no database compresses it away: 16 KiB. */
const PROBE_PADDING = Array.from({ length: 1024 }, (_, i) => ((i * 2654435761) >>> 0).toString(16).padStart(16, '0')).join('');

/**
 * Adds `ready()` to a store: a database can answer queries while it cannot
 * take writes (a full disk, a failing device), so a transaction that failed
 * as unavailable marks the store not ready until one commits again; while
 * marked, `ready()` tries a write of its own (16 KiB, freed again) to find out.
 */
export function withWriteReadiness(store: Omit<Store, 'ready'>): Store {
  let lastWriteFailed = false;
  const transaction: Store['transaction'] = async (work) => {
    try {
      const result = await store.transaction(work);
      lastWriteFailed = false;
      return result;
    } catch (error) {
      if (store.unavailable(error)) lastWriteFailed = true;
      throw error;
    }
  };
  return {
    ...store,
    transaction,
    async ready() {
      await store.ping();
      if (!lastWriteFailed) return;
      await transaction(async (trx) => {
        // As much as a large request writes, so that a database with room for a
        // few bytes but not for a user is not called ready; then freed again.
        await trx.deleteFrom('write_probe').execute();
        await trx.insertInto('write_probe').values({ id: 1, written_at: Date.now(), padding: PROBE_PADDING }).execute();
        await trx.updateTable('write_probe').set({ padding: '' }).execute();
      });
    },
  };
}
