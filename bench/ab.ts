/**
 * `npm run bench:ab -- <checkout>`: this build against another built checkout
 * of Callsign (a `git worktree` of the base commit, after `npm run build`
 * there), in interleaved rounds (A B, B A, …) on SQLite FULL, with the loads
 * of `npm run bench`. Interleaving is what makes a change comparable with its
 * base on a machine whose speed drifts within the hour. BENCH_AB_ROUNDS
 * (default 4), BENCH_DURATION and BENCH_CONNECTIONS as for `npm run bench`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load, seed, startCallsign, stop } from './run.js';

const rounds = Number(process.env.BENCH_AB_ROUNDS ?? 4);
const other = process.argv[2];
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  if (other === undefined) throw new Error('usage: npm run bench:ab -- <path of another built checkout>');
  const checkouts = { this: fileURLToPath(new URL('../..', import.meta.url)), other };
  const results: Record<string, { get: number[]; post: number[] }> = { this: { get: [], post: [] }, other: { get: [], post: [] } };
  let numberBase = 3_000_000;
  console.log(`| round | build | GET req/s | GET p99 ms | POST req/s | POST p99 ms |\n|---|---|---:|---:|---:|---:|`);
  for (let round = 1; round <= rounds; round++) {
    for (const which of round % 2 === 1 ? (['other', 'this'] as const) : (['this', 'other'] as const)) {
      const dir = mkdtempSync(join(tmpdir(), 'callsign-ab-'));
      const { url, child } = await startCallsign({ DATABASE_URL: `sqlite:${join(dir, 'callsign.sqlite')}` }, checkouts[which]);
      try {
        const { userIds, phoneNumberIds } = await seed(url);
        const get = await load({ url, method: 'GET', paths: phoneNumberIds.map((id) => `/v1/phone_numbers/${id}`) });
        const post = await load({ url, method: 'POST', paths: ['/v1/phone_numbers'], userIds, numberBase: (numberBase += 1_000_000) });
        results[which]!.get.push(get.requestsPerSecond);
        results[which]!.post.push(post.requestsPerSecond);
        console.log(`| ${round} | ${which} | ${Math.round(get.requestsPerSecond)} | ${get.p99} | ${Math.round(post.requestsPerSecond)} | ${post.p99} |`);
      } finally {
        await stop(child);
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  for (const which of ['this', 'other'] as const) {
    console.log(`median ${which}: GET ${Math.round(median(results[which]!.get))} req/s, POST ${Math.round(median(results[which]!.post))} req/s`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
