import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The PostgreSQL server the suites may use: TEST_DATABASE_URL, a URL whose
 * user may create databases (CI: postgres://postgres@127.0.0.1:5432/postgres,
 * or the run's own database). Unset means "no server here".
 */
export const testDatabaseUrl: string | undefined = process.env.TEST_DATABASE_URL?.trim() || undefined;

export interface TestDatabase {
  /** A URL naming the new, empty database. */
  readonly url: string;
  readonly name: string;
  /** Drops the database, ending any connection still open to it. */
  drop(): Promise<void>;
}

async function admin<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates a fresh database on the server TEST_DATABASE_URL names, so a suite sees only its own rows. */
export async function createTestDatabase(serverUrl: string): Promise<TestDatabase> {
  // Named after the server URL's database, so a run can drop whatever a crashed suite left (.ci/run does).
  const base = new URL(serverUrl).pathname.slice(1).replace(/[^a-z0-9_]/gi, '').toLowerCase().slice(0, 30) || 'callsign';
  const name = `${base}_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  // template0 and the C collation: the same byte order for ids everywhere, whatever the server's default locale.
  await admin(serverUrl, (c) => c.query(`create database ${name} template template0 encoding 'UTF8' lc_collate 'C' lc_ctype 'C'`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => admin(serverUrl, (c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}

/** Runs `work` on a fresh database on the TEST_DATABASE_URL server, dropped after whatever happens. */
export async function withTestDatabase<T>(work: (database: TestDatabase) => Promise<T>): Promise<T> {
  const database = await createTestDatabase(testDatabaseUrl!);
  try {
    return await work(database);
  } finally {
    await database.drop();
  }
}
