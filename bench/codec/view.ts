// The benchmark's feature view and its random rows (seeded, so runs compare).
import type { FeatureValue, FieldType, RowValues } from '../../src/kernel/codec.ts';
import { rng } from '../../test/support/rng.ts';

export const VIEW_NAME = 'driver_stats';

/** A driver-stats view in the style of Feast's quickstart, grown to 12 features. */
export const FIELDS: readonly (readonly [string, FieldType])[] = [
  ['conv_rate', 'float32'],
  ['acc_rate', 'float32'],
  ['cancel_rate', 'float32'],
  ['avg_rating', 'float64'],
  ['earnings_7d', 'float64'],
  ['earnings_30d', 'float64'],
  ['avg_speed_kmh', 'float64'],
  ['avg_daily_trips', 'int64'],
  ['total_trips', 'int64'],
  ['days_active', 'int64'],
  ['vehicle_type', 'string'],
  ['embedding', 'list<float32>'],
];
export const TYPES: readonly FieldType[] = FIELDS.map(([, t]) => t);

const VEHICLES = ['sedan', 'suv', 'compact', 'van', 'electric', 'luxury', 'minivan'];

/** n random rows; each feature is null with probability 2%. */
export function randomRows(n: number, seed = 1): RowValues[] {
  const r = rng(seed);
  const cents = (max: number): number => Math.round(r.next() * max * 100) / 100;
  const rows: RowValues[] = [];
  for (let i = 0; i < n; i++) {
    const values: FeatureValue[] = [
      Math.fround(r.next()),
      Math.fround(r.next()),
      Math.fround(r.next() * 0.1),
      3 + 2 * r.next(),
      cents(2_000),
      cents(8_000),
      10 + 60 * r.next(),
      BigInt(r.int(0, 40)),
      BigInt(r.int(0, 20_000)),
      BigInt(r.int(0, 3_000)),
      r.pick(VEHICLES),
      Array.from({ length: 8 }, () => Math.fround(2 * r.next() - 1)),
    ].map((v) => (r.bool(0.02) ? null : v));
    rows.push({ eventTs: 1_700_000_000_000_000n + BigInt(r.int(0, 30 * 86_400)) * 1_000_000n, createdTs: null, values });
  }
  return rows;
}

/** A second, integer- and flag-heavy view with sparse values (bytes comparison only). */
export const ACTIVITY_NAME = 'user_activity';
export const ACTIVITY_FIELDS: readonly (readonly [string, FieldType])[] = [
  ...['sessions_1d', 'sessions_7d', 'clicks_1d', 'clicks_7d', 'purchases_7d', 'purchases_30d', 'cart_adds_7d', 'returns_30d'].map((n) => [n, 'int64'] as const),
  ...['is_premium', 'has_app', 'email_opt_in', 'is_churn_risk'].map((n) => [n, 'bool'] as const),
  ...['ctr_7d', 'conversion_30d', 'avg_basket_eur', 'discount_share'].map((n) => [n, 'float64'] as const),
  ['segment', 'string'],
];
export const ACTIVITY_TYPES: readonly FieldType[] = ACTIVITY_FIELDS.map(([, t]) => t);

/** Counters (half of them zero), flags, rates with 20% nulls, a segment name. */
export function activityRows(n: number, seed = 2): RowValues[] {
  const r = rng(seed);
  const count = (max: number): bigint => (r.bool(0.5) ? 0n : BigInt(r.int(1, max)));
  const rows: RowValues[] = [];
  for (let i = 0; i < n; i++) {
    const values: FeatureValue[] = [
      count(5), count(30), count(200), count(1_500), count(10), count(40), count(25), count(5),
      r.bool(0.2), r.bool(0.6), r.bool(0.5), r.bool(0.1),
      ...[r.next() * 0.2, r.next() * 0.1, Math.round(r.next() * 20_000) / 100, r.next()].map((v) => (r.bool(0.2) ? null : v)),
      r.pick(['new', 'casual', 'loyal', 'lapsed']),
    ];
    rows.push({ eventTs: 1_700_000_000_000_000n + BigInt(r.int(0, 30 * 86_400)) * 1_000_000n, createdTs: null, values });
  }
  return rows;
}
