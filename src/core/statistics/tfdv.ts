// ViewStatistics -> TFDV / Facets `DatasetFeatureStatisticsList` in the proto3
// JSON mapping of tensorflow_metadata/proto/v0/statistics.proto: lowerCamelCase
// field names, 64-bit integers as decimal strings, enums by name, doubles as
// numbers. `google.protobuf.json_format.Parse` (what TFDV uses) reads it into
// the message; `tfdv.visualize_statistics` and Facets Overview display it.
// Pure: the Worker serves it as well as the CLI.
import type { FeatureStatistics, HistogramBucketStats, ViewStatistics } from '../schema/statistics.ts';

export type TfdvFeatureType = 'INT' | 'FLOAT' | 'STRING' | 'BYTES';

export interface TfdvHistogram {
  numNan?: string;
  buckets: { lowValue: number; highValue: number; sampleCount: number }[];
  type: 'STANDARD' | 'QUANTILES';
}

export interface TfdvCommonStatistics {
  numNonMissing: string;
  numMissing: string;
  minNumValues: string;
  maxNumValues: string;
  avgNumValues: number;
  totNumValues: string;
  numValuesHistogram?: TfdvHistogram;
}

export interface TfdvNumericStatistics {
  commonStats: TfdvCommonStatistics;
  mean?: number;
  stdDev?: number;
  numZeros: string;
  min?: number;
  median?: number;
  max?: number;
  histograms: TfdvHistogram[];
}

export interface TfdvStringStatistics {
  commonStats: TfdvCommonStatistics;
  unique: string;
  topValues: { value: string; frequency: number }[];
  avgLength?: number;
  rankHistogram: { buckets: { lowRank: string; highRank: string; label: string; sampleCount: number }[] };
}

export interface TfdvBytesStatistics {
  commonStats: TfdvCommonStatistics;
  unique: string;
  avgNumBytes?: number;
  minNumBytes?: number;
  maxNumBytes?: number;
}

export interface TfdvFeature {
  name: string;
  type: TfdvFeatureType;
  numStats?: TfdvNumericStatistics;
  stringStats?: TfdvStringStatistics;
  bytesStats?: TfdvBytesStatistics;
}

export interface TfdvStatisticsList {
  datasets: { name: string; numExamples: string; features: TfdvFeature[] }[];
}

/** uint64 in proto3 JSON: a decimal string. */
const u64 = (x: number): string => String(Math.max(0, Math.round(x)));

const elementDtype = (dtype: string): string => /^list<(.+)>$/.exec(dtype)?.[1] ?? dtype;

/** The TFDV type of a registry dtype (lists take their element's type). */
export function tfdvType(dtype: string): TfdvFeatureType {
  switch (elementDtype(dtype)) {
    case 'float32':
    case 'float64':
      return 'FLOAT';
    case 'string':
      return 'STRING';
    case 'bytes':
      return 'BYTES';
    default:
      // int32, int64, bool, unix_timestamp
      return 'INT';
  }
}

const buckets = (h: readonly HistogramBucketStats[]) => h.map((b) => ({ lowValue: b.low, highValue: b.high, sampleCount: b.count }));

function commonStats(f: FeatureStatistics): TfdvCommonStatistics {
  const present = f.count;
  const per = f.valuesPerRow;
  if (per === undefined) {
    // A scalar: one value per present row. TFDV writes the value-count histogram as ten [1, 1] quantile buckets.
    return {
      numNonMissing: u64(present),
      numMissing: u64(f.nulls),
      minNumValues: u64(present > 0 ? 1 : 0),
      maxNumValues: u64(present > 0 ? 1 : 0),
      avgNumValues: present > 0 ? 1 : 0,
      totNumValues: u64(present),
      ...(present > 0 && {
        numValuesHistogram: { buckets: Array.from({ length: 10 }, () => ({ lowValue: 1, highValue: 1, sampleCount: present / 10 })), type: 'QUANTILES' as const },
      }),
    };
  }
  const mean = per.mean ?? 0;
  return {
    numNonMissing: u64(present),
    numMissing: u64(f.nulls),
    minNumValues: u64(per.min ?? 0),
    maxNumValues: u64(per.max ?? 0),
    avgNumValues: mean,
    totNumValues: u64(mean * present),
  };
}

const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as T;

function numStats(f: FeatureStatistics): TfdvNumericStatistics {
  const n = f.numeric;
  const histograms: TfdvHistogram[] = [];
  if (n !== undefined) {
    histograms.push({ numNan: u64(n.nans), buckets: buckets(n.histogram), type: 'STANDARD' });
    if (n.quantileHistogram !== undefined) histograms.push({ numNan: u64(n.nans), buckets: buckets(n.quantileHistogram), type: 'QUANTILES' });
  }
  return defined({
    commonStats: commonStats(f),
    mean: n?.mean,
    stdDev: n?.stdDev,
    numZeros: u64(n?.zeros ?? 0),
    min: n?.min,
    median: n?.quantiles.p50,
    max: n?.max,
    histograms,
  }) as TfdvNumericStatistics;
}

function stringStats(f: FeatureStatistics): TfdvStringStatistics {
  const s = f.string;
  const top = s?.topValues ?? [];
  return defined({
    commonStats: commonStats(f),
    unique: u64(f.distinct),
    topValues: top.map((t) => ({ value: t.value, frequency: t.count })),
    avgLength: s?.avgLength,
    // Rank i (0-based) holds the i-th most frequent value, as TFDV writes it.
    rankHistogram: { buckets: top.map((t, i) => ({ lowRank: u64(i), highRank: u64(i), label: t.value, sampleCount: t.count })) },
  }) as TfdvStringStatistics;
}

function bytesStats(f: FeatureStatistics): TfdvBytesStatistics {
  const s = f.string;
  return defined({
    commonStats: commonStats(f),
    unique: u64(f.distinct),
    avgNumBytes: s?.avgLength,
    minNumBytes: s?.minLength,
    maxNumBytes: s?.maxLength,
  }) as TfdvBytesStatistics;
}

export function tfdvFeature(f: FeatureStatistics): TfdvFeature {
  const type = tfdvType(f.dtype);
  if (type === 'STRING') return { name: f.name, type, stringStats: stringStats(f) };
  if (type === 'BYTES') return { name: f.name, type, bytesStats: bytesStats(f) };
  return { name: f.name, type, numStats: numStats(f) };
}

/** The statistics of one view as a one-dataset `DatasetFeatureStatisticsList`. */
export function toTfdvStatistics(r: ViewStatistics): TfdvStatisticsList {
  return { datasets: [{ name: r.view, numExamples: u64(r.rowCount), features: r.features.map(tfdvFeature) }] };
}
