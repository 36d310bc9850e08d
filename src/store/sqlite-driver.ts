import type SqliteDatabase from 'better-sqlite3';
import {
  CompiledQuery,
  SqliteDialect,
  type DatabaseConnection,
  type Driver,
  type QueryCompiler,
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
  readonly #handle: SqliteDatabase.Database;

  constructor(handle: SqliteDatabase.Database) {
    super({ database: handle });
    this.#handle = handle;
  }

  override createDriver(): Driver {
    return new BetterSqliteDriver(this.#handle);
  }
}

/**
 * The one connection, handed to one holder at a time (a query, a transaction,
 * a `db.connection()` scope), in the order they asked, as Kysely's
 * SqliteDriver does. Differences, both for speed:
 *
 * - When nobody holds the connection, which is nearly always (better-sqlite3
 *   runs each statement synchronously, so a plain query holds it for a few
 *   microtasks and a whole SQLite transaction completes without yielding to
 *   I/O), it is handed out at once: an already resolved promise, no mutex
 *   round trip. A holder waits only while another holds it, e.g. a read that
 *   arrives while a transaction is open waits for its commit and then sees it.
 * - Statements are prepared once per SQL text and reused (safe: one holder
 *   runs one statement at a time), least recently used dropped first.
 *   Preparing costs about as much as running a small query.
 */
export class BetterSqliteDriver implements Driver {
  readonly #handle: SqliteDatabase.Database;
  readonly #connection: BetterSqliteConnection;
  #held = false;
  readonly #waiting: (() => void)[] = [];

  constructor(handle: SqliteDatabase.Database) {
    this.#handle = handle;
    this.#connection = new BetterSqliteConnection(handle);
  }

  async init(): Promise<void> {}

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
    if (next === undefined) this.#held = false;
    else next();
    return Promise.resolve();
  }

  async beginTransaction(connection: DatabaseConnection, _settings: TransactionSettings): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async savepoint(connection: DatabaseConnection, name: string, _compileQuery: QueryCompiler['compileQuery']): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${quoteIdentifier(name)}`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string, _compileQuery: QueryCompiler['compileQuery']): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to ${quoteIdentifier(name)}`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string, _compileQuery: QueryCompiler['compileQuery']): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release ${quoteIdentifier(name)}`));
  }

  async destroy(): Promise<void> {
    this.#handle.close();
  }
}

const quoteIdentifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;

class BetterSqliteConnection implements DatabaseConnection {
  readonly #handle: SqliteDatabase.Database;
  readonly #statements = new Map<string, SqliteDatabase.Statement>();

  constructor(handle: SqliteDatabase.Database) {
    this.#handle = handle;
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
    const statement = this.#prepare(compiledQuery.sql);
    if (!statement.reader) throw new Error('Sqlite driver only supports streaming of select queries');
    for (const row of statement.iterate(compiledQuery.parameters as unknown[])) yield { rows: [row as R] };
  }
}
