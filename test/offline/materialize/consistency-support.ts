// Read the same features for the same drivers through online serving and through historical
// retrieval, as `view__feature` columns, so consistency tests compare them with toEqual.
import type { RegistryIndex } from '../../../src/core/registry/registry-index.ts';
import type { KernelInstance } from '../../../src/kernel/instance.ts';
import type { ServingContext } from '../../../src/serving/context.ts';
import { getOnlineFeatures } from '../../../src/serving/online-features.ts';
import { getHistoricalFeatures } from '../../../offline/historical/get-historical-features.ts';

export type FeatureColumns = Record<string, unknown[]>;

/** What online serving returns for `refs` (a value that is not PRESENT, e.g. stale, is no value). */
export async function onlineColumns(ctx: ServingContext, refs: readonly string[], drivers: readonly number[]): Promise<FeatureColumns> {
  const r = await getOnlineFeatures(ctx, { selection: { features: [...refs] }, entities: { driver_id: [...drivers] }, fullFeatureNames: true });
  if (!r.ok) throw new Error(r.error.message);
  const out: FeatureColumns = {};
  for (const ref of refs) {
    const name = ref.replace(':', '__');
    const col = r.value.results.find((c) => c.name === name)!;
    out[name] = col.values.map((v, i) => (col.statuses[i] === 'PRESENT' ? v : null));
  }
  return out;
}

/** What historical retrieval returns for `refs` with every driver's entity row at `at` (epoch µs). */
export async function historicalColumns(
  kernel: KernelInstance,
  dir: string,
  registry: RegistryIndex,
  refs: readonly string[],
  drivers: readonly number[],
  at: bigint,
): Promise<FeatureColumns> {
  const when = new Date(Number(at / 1000n));
  const r = await getHistoricalFeatures({
    registry, repoDir: dir, kernel, features: [...refs], fullFeatureNames: true,
    entities: drivers.map((d) => ({ driver_id: BigInt(d), event_timestamp: when })),
  });
  if (!r.ok) throw new Error(r.error.message);
  const out: FeatureColumns = {};
  for (const ref of refs) {
    const name = ref.replace(':', '__');
    const col = r.value.getChild(name)!;
    out[name] = Array.from({ length: r.value.numRows }, (_, i) => col.get(i) ?? null);
  }
  return out;
}
