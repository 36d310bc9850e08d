/**
 * The load generator, run as its own process so it does not share an event
 * loop with the server it measures. Reads one JSON job from argv, prints one
 * JSON result line.
 */
import autocannon from 'autocannon';

export interface LoadJob {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly paths: readonly string[];
  readonly key: string;
  /** For POST: user ids to spread new numbers over. */
  readonly userIds?: readonly string[];
  /** First number of the range new phone numbers are drawn from (kept distinct across runs). */
  readonly numberBase?: number;
  readonly connections: number;
  readonly durationSeconds: number;
}

export interface LoadResult {
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly total: number;
  readonly non2xx: number;
  readonly errors: number;
}

const job = JSON.parse(process.argv[2] ?? '{}') as LoadJob;
let sequence = 0;
const headers = { authorization: `Bearer ${job.key}`, 'content-type': 'application/json' };

const result = await autocannon({
  url: job.url,
  connections: job.connections,
  duration: job.durationSeconds,
  requests: [
    {
      method: job.method,
      headers,
      setupRequest: (request: Record<string, unknown>) => {
        const n = sequence++;
        if (job.method === 'GET') return { ...request, path: job.paths[n % job.paths.length] };
        // A new, distinct, valid number every request: +1 201 and seven digits.
        const userId = job.userIds![n % job.userIds!.length];
        const phone = `+1201${String((job.numberBase ?? 2_000_000) + n).padStart(7, '0')}`;
        return { ...request, path: job.paths[0], body: JSON.stringify({ user_id: userId, phone_number: phone, verified: true }) };
      },
    },
  ],
});

const out: LoadResult = {
  requestsPerSecond: result.requests.average,
  p50: result.latency.p50,
  p99: result.latency.p99,
  total: result.requests.total,
  non2xx: result.non2xx,
  errors: result.errors + result.timeouts,
};
console.log(JSON.stringify(out));
