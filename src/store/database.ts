import type { Kysely, Transaction } from 'kysely';

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

export interface Database {
  users: UserTable;
  phone_numbers: PhoneNumberTable;
}

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
  /** Runs `work` in one transaction, committed when it resolves and rolled back when it throws. */
  transaction<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
  /**
   * Serializes concurrent transactions touching one phone number. SQLite
   * already serializes writers, so it does nothing there; PostgreSQL takes a
   * transaction-scoped advisory lock.
   */
  lockPhoneNumber(trx: Transaction<Database>, e164: string): Promise<void>;
  /** Whether an error is a unique-constraint violation, and of which index. */
  uniqueViolation(error: unknown): string | null;
  /** Answers when the database can serve a query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
