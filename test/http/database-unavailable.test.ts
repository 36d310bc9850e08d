import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { toCallsignError } from '../../src/http/error-handler.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { assertError, checked, createApi, type Api } from '../helpers/api.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { storeFactories } from '../helpers/stores.js';

/**
 * A database that cannot serve is a 503 the caller can retry, never a 500.
 * Every answer checked on the wire: Content-Type, 200s against the reference
 * schema, errors (the 503s) as ClerkErrors.
 */
describe('database unavailable', () => {
  const dir = mkdtempSync(join(tmpdir(), 'callsign-busy-'));
  const path = join(dir, 'db.sqlite');
  let server: TestServer;
  let api: Api;
  before(async () => {
    server = await startServer({ storeFactory: { name: 'sqlite-short-busy', open: () => openSqliteStore({ path, busyTimeoutMs: 100 }) } });
    api = checked(createApi(server));
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a write that cannot get SQLite\'s lock within the busy timeout answers 503 service_unavailable', async () => {
    const other = new SqliteDatabase(path);
    other.exec('BEGIN EXCLUSIVE');
    try {
      assertError(await api('POST', '/v1/users', { body: { first_name: 'Blocked' } }), 503, 'service_unavailable');
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    const res = await api('POST', '/v1/users', { body: { first_name: 'Fine' } });
    assert.equal(res.status, 200);
    assert.equal((await api('GET', '/v1/users/count')).body.total_count, 1, 'the refused write left nothing behind');
  });

  test('a write whose WAL sync fails answers 503 service_unavailable, not 500', async () => {
    const syncDir = mkdtempSync(join(tmpdir(), 'callsign-sync-'));
    let failSync = true;
    const failing = await startServer({
      storeFactory: {
        name: 'sqlite-failing-sync',
        open: () =>
          openSqliteStore({
            path: join(syncDir, 'db.sqlite'),
            syncFile: async () => {
              if (failSync) throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
            },
          }),
      },
    });
    try {
      const failingApi = checked(createApi(failing));
      const res = await failingApi('POST', '/v1/users', { body: { first_name: 'Unsynced' } });
      assertError(res, 503, 'service_unavailable');
      assert.equal(res.headers.get('retry-after'), '1');
      assert.match(res.body.errors[0].long_message, /may or may not have been kept/);
      const notReady = await failingApi('GET', '/readyz', { key: null });
      assertError(notReady, 503, 'service_unavailable');
      assert.equal(notReady.headers.get('retry-after'), '1', 'while writes fail, /readyz says so');
      failSync = false;
      assert.equal((await failingApi('GET', '/readyz', { key: null })).status, 200, 'ready again once a write succeeds');
      assert.equal((await failingApi('POST', '/v1/users', { body: { first_name: 'Synced' } })).status, 200);
    } finally {
      await failing.close();
      rmSync(syncDir, { recursive: true, force: true });
    }
  });

  test('a full database (SQLITE_FULL): writes 503 with Retry-After, /readyz 503 while reads still work, 200 once a write fits again', async () => {
    const fullDir = mkdtempSync(join(tmpdir(), 'callsign-full-'));
    const full = await startServer({ storeFactory: { name: 'sqlite-full', open: () => openSqliteStore({ path: join(fullDir, 'db.sqlite') }) } });
    try {
      const fullApi = checked(createApi(full));
      const kept = await fullApi('POST', '/v1/users', { body: { first_name: 'Kept' } });
      assert.equal(kept.status, 200);
      const pages = (await sql<{ page_count: number }>`pragma page_count`.execute(full.store.db)).rows[0]!.page_count;
      // SQLite's own limit on the file's size: the same SQLITE_FULL a full disk gives.
      await sql.raw(`pragma max_page_count = ${pages}`).execute(full.store.db);
      let refused;
      for (let i = 0; i < 500 && refused === undefined; i++) {
        const res = await fullApi('POST', '/v1/users', { body: { first_name: 'x'.repeat(200), public_metadata: { pad: 'y'.repeat(2000) } } });
        if (res.status !== 200) refused = res;
      }
      assert.ok(refused, 'the database filled up');
      assertError(refused, 503, 'service_unavailable');
      assert.equal(refused.headers.get('retry-after'), '1');
      assert.equal((await fullApi('GET', `/v1/users/${kept.body.id}`)).status, 200, 'reads still work');
      const notReady = await fullApi('GET', '/readyz', { key: null });
      assertError(notReady, 503, 'service_unavailable');
      assert.ok(notReady.headers.get('retry-after'));
      await sql.raw(`pragma max_page_count = ${pages * 100}`).execute(full.store.db);
      assert.equal((await fullApi('GET', '/readyz', { key: null })).status, 200);
      assert.equal((await fullApi('POST', '/v1/users', { body: { first_name: 'Fits' } })).status, 200);
    } finally {
      await full.close();
      rmSync(fullDir, { recursive: true, force: true });
    }
  });

  for (const factory of storeFactories()) {
    test(`${factory.name}: which errors mean "unavailable", and how they are answered`, async () => {
      const store = await factory.open();
      try {
        const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
        const shuttingDown = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
        const duplicate = Object.assign(new Error('duplicate key value'), { code: '23505' });
        const busy = new SqliteDatabase.SqliteError('database is locked', 'SQLITE_BUSY');
        const expected = store.dialect === 'postgres' ? [refused, shuttingDown] : [busy];
        for (const error of expected) {
          assert.equal(store.unavailable(error), true, String(error));
          const mapped = toCallsignError(error, {}, 0, (e) => store.unavailable(e));
          assert.equal(mapped.status, 503);
          assert.equal(mapped.code, 'service_unavailable');
        }
        assert.equal(store.unavailable(duplicate), false);
        assert.equal(toCallsignError(new Error('a bug'), {}, 0, (e) => store.unavailable(e)).status, 500);
      } finally {
        await store.close();
      }
    });
  }
});
