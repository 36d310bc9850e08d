import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs'; import { join } from 'node:path'; import { tmpdir } from 'node:os';
const dir = mkdtempSync(join(tmpdir(), 'raw-'));
const db = new Database(join(dir, 'x.sqlite'));
db.pragma('journal_mode = WAL'); db.pragma('synchronous = NORMAL');
db.exec(`create table phone_numbers (id text primary key, user_id text not null, phone_number text not null, reserved integer not null, claimed integer not null, is_primary integer not null, reserved_for_second_factor integer not null, default_second_factor integer not null, verification_strategy text, verification_status text, verification_attempts integer, verification_expire_at integer, created_at integer not null, updated_at integer not null)`);
const ins = db.prepare('insert into phone_numbers values (?,?,?,0,1,1,0,0,?,?,null,null,?,?)');
const ids = [];
db.transaction(() => { for (let i = 0; i < 2000; i++) { const id = 'idn_' + i.toString(36).padStart(27, '0'); ids.push(id); ins.run(id, 'user_' + i, '+1202' + (1000000 + i), 'admin', 'verified', Date.now(), Date.now()); } })();
const q = db.prepare('select * from "phone_numbers" where "id" = ?');
for (let round = 0; round < 3; round++) {
  let t = process.hrtime.bigint(); const N = 200000;
  for (let i = 0; i < N; i++) q.all([ids[i % 2000]]);
  console.log('all', Number(process.hrtime.bigint() - t) / N / 1000, 'us');
  t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) q.get(ids[i % 2000]);
  console.log('get', Number(process.hrtime.bigint() - t) / N / 1000, 'us');
}
