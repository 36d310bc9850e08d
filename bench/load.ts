/**
 * The load generator, run as its own process so it does not share an event
 * loop with the server it measures. Reads one JSON job from argv, prints one
 * JSON result line.
 */
import autocannon from 'autocannon';

export interface LoadJob {
  readonly url: string;
  /** Several servers to spread the connections over evenly (one autocannon each, results merged); `url` is ignored then. */
  readonly urls?: readonly string[];
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

const requests = [
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
];

async function run(): Promise<LoadResult> {
  const urls = job.urls ?? [job.url];
  if (urls.length === 1) {
    const result = await autocannon({ url: urls[0]!, connections: job.connections, duration: job.durationSeconds, requests });
    return {
      requestsPerSecond: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      total: result.requests.total,
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
    };
  }
  // As a load balancer would: the same number of connections to each server, all at once.
  const connections = Math.max(1, Math.round(job.connections / urls.length));
  const raw = await Promise.all(
    urls.map((url) => autocannon({ url, connections, duration: job.durationSeconds, requests, skipAggregateResult: true })),
  );
  const merged = autocannon.aggregateResult(raw, { url: urls[0]!, connections: connections * urls.length });
  return {
    requestsPerSecond: merged.requests.total / job.durationSeconds,
    p50: merged.latency.p50,
    p99: merged.latency.p99,
    total: merged.requests.total,
    non2xx: merged.non2xx,
    errors: merged.errors + merged.timeouts,
  };
}

console.log(JSON.stringify(await run()));
