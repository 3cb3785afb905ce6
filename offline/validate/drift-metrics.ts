// Distances between two distributions given as counts over the same buckets.

/** Proportions below this are raised to it, so an empty bucket does not make PSI infinite. */
export const PSI_EPSILON = 1e-4;

const proportions = (counts: readonly number[]): number[] => {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((c) => (total === 0 ? 0 : c / total));
};

/**
 * Population stability index: sum over buckets of (q - p) * ln(q / p), p the baseline's share
 * and q the current one's (shares below PSI_EPSILON raised to it). Rule of thumb: < 0.1 stable,
 * 0.1..0.2 some shift, > 0.2 a significant shift.
 */
export function populationStabilityIndex(baseline: readonly number[], current: readonly number[]): number {
  const p = proportions(baseline);
  const q = proportions(current);
  let psi = 0;
  for (let i = 0; i < p.length; i++) {
    const a = Math.max(p[i], PSI_EPSILON);
    const b = Math.max(q[i], PSI_EPSILON);
    psi += (b - a) * Math.log(b / a);
  }
  return psi;
}

/** Jensen-Shannon distance (square root of the divergence, base 2): 0 for equal distributions, 1 for disjoint ones. */
export function jensenShannonDistance(baseline: readonly number[], current: readonly number[]): number {
  const p = proportions(baseline);
  const q = proportions(current);
  let d = 0;
  for (let i = 0; i < p.length; i++) {
    const m = (p[i] + q[i]) / 2;
    if (p[i] > 0) d += 0.5 * p[i] * Math.log2(p[i] / m);
    if (q[i] > 0) d += 0.5 * q[i] * Math.log2(q[i] / m);
  }
  return Math.sqrt(Math.max(0, Math.min(1, d)));
}

/** Index of the bucket holding v for sorted edges e: (-inf, e0], (e0, e1], ..., (e[k-1], inf). */
export function bucketOf(edges: readonly number[], v: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (v <= edges[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
