import type { OnlineStore } from '../core/online-store.ts';
import type { RegistryIndex } from '../core/registry/registry-index.ts';
import type { FeatureValue } from '../kernel/codec.ts';
import type { KernelInstance } from '../kernel/instance.ts';

/** An on-demand transformation: one row of inputs in, the declared outputs out. */
export type OnDemandFn = (row: Readonly<Record<string, FeatureValue>>) => Record<string, unknown>;

/**
 * Everything a serving call needs, built once per isolate (Worker) or process
 * (Node) by a composition root. Nothing here knows which runtime it is in.
 */
export interface ServingContext {
  readonly project: string;
  readonly kernel: KernelInstance;
  readonly registry: RegistryIndex;
  readonly online: OnlineStore;
  /** Transformations by `${module}#${function}` (the registry's TransformationRef). */
  readonly transforms: ReadonlyMap<string, OnDemandFn>;
  /** Epoch µs; injectable for tests. */
  readonly now: () => number;
}

export const transformKey = (ref: { module: string; function: string }): string => `${ref.module}#${ref.function}`;
