import { sql, type Expression, type ExpressionBuilder, type Selectable, type SqlBool, type Updateable } from 'kysely';
import type { Metadata, User, UserFilter, UserPage } from '../domain/user.js';
import { compiledOnce, type Param } from './compiled-query.js';
import type { Database, Executor, Tx, UserTable } from './database.js';

type Row = Selectable<UserTable>;

function toUser(row: Row): User {
  return {
    id: row.id,
    externalId: row.external_id,
    firstName: row.first_name,
    lastName: row.last_name,
    publicMetadata: JSON.parse(row.public_metadata) as Metadata,
    privateMetadata: JSON.parse(row.private_metadata) as Metadata,
    unsafeMetadata: JSON.parse(row.unsafe_metadata) as Metadata,
    mfaEnabledAt: row.mfa_enabled_at === null ? null : Number(row.mfa_enabled_at),
    mfaDisabledAt: row.mfa_disabled_at === null ? null : Number(row.mfa_disabled_at),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export function userRow(user: User): Row {
  return {
    id: user.id,
    external_id: user.externalId,
    first_name: user.firstName,
    last_name: user.lastName,
    public_metadata: JSON.stringify(user.publicMetadata),
    private_metadata: JSON.stringify(user.privateMetadata),
    unsafe_metadata: JSON.stringify(user.unsafeMetadata),
    mfa_enabled_at: user.mfaEnabledAt,
    mfa_disabled_at: user.mfaDisabledAt,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  };
}

/** Which users a list or count covers; every given filter must match. */
// Compiled once: GET /v1/users/{id} and every change that applies rules 4–6 read the user (see compiled-query.ts).
const byId = compiledOnce((db, $: Param<{ id: string }>) => db.selectFrom('users').selectAll().where('id', '=', $('id')));

export async function findUser(db: Executor, id: string): Promise<User | undefined> {
  const row = (await byId(db, { id })).rows[0];
  return row === undefined ? undefined : toUser(row);
}

// Compiled once: every number added checks its user is there, and needs nothing else of it.
const idOf = compiledOnce((db, $: Param<{ id: string }>) => db.selectFrom('users').select('id').where('id', '=', $('id')));

async function userExists(db: Executor, id: string): Promise<boolean> {
  return (await idOf(db, { id })).rows.length > 0;
}

/**
 * Reads a user that a use case is about to change, after taking the user's
 * lock (Store.lockUser), so the use case sees the last committed state and
 * nobody changes it before commit. Undefined when there is no such user.
 */
export async function findUserForChange(tx: Tx, id: string): Promise<User | undefined> {
  await tx.lockUser(id);
  return findUser(tx, id);
}

/** Whether the user exists, asked under the user's lock: for a change that needs the user but none of its fields. */
export async function userExistsForChange(tx: Tx, id: string): Promise<boolean> {
  await tx.lockUser(id);
  return userExists(tx, id);
}

export async function insertUser(db: Executor, user: User): Promise<void> {
  await db.insertInto('users').values(userRow(user)).execute();
}

/** Writes every field of the user that can change (all but its id and creation time). */
export async function updateUser(db: Executor, user: User): Promise<void> {
  const { id: _id, created_at: _createdAt, ...changes } = userRow(user);
  await db.updateTable('users').set(changes).where('id', '=', user.id).execute();
}

/** Records that MFA turned on (`enabledAt`) or off (`disabledAt`), with the user's `updated_at`. */
export async function updateUserMfa(db: Executor, id: string, change: { readonly enabledAt: number } | { readonly disabledAt: number }, now: number): Promise<void> {
  const columns: Updateable<UserTable> = 'enabledAt' in change ? { mfa_enabled_at: change.enabledAt } : { mfa_disabled_at: change.disabledAt };
  await db.updateTable('users').set({ ...columns, updated_at: now }).where('id', '=', id).execute();
}

// Compiled once: every change to a user's numbers sets the user's updated_at.
const touch = compiledOnce((db, $: Param<{ id: string; now: number }>) => db.updateTable('users').set({ updated_at: $('now') }).where('id', '=', $('id')));

/** Sets a user's `updated_at`, and nothing else. */
export async function touchUser(db: Executor, id: string, now: number): Promise<void> {
  await touch(db, { id, now });
}

export async function deleteUserRow(db: Executor, id: string): Promise<boolean> {
  const result = await db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function listUsers(db: Executor, filter: UserFilter, page: UserPage): Promise<User[]> {
  const { orderBy, direction, after } = page;
  let query = db.selectFrom('users').selectAll().where((eb) => matches(eb, filter));
  if (after !== undefined) {
    const at = orderBy === 'created_at' ? after.createdAt : after.updatedAt;
    const cmp = direction === 'asc' ? '>' : '<';
    query = query.where((eb) =>
      eb.or([eb(orderBy, cmp, at), eb.and([eb(orderBy, '=', at), eb('id', cmp, after.id)])]),
    );
  }
  const rows = await query.orderBy(orderBy, direction).orderBy('id', direction).limit(page.limit).offset(page.offset).execute();
  return rows.map(toUser);
}

export async function countUsers(db: Executor, filter: UserFilter): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number | string>().as('total'))
    .where((eb) => matches(eb, filter))
    .executeTakeFirstOrThrow();
  return Number(row.total);
}

function matches(eb: ExpressionBuilder<Database, 'users'>, filter: UserFilter): Expression<SqlBool> {
  const conditions: Expression<SqlBool>[] = [];
  if (filter.userIds !== undefined) conditions.push(eb('users.id', 'in', [...filter.userIds]));
  if (filter.externalIds !== undefined) conditions.push(eb('users.external_id', 'in', [...filter.externalIds]));
  if (filter.phoneNumbers !== undefined) {
    conditions.push(
      eb('users.id', 'in', eb.selectFrom('phone_numbers').select('user_id').where('phone_number', 'in', [...filter.phoneNumbers])),
    );
  }
  if (filter.query !== undefined && filter.query !== '') {
    const pattern = `%${filter.query.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const like = (column: Expression<unknown>): Expression<SqlBool> => sql<SqlBool>`lower(${column}) like ${pattern} escape '\\'`;
    conditions.push(
      eb.or([
        like(eb.ref('users.id')),
        like(eb.ref('users.external_id')),
        like(eb.ref('users.first_name')),
        like(eb.ref('users.last_name')),
        eb('users.id', 'in', eb.selectFrom('phone_numbers').select('user_id').where((p) => like(p.ref('phone_number')))),
      ]),
    );
  }
  return eb.and(conditions);
}
