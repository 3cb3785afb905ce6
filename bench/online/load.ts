/**
 * A small closed-loop load generator (keep-alive fetch): `connections`
 * loops each send one request after another for `seconds`. Latencies of
 * every request are kept to report exact p50/p99. Bounded in time and count;
 * loopback only.
 */
export interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  readonly p50: number;
  readonly p99: number;
  readonly rps: number;
  /** every successful request's latency, ms, sorted */
  readonly latencies: number[];
}

/** The p-quantile of sorted latencies. */
export function quantile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

export async function load(url: string, init: RequestInit, connections: number, seconds: number, maxRequests = 2_000_000): Promise<LoadResult> {
  if (!/^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(url)) throw new Error('load targets loopback only');
  const lat: number[] = [];
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end && lat.length + errors < maxRequests) {
        const t = performance.now();
        try {
          const res = await fetch(url, init);
          await res.arrayBuffer();
          if (res.status !== 200) errors++;
          else lat.push(performance.now() - t);
        } catch {
          errors++;
        }
      }
    }),
  );
  const took = (performance.now() - start) / 1000;
  lat.sort((a, b) => a - b);
  return { requests: lat.length, errors, p50: quantile(lat, 0.5), p99: quantile(lat, 0.99), rps: lat.length / took, latencies: lat };
}
