import { err, ok, type Result } from '../../core/errors.ts';
import { nextRegistry, type RegistryPlan } from '../../core/registry/plan.ts';
import type { RegistryDocument, RegistryObjects } from '../../core/schema/registry-document.ts';
import type { RegistryStore } from './registry-store.ts';

export interface ApplyResult {
  readonly plan: RegistryPlan;
  /** The registry now stored (unchanged when the plan was empty). */
  readonly registry: RegistryDocument | null;
  /** false when nothing changed (nothing was written). */
  readonly written: boolean;
}

/**
 * Apply desired objects to a store: total (objects no longer defined are removed), idempotent
 * (no change, no write, same version), and refused with `conflict` when the store moved past
 * `expectedVersion` (when given) or past the version read here.
 */
export async function applyRegistry(
  store: RegistryStore,
  project: string,
  desired: RegistryObjects,
  options: { now: string; expectedVersion?: number },
): Promise<Result<ApplyResult>> {
  const current = await store.read(project);
  if (!current.ok) return current;
  const base = current.value?.version ?? 0;
  if (options.expectedVersion !== undefined && options.expectedVersion !== base) {
    return err(
      'conflict',
      `registry of ${project} is at version ${base}, but this apply was based on version ${options.expectedVersion}: run plan again and re-apply`,
      { expectedVersion: options.expectedVersion, actualVersion: base },
    );
  }
  const { plan, next } = nextRegistry(current.value, project, desired, options.now);
  if (next === null) return ok({ plan, registry: current.value, written: false });
  const written = await store.write(next, base);
  if (!written.ok) return written;
  return ok({ plan, registry: next, written: true });
}
