import { createQueryId, type Compilable, type CompiledQuery, type QueryResult } from 'kysely';
import type { Executor } from './database.js';

/** Stands for one named parameter while a query is built; replaced by the caller's value at each run. */
class Slot {
  constructor(readonly name: string) {}
}

/** Inside `compiledOnce`, names a parameter of the query; typed as the value it stands for. */
export type Param<P> = <K extends keyof P & string>(name: K) => P[K];

interface Compiled {
  readonly sql: string;
  readonly query: CompiledQuery['query'];
  /** Per bound parameter: the caller's parameter it takes, or the constant the query was built with. */
  readonly parameters: readonly (Slot | { readonly constant: unknown })[];
}

/**
 * For the few queries a hot path runs on every request: the same Kysely
 * query, built and compiled once per database (per dialect: SQLite and
 * PostgreSQL compile it differently) rather than at every call, then run by
 * Kysely with the caller's values bound. The SQL and the bound values are
 * exactly those the builder would produce; building and compiling a query
 * costs about as much as SQLite takes to run it.
 *
 * The query must have a fixed shape: values only through `param`, no lists
 * whose length varies, no columns that depend on the values.
 */
export function compiledOnce<P, R>(
  build: (db: Executor, param: Param<P>) => Compilable<R>,
): (db: Executor, params: P) => Promise<QueryResult<R>> {
  // Keyed by the dialect adapter, which a database and its transactions share.
  const byDialect = new WeakMap<object, Compiled>();
  const param = ((name: string) => new Slot(name)) as unknown as Param<P>;

  const compile = (db: Executor): Compiled => {
    const compiled = build(db, param).compile();
    return {
      sql: compiled.sql,
      query: compiled.query,
      parameters: compiled.parameters.map((value) => (value instanceof Slot ? value : { constant: value })),
    };
  };

  return (db, params) => {
    const key = db.getExecutor().adapter;
    let compiled = byDialect.get(key);
    if (compiled === undefined) {
      compiled = compile(db);
      byDialect.set(key, compiled);
    }
    const values = params as Record<string, unknown>;
    const parameters = compiled.parameters.map((p) => (p instanceof Slot ? values[p.name] : p.constant));
    return db.executeQuery<R>({ sql: compiled.sql, query: compiled.query, queryId: createQueryId(), parameters });
  };
}
