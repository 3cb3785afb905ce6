import { err, ok, type Result } from '../core/errors.ts';
import type { OnlineStore } from '../core/online-store.ts';
import type { RegistryIndex } from '../core/registry/registry-index.ts';
import type { KernelInstance } from '../kernel/instance.ts';
import type { OnDemandFn } from '../serving/context.ts';
import { toFeastResponse } from '../serving/feast-response.ts';
import { getOnlineFeatures } from '../serving/online-features.ts';
import type { FeastOnlineResponse, FeatureClient, OnlineFeaturesQuery } from './feature-client.ts';

export interface InProcessClientDeps {
  readonly project: string;
  readonly kernel: () => Promise<KernelInstance>;
  readonly registry: { get(): Promise<Result<RegistryIndex | null>> };
  readonly online: OnlineStore;
  readonly transforms?: ReadonlyMap<string, OnDemandFn>;
  readonly now?: () => number;
}

/**
 * A FeatureClient that runs the serving core inside the caller's own
 * isolate: no network hop at all. Give it the store the larder Worker
 * serves from (the same KV or D1 binding) and the registry store.
 */
export function inProcessClient(deps: InProcessClientDeps): FeatureClient {
  return {
    async getOnlineFeatures(q: OnlineFeaturesQuery): Promise<Result<FeastOnlineResponse>> {
      const reg = await deps.registry.get();
      if (!reg.ok) return reg;
      if (reg.value === null) return err('not_found', `no registry has been applied for project "${deps.project}"`);
      const r = await getOnlineFeatures(
        {
          project: deps.project,
          kernel: await deps.kernel(),
          registry: reg.value,
          online: deps.online,
          transforms: deps.transforms ?? new Map(),
          now: deps.now ?? (() => Date.now() * 1000),
        },
        {
          selection: q.featureService !== undefined ? { featureService: q.featureService } : { features: q.features ?? [] },
          entities: q.entities,
          requestContext: q.requestContext,
          fullFeatureNames: q.fullFeatureNames,
          includeStale: q.includeStale,
        },
      );
      return r.ok ? ok(toFeastResponse(r.value) as FeastOnlineResponse) : r;
    },
  };
}
