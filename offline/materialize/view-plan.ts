import { err, ok, type Result } from '../../src/core/errors.ts';
import { batchSourceOf } from '../../src/core/registry/check-source-columns.ts';
import type { RegistryIndex } from '../../src/core/registry/registry-index.ts';
import type { FileSource } from '../../src/core/schema/data-source.ts';
import type { FeatureView } from '../../src/core/schema/feature-view.ts';
import type { FieldType } from '../../src/kernel/codec.ts';
import type { KeyType } from '../../src/kernel/keys.ts';

/** What materializing one view reads: the file source and which source column feeds each field. */
export interface ViewPlan {
  readonly view: FeatureView;
  /** The view's source, or its push source's batch source. */
  readonly source: FileSource;
  readonly eventColumn: string;
  readonly createdColumn: string | null;
  /** Join keys, by key name, with the source column that holds each (after field_mapping). */
  readonly keys: readonly { readonly name: string; readonly type: KeyType; readonly column: string }[];
  /** Features in view order (the codec's field order). */
  readonly features: readonly { readonly name: string; readonly dtype: FieldType; readonly column: string }[];
  /** Every source column to read, once each. */
  readonly columns: readonly string[];
}

/**
 * Plan a view: field_mapping maps source column -> feature or join-key name,
 * so a field reads the column mapped to it, or the column of its own name.
 * Timestamp columns are named as in the source.
 */
export function planView(registry: RegistryIndex, view: FeatureView): Result<ViewPlan> {
  const source = batchSourceOf(registry.sources, view.source);
  if (source === null)
    return err('invalid_argument', `feature view "${view.name}" has no file source to materialize from (source "${view.source}")`, { featureView: view.name });
  const inverse = new Map(Object.entries(source.fieldMapping).map(([from, to]) => [to, from]));
  const columnOf = (name: string) => inverse.get(name) ?? name;
  const keys = view.entityColumns.map((f) => ({ name: f.name, type: f.dtype as KeyType, column: columnOf(f.name) }));
  if (keys.length === 0) return err('invalid_argument', `feature view "${view.name}" has no join keys`, { featureView: view.name });
  const features = view.features.map((f) => ({ name: f.name, dtype: f.dtype as FieldType, column: columnOf(f.name) }));
  const columns = [
    ...new Set([
      source.timestampField,
      ...(source.createdTimestampColumn === null ? [] : [source.createdTimestampColumn]),
      ...keys.map((k) => k.column),
      ...features.map((f) => f.column),
    ]),
  ];
  return ok({ view, source, eventColumn: source.timestampField, createdColumn: source.createdTimestampColumn, keys, features, columns });
}
