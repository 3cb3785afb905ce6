import { join } from 'node:path';
import { iterateRowGroups } from '../../../offline/parquet/index.ts';

/** The latest conv_rate and event hour per driver in the repo's generated data set (plain TS). */
export async function latestInData(repo: string): Promise<Map<number, { convRate: number; eventUs: bigint; createdUs: bigint }>> {
  const out = new Map<number, { convRate: number; eventUs: bigint; createdUs: bigint }>();
  for await (const b of iterateRowGroups(join(repo, 'data/driver_stats.parquet'), { timestamps: 'us' })) {
    const c = b.columns as Record<string, { values: ArrayLike<number | bigint> }>;
    for (let i = 0; i < b.numRows; i++) {
      const d = Number(c.driver_id.values[i]);
      const ev = c.event_timestamp.values[i] as bigint;
      const cr = c.created.values[i] as bigint;
      const prev = out.get(d);
      if (!prev || ev > prev.eventUs || (ev === prev.eventUs && cr >= prev.createdUs)) out.set(d, { convRate: c.conv_rate.values[i] as number, eventUs: ev, createdUs: cr });
    }
  }
  return out;
}
