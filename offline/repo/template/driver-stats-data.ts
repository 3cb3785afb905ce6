import { parquetWriteBuffer } from 'hyparquet-writer';

/** mulberry32: a small seeded generator, so `larder init` makes the same values every time. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DriverStatsOptions {
  /** Last event hour, epoch milliseconds (default: the current hour). */
  readonly endMs?: number;
  readonly drivers?: readonly number[];
  readonly days?: number;
  readonly seed?: number;
}

export interface DriverStatsColumns {
  readonly driverId: BigInt64Array;
  /** Epoch microseconds, UTC. */
  readonly eventTimestamp: BigInt64Array;
  readonly created: BigInt64Array;
  readonly convRate: Float32Array;
  readonly accRate: Float32Array;
  readonly avgDailyTrips: BigInt64Array;
}

const HOUR_MS = 3_600_000;

/** Hourly statistics of a few drivers over a few days, like Feast's driver-stats template. */
export function driverStatsColumns(options: DriverStatsOptions = {}): DriverStatsColumns {
  const drivers = options.drivers ?? [1001, 1002, 1003, 1004, 1005];
  const hours = (options.days ?? 3) * 24;
  const end = Math.floor((options.endMs ?? Date.now()) / HOUR_MS) * HOUR_MS;
  const next = rng(options.seed ?? 42);
  const n = drivers.length * hours;
  const cols: DriverStatsColumns = {
    driverId: new BigInt64Array(n),
    eventTimestamp: new BigInt64Array(n),
    created: new BigInt64Array(n),
    convRate: new Float32Array(n),
    accRate: new Float32Array(n),
    avgDailyTrips: new BigInt64Array(n),
  };
  let i = 0;
  for (let h = hours - 1; h >= 0; h--) {
    const eventMs = end - h * HOUR_MS;
    for (const d of drivers) {
      cols.driverId[i] = BigInt(d);
      cols.eventTimestamp[i] = BigInt(eventMs) * 1000n;
      // Written a few minutes after the event.
      cols.created[i] = BigInt(eventMs + Math.floor(next() * 10 * 60_000)) * 1000n;
      cols.convRate[i] = next();
      cols.accRate[i] = next();
      cols.avgDailyTrips[i] = BigInt(Math.floor(next() * 1000));
      i++;
    }
  }
  return cols;
}

const TIMESTAMP_US = {
  type: 'INT64',
  repetition_type: 'REQUIRED',
  logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' },
  converted_type: 'TIMESTAMP_MICROS',
} as const;

/** The data set as a Parquet file (timestamps in microseconds, UTC). */
export function driverStatsParquet(options: DriverStatsOptions = {}): Uint8Array {
  const c = driverStatsColumns(options);
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: 'driver_id', data: c.driverId },
      { name: 'event_timestamp', data: Array.from(c.eventTimestamp) },
      { name: 'created', data: Array.from(c.created) },
      { name: 'conv_rate', data: c.convRate },
      { name: 'acc_rate', data: c.accRate },
      { name: 'avg_daily_trips', data: c.avgDailyTrips },
    ],
    schema: [
      { name: 'root', num_children: 6 },
      { name: 'driver_id', type: 'INT64', repetition_type: 'REQUIRED' },
      { name: 'event_timestamp', ...TIMESTAMP_US },
      { name: 'created', ...TIMESTAMP_US },
      { name: 'conv_rate', type: 'FLOAT', repetition_type: 'REQUIRED' },
      { name: 'acc_rate', type: 'FLOAT', repetition_type: 'REQUIRED' },
      { name: 'avg_daily_trips', type: 'INT64', repetition_type: 'REQUIRED' },
    ],
  });
  return new Uint8Array(buffer);
}
