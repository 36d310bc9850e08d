import type { Kysely, Transaction } from 'kysely';
import type { PhoneNumber } from '../domain/phone-number.js';
import type { RowCache } from './sqlite/row-cache.js';

/** Booleans are stored as 0/1 integers in both dialects, so one query text serves both. */
export type Flag = 0 | 1;

export interface UserTable {
  id: string;
  external_id: string | null;
  first_name: string | null;
  last_name: string | null;
  /** JSON text. */
  public_metadata: string;
  private_metadata: string;
  unsafe_metadata: string;
  mfa_enabled_at: number | null;
  mfa_disabled_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface PhoneNumberTable {
  id: string;
  user_id: string;
  phone_number: string;
  reserved: Flag;
  /** 1 when reserved or verified; a partial unique index on it enforces one owner (rule 2). */
  claimed: Flag;
  is_primary: Flag;
  reserved_for_second_factor: Flag;
  default_second_factor: Flag;
  /** null, 'admin' or 'phone_code'. */
  verification_strategy: string | null;
  verification_status: string | null;
  verification_attempts: number | null;
  verification_expire_at: number | null;
  created_at: number;
  updated_at: number;
}

/** One unused backup code (rule 6), stored only as a keyed hash. */
export interface BackupCodeTable {
  user_id: string;
  code_hash: string;
  created_at: number;
}

/** One one-time-code verification (rule 7); the code only as a keyed hash. */
export interface VerificationTable {
  id: string;
  phone_number_id: string;
  phone_number: string;
  code_hash: string;
  /** unverified, verified, failed or expired. */
  status: string;
  attempts: number;
  max_attempts: number;
  expire_at: number;
  /** 1 once a newer code was prepared for the same phone number. */
  superseded: Flag;
  test_mode: Flag;
  created_at: number;
  updated_at: number;
}

/** Every SMS Callsign sent or meant to send, with its delivery outcome (the development inbox reads it). */
export interface SmsMessageTable {
  id: string;
  provider: string;
  to_number: string;
  /** No foreign keys: the record outlives the number and the verification. */
  phone_number_id: string;
  verification_id: string;
  /** The text and the code, kept only for the `log` provider and test-mode numbers; masked otherwise. */
  body: string;
  code: string | null;
  /** See SmsMessageStatus. */
  status: string;
  attempts: number;
  last_error: string | null;
  provider_message_id: string | null;
  next_attempt_at: number | null;
  delivered_at: number | null;
  created_at: number;
  updated_at: number;
}

/** A row per limited bucket, upserted to serialize transactions counting that bucket. */
export interface RateLimitBucketTable {
  bucket: string;
  touched_at: number;
}

/** One counted send per bucket (`number:+1…`, `key:1a2b3c4d`), pruned past the window. */
export interface RateLimitEventTable {
  bucket: string;
  at: number;
}

export interface Database {
  users: UserTable;
  phone_numbers: PhoneNumberTable;
  verifications: VerificationTable;
  sms_messages: SmsMessageTable;
  rate_limit_buckets: RateLimitBucketTable;
  rate_limit_events: RateLimitEventTable;
  backup_codes: BackupCodeTable;
  write_probe: WriteProbeTable;
}

/** One row, rewritten by readiness after a write failed (write-readiness.ts). */
export interface WriteProbeTable {
  id: number;
  written_at: number;
  padding: string;
}

/**
 * A transaction that kept meeting concurrent conflicting changes
 * (serialization failures, deadlocks) and was given up on: nothing of it was
 * applied. The HTTP layer answers it 503 with Retry-After.
 */
export class StoreBusyError extends Error {
  override name = 'StoreBusyError';
  constructor(readonly attempts: number) {
    super(`the transaction met concurrent conflicting changes ${attempts} times in a row`);
  }
}

/**
 * A transaction as use cases see it: a Kysely transaction (repositories take
 * it as an Executor) that also carries the locks a read for change takes, so
 * no use case reaches past it to the store, and the place where writes that
 * must commit with a change (an event, an idempotency record) are added.
 */
export type Tx = Transaction<Database> & {
  /** Store.lockUser on this transaction. */
  lockUser(userId: string): Promise<void>;
  /** Store.lockPhoneNumber on this transaction. */
  lockPhoneNumber(e164: string): Promise<void>;
  /** Store.uniqueViolation: which unique index refused a write, or null. */
  uniqueViolation(error: unknown): string | null;
  /** Runs `write` in this transaction after the use case's work and before COMMIT: both commit, or neither. */
  writeWith(write: (trx: Transaction<Database>) => Promise<void>): void;
};

/** PostgreSQL connections a process keeps at most (DATABASE_POOL_SIZE). */
export const DEFAULT_POOL_SIZE = 10;

/** A connection or an open transaction: repositories take either. */
export type Executor = Kysely<Database> | Transaction<Database>;

/**
 * The one seam between Callsign and its database. Queries are written once
 * with Kysely; an implementation supplies the connection and the few
 * behaviours in which the dialects differ.
 */
export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  readonly db: Kysely<Database>;
  /**
   * Phone numbers by id, in memory (see row-cache.ts): only where this
   * process is the database's only writer (SQLite); undefined on PostgreSQL.
   */
  readonly phoneNumberCache?: RowCache<PhoneNumber>;
  /**
   * Runs `work` in one transaction, committed when it resolves and rolled back
   * when it throws. SQLite runs one writer at a time. PostgreSQL runs it at
   * READ COMMITTED: each statement sees what was committed before it began,
   * so a use case that reads and then writes a user's or a number's state
   * takes `lockUser` / `lockPhoneNumber` first and reads after (see
   * docs/semantics.md, "Transactions"). On PostgreSQL `work` may run more than
   * once: a deadlock or serialization failure rolls it back and runs it
   * again, so it must do nothing outside the database (send no SMS, change no
   * outside state) before it resolves. A failed statement aborts a PostgreSQL
   * transaction: after catching a database error, throw.
   */
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Serializes the transactions that change one user: take it first, before
   * reading anything of the user's, and the reads see the last change
   * committed. SQLite already serializes writers, so it does nothing there;
   * PostgreSQL locks the user's row until commit, which a concurrent delete of
   * the user also waits for. Take it before any `lockPhoneNumber`.
   */
  lockUser(trx: Transaction<Database>, userId: string): Promise<void>;
  /**
   * Serializes concurrent transactions touching one phone number, whoever
   * holds it. SQLite already serializes writers, so it does nothing there;
   * PostgreSQL takes a transaction-scoped advisory lock.
   */
  lockPhoneNumber(trx: Transaction<Database>, e164: string): Promise<void>;
  /** Whether an error is a unique-constraint violation, and of which index. */
  uniqueViolation(error: unknown): string | null;
  /**
   * Whether an error means the database could not serve at all (unreachable,
   * out of connections, locked by another process past the busy timeout, out
   * of disk): answered 503, like /readyz, rather than 500.
   */
  unavailable(error: unknown): boolean;
  /** Answers when the database can serve a query. */
  ping(): Promise<void>;
  /**
   * Answers when the database can serve: it answers a query and, if the last
   * write failed as unavailable (disk full, I/O error), takes a write again.
   */
  ready(): Promise<void>;
  close(): Promise<void>;
}
