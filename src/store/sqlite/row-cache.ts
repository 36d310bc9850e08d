/**
 * Rows by id, kept in memory for the reads that dominate, and kept exact by
 * the database: the store reports every change or deletion of a row of the
 * cached table through `invalidate`, from inside the statement that made it
 * (SQLite: TEMP triggers calling back into the process, see
 * sqlite-store.ts), so no write path can forget to.
 *
 * Only for a store whose every writer is this process: a change made by
 * another process would not be reported. The SQLite store guarantees that
 * (sqlite-process-lock.ts); the PostgreSQL store, shared by several
 * processes, has no cache.
 */
export interface RowCache<T> {
  /**
   * The row with `id`: from memory when it is there, else from `load`, whose
   * result is kept unless a change was reported while it ran (it may then
   * predate that change). `load` must read outside any transaction, so that
   * it never keeps a change that is later rolled back.
   */
  read(id: string, load: () => Promise<T | undefined>): Promise<T | undefined>;
  /** Forgets the row `id`: the database changed or deleted it. */
  invalidate(id: string): void;
  /** Rows held now, for tests and diagnostics. */
  readonly size: number;
}

/**
 * A cache of at most `capacity` rows, the oldest filled dropped first. Rows
 * are frozen when kept: every reader shares them.
 */
export function createRowCache<T extends object>(capacity: number): RowCache<T> {
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
  const rows = new Map<string, T>();
  // Counts reported changes; a load that saw it move may have read a row as it was before the change.
  let changes = 0;

  const keep = (id: string, row: T): void => {
    if (rows.size >= capacity) rows.delete(rows.keys().next().value!);
    rows.set(id, Object.freeze(row));
  };

  return {
    read(id, load) {
      const row = rows.get(id);
      if (row !== undefined) return Promise.resolve(row);
      const changesBefore = changes;
      return load().then((loaded) => {
        if (loaded !== undefined && changes === changesBefore) keep(id, loaded);
        return loaded;
      });
    },
    invalidate(id) {
      changes++;
      rows.delete(id);
    },
    get size() {
      return rows.size;
    },
  };
}
