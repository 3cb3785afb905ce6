// Time rules, written once. Inside larder a timestamp is epoch microseconds
// (a number: exact to the year 2255); Date appears only at the edges.

export const MICROS_PER_SECOND = 1_000_000;

/** RFC 3339 with `Z` and no fraction when whole seconds (Feast's wire form). */
export function microsToRfc3339(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const iso = new Date(ms).toISOString(); // 2021-12-31T23:00:00.000Z
  const frac = micros - Math.floor(micros / MICROS_PER_SECOND) * MICROS_PER_SECOND;
  if (frac === 0) return iso.slice(0, 19) + 'Z';
  return iso.slice(0, 19) + '.' + String(frac).padStart(6, '0').replace(/0+$/, '') + 'Z';
}

/** Parse RFC 3339 / ISO 8601 (naive means UTC) to epoch µs; null when invalid. */
export function parseTimestamp(text: string): number | null {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(text.trim());
  if (!m) return null;
  const [, date, time = '00:00:00', frac = '', zone = 'Z'] = m;
  const z = zone.toUpperCase() === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const ms = Date.parse(`${date}T${time.length === 5 ? time + ':00' : time}${z}`);
  if (Number.isNaN(ms)) return null;
  return ms * 1000 + Number((frac + '000000').slice(0, 6));
}

/** A request's "now" in µs. */
export const nowMicros = (): number => Date.now() * 1000;

/**
 * The one time-window rule: a value with event time `ts` is fresh as of
 * `asOf` when `asOf - ttl <= ts <= asOf` (inclusive; ttl 0 = unbounded).
 * Online reads only apply the lower bound (stored values are never "future").
 */
export function withinTtl(ts: number, asOf: number, ttlMicros: number): boolean {
  return ttlMicros <= 0 || ts >= asOf - ttlMicros;
}
