import { openSqliteStore } from '../dist/src/store/sqlite-store.js';
import { findPhoneNumber } from '../dist/src/store/phone-number.repository.js';
import { mkdtempSync } from 'node:fs'; import { join } from 'node:path'; import { tmpdir } from 'node:os';
const dir = mkdtempSync(join(tmpdir(), 'kq-'));
const store = await openSqliteStore({ path: join(dir, 'x.sqlite'), synchronous: 'FULL' });
const now = Date.now(); const ids = [];
await store.transaction(async (trx) => {
  for (let i = 0; i < 2000; i++) {
    const uid = 'user_' + i; const id = 'idn_' + String(i).padStart(27, '0'); ids.push(id);
    await trx.insertInto('users').values({ id: uid, external_id: null, first_name: null, last_name: null, public_metadata: '{}', private_metadata: '{}', unsafe_metadata: '{}', mfa_enabled_at: null, mfa_disabled_at: null, created_at: now, updated_at: now }).execute();
    await trx.insertInto('phone_numbers').values({ id, user_id: uid, phone_number: '+1202' + (1000000 + i), reserved: 0, claimed: 1, is_primary: 1, reserved_for_second_factor: 0, default_second_factor: 0, verification_strategy: 'admin', verification_status: 'verified', verification_attempts: null, verification_expire_at: null, created_at: now, updated_at: now }).execute();
  }
});
const N = 100000;
for (let round = 0; round < 4; round++) {
  let t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) await findPhoneNumber(store.db, ids[i % 2000]);
  const seq = Number(process.hrtime.bigint() - t) / N / 1000;
  // 50 concurrent
  t = process.hrtime.bigint();
  for (let i = 0; i < N; i += 50) await Promise.all(Array.from({ length: 50 }, (_, j) => findPhoneNumber(store.db, ids[(i + j) % 2000])));
  const conc = Number(process.hrtime.bigint() - t) / N / 1000;
  console.log(`findPhoneNumber seq ${seq.toFixed(2)} us, 50-concurrent ${conc.toFixed(2)} us`);
}
await store.close();
