import type SqliteDatabase from 'better-sqlite3';
import {
  type CompiledQuery,
  SqliteDialect,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

/** How many distinct prepared statements to keep; Callsign issues a few dozen query shapes. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely's SQLite dialect on one better-sqlite3 connection, with the driver
 * below instead of Kysely's own. Same adapter, compiler and SQL; only how the
 * connection is handed out and how statements are prepared differ.
 */
export class BetterSqliteDialect extends SqliteDialect {
  constructor(handle: SqliteDatabase.Database) {
    super({ database: handle });
    this.driver = new BetterSqliteDriver(handle);
  }

  /** The driver, created once: the store needs it to wait for a transaction's batch. */
  readonly driver: BetterSqliteDriver;

  override createDriver(): Driver {
    return this.driver;
  }
}

/** One physical SQLite transaction holding the logical transactions run in it. */
export interface Batch {
  /** Settles once the physical transaction has committed (or failed: then every logical transaction in it failed). */
  readonly committed: Promise<void>;
}

interface OpenBatch extends Batch {
  size: number;
  resolve(): void;
  reject(error: unknown): void;
}

/** Logical transactions in one physical one at most, so a batch's commit stays short. */
const MAX_BATCH = 64;
const SAVEPOINT = 'callsign_tx';

/**
 * The one connection, handed to one holder at a time (a query, a transaction,
 * a `db.connection()` scope), in the order they asked, as Kysely's
 * SqliteDriver does. Differences, all for speed:
 *
 * - When nobody holds the connection, which is nearly always (better-sqlite3
 *   runs each statement synchronously, so a plain query holds it for a few
 *   microtasks and a whole SQLite transaction completes without yielding to
 *   I/O), it is handed out at once: an already resolved promise, no mutex
 *   round trip. A holder waits only while another holds it.
 * - Statements are prepared once per SQL text and reused (safe: one holder
 *   runs one statement at a time), least recently used dropped first.
 *   Preparing costs about as much as running a small query.
 * - Transactions are batched: each (logical) transaction runs as a SAVEPOINT
 *   inside one physical SQLite transaction that the transactions started in
 *   the same turn of the event loop share, committed once at the end of that
 *   turn (or sooner, see below). A COMMIT writes every page the batch changed
 *   to the WAL once, two system calls per page, rather than once per
 *   transaction: the pages most claims touch (the table's last page, the
 *   indexes on ids and numbers, the users' pages) are shared. A transaction
 *   that throws rolls back to its savepoint only. Nothing is acknowledged
 *   before its batch commits (`Batch.committed`), and a batch that fails to
 *   commit fails every transaction in it, so each one is still all or
 *   nothing. A plain query never sees a batch's uncommitted changes: the
 *   batch commits before any plain query runs.
 */
export class BetterSqliteDriver implements Driver {
  readonly #handle: SqliteDatabase.Database;
  readonly #connection: BetterSqliteConnection;
  #held = false;
  readonly #waiting: (() => void)[] = [];
  /** The physical transaction open now, if any. */
  #batch: OpenBatch | undefined;
  /** Whether the holder is inside a logical transaction (between begin and commit or rollback). */
  #inTransaction = false;
  #commitScheduled = false;

  constructor(handle: SqliteDatabase.Database) {
    this.#handle = handle;
    this.#connection = new BetterSqliteConnection(handle, () => {
      // In a transaction, its batch must still be there; a plain query must see only committed data.
      if (this.#inTransaction) this.#checkBatchAlive();
      else this.commitBatch();
    });
  }

  async init(): Promise<void> {}

  /** The batch the current logical transaction runs in; call inside the transaction. */
  currentBatch(): Batch {
    if (this.#batch === undefined || !this.#inTransaction) throw new Error('currentBatch() outside a transaction');
    return this.#batch;
  }

  acquireConnection(): Promise<DatabaseConnection> {
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve(this.#connection);
    }
    return new Promise((resolve) => this.#waiting.push(() => resolve(this.#connection)));
  }

  releaseConnection(): Promise<void> {
    // Handed straight to the next in line, so nobody can take it in between.
    const next = this.#waiting.shift();
    if (next === undefined) {
      this.#held = false;
      if (this.#batch !== undefined) this.#scheduleCommit();
    } else {
      next();
    }
    return Promise.resolve();
  }

  /** Commits the open batch now, if there is one; settles its `committed`. Never throws. */
  commitBatch(): void {
    const batch = this.#batch;
    if (batch === undefined) return;
    try {
      this.#handle.exec('commit');
    } catch (error) {
      this.#abandonBatch(new SqliteBatchLostError(error));
      return;
    }
    this.#batch = undefined;
    batch.resolve();
  }

  /**
   * Ends the open batch keeping none of it: rolls back whatever SQLite still
   * holds of it and fails every transaction in it with `error`. Never throws.
   */
  #abandonBatch(error: SqliteBatchLostError): void {
    const batch = this.#batch;
    this.#batch = undefined;
    try {
      if (this.#handle.inTransaction) this.#handle.exec('rollback');
    } catch {
      // A ROLLBACK that fails still ends the transaction (SQLite's documented behaviour).
    }
    batch?.reject(error);
  }

  /**
   * Inside a transaction: throws, failing the batch, if SQLite rolled the
   * batch back on its own (SQLITE_FULL, SQLITE_IOERR, … may do that to the
   * whole transaction). Otherwise the transaction's next statement would run
   * outside any transaction and be kept on its own, even if it later fails.
   */
  #checkBatchAlive(): void {
    if (!this.#handle.inTransaction) this.#loseBatch(undefined);
  }

  /** Runs a transaction-control statement; if it fails, the batch cannot be kept in part and goes whole. */
  #control(text: string): void {
    try {
      this.#handle.exec(text);
    } catch (error) {
      this.#loseBatch(error);
    }
  }

  #loseBatch(cause: unknown): never {
    const lost = new SqliteBatchLostError(cause);
    this.#abandonBatch(lost);
    throw lost;
  }

  #scheduleCommit(): void {
    if (this.#commitScheduled) return;
    this.#commitScheduled = true;
    // After the I/O callbacks of this turn, whose requests may join the batch.
    setImmediate(() => {
      this.#commitScheduled = false;
      if (this.#held) return; // the holder's release schedules it again
      this.commitBatch();
    });
  }

  async beginTransaction(_connection: DatabaseConnection, _settings: TransactionSettings): Promise<void> {
    if (this.#batch !== undefined && this.#batch.size >= MAX_BATCH) this.commitBatch();
    if (this.#batch !== undefined && !this.#handle.inTransaction) this.#abandonBatch(new SqliteBatchLostError());
    const batch = (this.#batch ??= this.#beginBatch());
    this.#control(`savepoint ${SAVEPOINT}`);
    batch.size++;
    this.#inTransaction = true;
  }

  #beginBatch(): OpenBatch {
    // IMMEDIATE: this connection is the file's only writer (sqlite-process-lock.ts),
    // and a batch that began with a read would otherwise hold a read snapshot.
    this.#handle.exec('begin immediate');
    let resolve!: () => void;
    let reject!: (error: unknown) => void;
    const committed = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Callers await it only after their own transaction succeeded; a batch
    // whose every transaction failed may reject with nobody listening.
    committed.catch(() => {});
    return { committed, size: 0, resolve, reject };
  }

  async commitTransaction(_connection: DatabaseConnection): Promise<void> {
    // On a throw Kysely calls rollbackTransaction, which ends the logical transaction.
    this.#checkBatchAlive();
    this.#control(`release ${SAVEPOINT}`);
    this.#inTransaction = false;
  }

  async rollbackTransaction(_connection: DatabaseConnection): Promise<void> {
    this.#inTransaction = false;
    if (!this.#handle.inTransaction) {
      // SQLite rolled back the whole physical transaction: every transaction in the batch is lost.
      this.#abandonBatch(new SqliteBatchLostError());
      return;
    }
    try {
      this.#control(`rollback to ${SAVEPOINT}`);
      this.#control(`release ${SAVEPOINT}`);
    } catch {
      // The failed transaction's writes could not be undone alone: the batch went with them, and its own error stands.
    }
  }

  async destroy(): Promise<void> {
    this.commitBatch();
    this.#handle.close();
  }
}

/**
 * A batch that was rolled back as a whole: SQLite abandoned it after an error
 * in one of its transactions, or its COMMIT, a savepoint's RELEASE or
 * ROLLBACK TO failed. Every transaction in it fails with this (503).
 */
export class SqliteBatchLostError extends Error {
  readonly code = 'SQLITE_ABORT_BATCH';
  constructor(cause?: unknown) {
    super(
      `a batch of transactions could not be committed and was rolled back; none of its writes were kept${cause instanceof Error ? `: ${cause.message}` : ''}`,
      cause === undefined ? undefined : { cause },
    );
    this.name = 'SqliteBatchLostError';
  }
}

class BetterSqliteConnection implements DatabaseConnection {
  readonly #handle: SqliteDatabase.Database;
  readonly #beforeStatement: () => void;
  readonly #statements = new Map<string, SqliteDatabase.Statement>();

  constructor(handle: SqliteDatabase.Database, beforeStatement: () => void) {
    this.#handle = handle;
    this.#beforeStatement = beforeStatement;
  }

  #prepare(text: string): SqliteDatabase.Statement {
    let statement = this.#statements.get(text);
    if (statement === undefined) {
      statement = this.#handle.prepare(text);
      if (this.#statements.size >= STATEMENT_CACHE_SIZE) this.#statements.delete(this.#statements.keys().next().value!);
    } else {
      this.#statements.delete(text);
    }
    this.#statements.set(text, statement);
    return statement;
  }

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    try {
      this.#beforeStatement();
      const statement = this.#prepare(compiledQuery.sql);
      const parameters = compiledQuery.parameters as unknown[];
      if (statement.reader) return Promise.resolve({ rows: statement.all(parameters) as R[] });
      const { changes, lastInsertRowid } = statement.run(parameters);
      return Promise.resolve({ numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] });
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    this.#beforeStatement();
    const statement = this.#prepare(compiledQuery.sql);
    if (!statement.reader) throw new Error('Sqlite driver only supports streaming of select queries');
    for (const row of statement.iterate(compiledQuery.parameters as unknown[])) yield { rows: [row as R] };
  }
}
