import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { DEFAULT_POOL_SIZE, StoreBusyError, type Database, type Store } from '../database.js';
import { migrateToLatest } from '../migrate.js';
import { runAsTx } from '../tx.js';
import { withWriteReadiness } from '../write-readiness.js';

export interface PostgresStoreOptions {
  /**
   * How node-postgres connects: usually `{ connectionString: DATABASE_URL }`.
   * Any `pg.PoolConfig` is taken (TLS, `options=-c …`, a test harness's
   * connection); `max` and `types` are set from the options below.
   */
  readonly connection: pg.PoolConfig;
  /** Most connections this process holds open (DATABASE_POOL_SIZE). @default DEFAULT_POOL_SIZE */
  readonly poolSize?: number;
  /**
   * How many times a transaction runs before a serialization failure or a
   * deadlock is given up on and answered 503 with `Retry-After`.
   * @default 10
   */
  readonly maxAttempts?: number;
  /** How long a request waits for a free pooled connection (or a new one) before failing. @default 10000 */
  readonly connectTimeoutMs?: number;
  /** Called before each retry; for logs and tests. */
  readonly onRetry?: (info: RetryInfo) => void;
}

export interface RetryInfo {
  /** The SQLSTATE that caused the retry: 40001, 40P01 or 23505. */
  readonly code: string;
  /** The attempt that failed, from 1. */
  readonly attempt: number;
  readonly delayMs: number;
}

const INT8_OID = 20;

/**
 * int8 (bigint columns, count(*)) as a JavaScript number: Callsign's int8 values
 * are millisecond timestamps and counts, far inside 2^53. Set per pool, so other
 * users of `pg` in the same process keep pg's default (strings).
 */
const typeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) => {
    if (oid === INT8_OID && format !== 'binary') {
      return (value: string): number | bigint => {
        const n = Number(value);
        return Number.isSafeInteger(n) ? n : BigInt(value);
      };
    }
    return pg.types.getTypeParser(oid, format as 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** SQLSTATEs after which the whole transaction is run again (see docs/semantics.md, "Transactions"). */
const SERIALIZATION_FAILURE = '40001';
const DEADLOCK_DETECTED = '40P01';
const UNIQUE_VIOLATION = '23505';

function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.length === 5 ? code : undefined;
}

const NODE_CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * The database could not serve, for reasons that pass: no free connection
 * within the connect timeout, connection refused or cut (class 08), the
 * server shutting down or starting (57P01–57P03), out of disk, memory or
 * connections (class 53), an I/O error on its side (class 58), or a standby
 * that cannot write (25006, during a failover). Answered 503 with
 * Retry-After, like /readyz, rather than 500.
 */
function unavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (NODE_CONNECTION_ERRORS.has(code)) return true;
    if (/^(08|53|58)/.test(code) || code === '57P01' || code === '57P02' || code === '57P03' || code === '25006') return true;
  }
  const message = error instanceof Error ? error.message : '';
  // A rollback on a connection that already failed reports only this message, without a code.
  return /timeout exceeded when trying to connect|Connection terminated|is not queryable/i.test(message);
}

/** Full jitter on an exponential step: 0..min(200, 4·2^attempt) ms. */
function backoffMs(attempt: number): number {
  return Math.floor(Math.random() * Math.min(200, 4 * 2 ** attempt));
}

/** The pool, with every connection's failure handled for its whole life. */
function createPool(options: PostgresStoreOptions): pg.Pool {
  const pool = new pg.Pool({
    application_name: 'callsign',
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    ...options.connection,
    max: options.poolSize ?? DEFAULT_POOL_SIZE,
    types: typeParsers,
  });
  // A connection can fail at any time (its backend terminated, the server
  // stopped, the network cut). pg emits 'error' on the Client, and an 'error'
  // event without a listener ends the process: the pool listens only while a
  // connection is idle, so every connection gets its own listener for its
  // whole life. The query in flight on it fails by itself (503), and the pool
  // discards the connection when it is released.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

/** Migrates the schema unqualified names go to (the first existing schema of search_path, normally public). */
async function migrateInCurrentSchema(db: Kysely<Database>): Promise<void> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema ?? undefined;
  if (schema === undefined) throw new Error('PostgreSQL has no current schema: create the schema that search_path names first');
  await migrateToLatest(db as Kysely<unknown>, { schema });
}

/**
 * The PostgreSQL store, for any number of Callsign processes on one database.
 *
 * Transactions run at READ COMMITTED. What must hold across processes is held
 * by the database, not by a read-then-write check: ownership by unique
 * indexes (rule 2), everything that reads a user's state and writes it back
 * (rules 4–6) by the user's row lock (`lockUser`), everything about one number
 * (claims, codes, send limits) by a transaction-scoped advisory lock on it
 * (`lockPhoneNumber`), each taken before the state is read. SERIALIZABLE
 * would need none of the locks, but its predicate locks are per index page and
 * new ids all land on the last one: on a mixed load it retried more than twice
 * per request and still answered 10% of them 503 (docs/semantics.md).
 *
 * A transaction that fails with a deadlock or a serialization failure (or a
 * unique violation its use case did not handle, which can only be a race
 * lost to a concurrent commit) is rolled back and run again, up to
 * `maxAttempts` times with jittered backoff; past that the request is
 * answered 503 with `Retry-After`, never 500.
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: createPool(options) }) });
  try {
    await migrateInCurrentSchema(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }

  const locks: Pick<Store, 'lockUser' | 'lockPhoneNumber' | 'uniqueViolation'> = {
    // FOR NO KEY UPDATE: excludes other lockUser calls and a delete of the
    // user, but not the foreign-key checks of rows inserted for the user.
    async lockUser(trx, userId) {
      await trx.selectFrom('users').select('id').where('id', '=', userId).forNoKeyUpdate().execute();
    },
    // Transaction-scoped: released at commit or rollback, so a crash can't leave it held.
    async lockPhoneNumber(trx, e164) {
      await sql`select pg_advisory_xact_lock(hashtextextended(${e164}, 0))`.execute(trx);
    },
    uniqueViolation(error) {
      if (sqlState(error) !== UNIQUE_VIOLATION) return null;
      const constraint = (error as { constraint?: unknown }).constraint;
      return typeof constraint === 'string' ? constraint : 'unique';
    },
  };

  return withWriteReadiness({
    dialect: 'postgres',
    db,
    transaction: transactionWithRetries(db, locks, options),
    ...locks,
    unavailable,
    async ping() {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  });
}

/**
 * Runs a transaction at READ COMMITTED, again after a deadlock, a
 * serialization failure or a unique violation (a race lost to a concurrent
 * commit), up to `maxAttempts` times with jittered backoff; then gives up
 * with StoreBusyError. A database that cannot serve is not retried here.
 */
function transactionWithRetries(
  db: Kysely<Database>,
  locks: Pick<Store, 'lockUser' | 'lockPhoneNumber' | 'uniqueViolation'>,
  options: PostgresStoreOptions,
): Store['transaction'] {
  const maxAttempts = options.maxAttempts ?? 10;
  return async (work) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await db.transaction().setIsolationLevel('read committed').execute((trx) => runAsTx(trx, locks, work));
      } catch (error) {
        // Not retried here: the error handler answers it 503 (store.unavailable).
        if (unavailable(error)) throw error;
        const code = sqlState(error);
        const conflict = code === SERIALIZATION_FAILURE || code === DEADLOCK_DETECTED;
        if (!conflict && code !== UNIQUE_VIOLATION) throw error;
        if (attempt >= maxAttempts) {
          // A unique violation that survives every retry is not a race: let it be the bug it is.
          if (!conflict) throw error;
          throw new StoreBusyError(attempt);
        }
        const delayMs = backoffMs(attempt);
        options.onRetry?.({ code: code!, attempt, delayMs });
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  };
}
