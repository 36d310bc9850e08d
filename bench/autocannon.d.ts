// The part of autocannon's API the load generator uses.
declare module 'autocannon' {
  interface Options {
    url: string;
    connections: number;
    duration: number;
    requests: { method: string; headers: Record<string, string>; setupRequest: (request: Record<string, unknown>) => Record<string, unknown> }[];
    /** Leave the result raw, for aggregateResult (several instances run at once). */
    skipAggregateResult?: boolean;
  }
  interface Result {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number };
    non2xx: number;
    errors: number;
    timeouts: number;
  }
  function autocannon(options: Options): Promise<Result>;
  namespace autocannon {
    /** Merges raw results (skipAggregateResult) into one: latency histograms combined, counts summed. */
    function aggregateResult(results: unknown[], options: { url: string; connections?: number }): Result;
  }
  export default autocannon;
}
