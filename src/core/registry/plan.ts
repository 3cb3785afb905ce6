import type { RegistryDocument, RegistryObjects } from '../schema/registry-document.ts';
import { KIND_OF_LIST, OBJECT_LISTS, type ObjectKind, type ObjectList, REGISTRY_FORMAT_VERSION } from '../schema/registry-document.ts';
import { TIMESTAMP_KEYS } from '../schema/meta.ts';

/** One changed field of an object: `features[1].dtype: "int64" -> "int32"`. */
export interface FieldChange {
  readonly path: string;
  /** undefined when the field was added. */
  readonly before: unknown;
  /** undefined when the field was removed. */
  readonly after: unknown;
}

export interface ObjectChange {
  readonly action: 'add' | 'change' | 'remove';
  readonly list: ObjectList;
  readonly kind: ObjectKind;
  readonly name: string;
  /** Field-by-field differences (for `change`). */
  readonly fields: readonly FieldChange[];
}

export interface RegistryPlan {
  readonly project: string;
  /** Version of the registry the plan is based on (0 when none is stored). */
  readonly baseVersion: number;
  /** Version an apply writes; equal to baseVersion when nothing changes. */
  readonly nextVersion: number;
  readonly changes: readonly ObjectChange[];
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const STAMPS = new Set<string>(TIMESTAMP_KEYS);

function diffValues(before: Json | undefined, after: Json | undefined, path: string, out: FieldChange[]): void {
  if (Array.isArray(before) && Array.isArray(after)) {
    for (let i = 0; i < Math.max(before.length, after.length); i++) diffValues(before[i], after[i], `${path}[${i}]`, out);
    return;
  }
  const isObj = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObj(before) && isObj(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    for (const k of keys) {
      if (path === '' && STAMPS.has(k)) continue;
      diffValues(before[k], after[k], path === '' ? k : `${path}.${k}`, out);
    }
    return;
  }
  if (JSON.stringify(before) !== JSON.stringify(after)) out.push({ path, before, after });
}

/** Field-by-field differences between two versions of an object, ignoring createdAt/updatedAt. */
export function diffObject(before: object, after: object): FieldChange[] {
  const out: FieldChange[] = [];
  diffValues(before as Json, after as Json, '', out);
  return out;
}

/**
 * Plan an apply: compare the stored registry (null when none) with the desired objects.
 * Apply is total: stored objects that are no longer defined are removed.
 */
export function planRegistry(current: RegistryDocument | null, project: string, desired: RegistryObjects): RegistryPlan {
  const changes: ObjectChange[] = [];
  for (const list of OBJECT_LISTS) {
    const kind = KIND_OF_LIST[list];
    const before = new Map<string, object>((current?.[list] ?? []).map((o) => [o.name, o]));
    const after = new Map<string, object>(desired[list].map((o) => [o.name, o]));
    const names = [...new Set([...before.keys(), ...after.keys()])].sort();
    for (const name of names) {
      const b = before.get(name);
      const a = after.get(name);
      if (b === undefined) changes.push({ action: 'add', list, kind, name, fields: [] });
      else if (a === undefined) changes.push({ action: 'remove', list, kind, name, fields: [] });
      else {
        const fields = diffObject(b, a);
        if (fields.length > 0) changes.push({ action: 'change', list, kind, name, fields });
      }
    }
  }
  const baseVersion = current?.version ?? 0;
  return { project, baseVersion, nextVersion: changes.length === 0 ? baseVersion : baseVersion + 1, changes };
}

/**
 * The registry an apply writes, or null when the plan has no change. Unchanged objects keep
 * their timestamps; changed ones keep createdAt and get updatedAt = now; new ones get both.
 */
export function nextRegistry(
  current: RegistryDocument | null,
  project: string,
  desired: RegistryObjects,
  now: string,
): { plan: RegistryPlan; next: RegistryDocument | null } {
  const plan = planRegistry(current, project, desired);
  if (plan.changes.length === 0) return { plan, next: null };
  const stamp = <T extends { name: string; createdAt: string; updatedAt: string }>(list: ObjectList, objects: readonly T[]): T[] => {
    const before = new Map((current?.[list] as readonly T[] | undefined)?.map((o) => [o.name, o]) ?? []);
    return objects.map((o) => {
      const b = before.get(o.name);
      if (b === undefined) return { ...o, createdAt: now, updatedAt: now };
      if (diffObject(b, o).length === 0) return { ...o, createdAt: b.createdAt, updatedAt: b.updatedAt };
      return { ...o, createdAt: b.createdAt, updatedAt: now };
    });
  };
  const next: RegistryDocument = {
    formatVersion: REGISTRY_FORMAT_VERSION,
    project,
    version: plan.nextVersion,
    updatedAt: now,
    entities: stamp('entities', desired.entities),
    sources: stamp('sources', desired.sources),
    featureViews: stamp('featureViews', desired.featureViews),
    onDemandFeatureViews: stamp('onDemandFeatureViews', desired.onDemandFeatureViews),
    featureServices: stamp('featureServices', desired.featureServices),
  };
  return { plan, next };
}
