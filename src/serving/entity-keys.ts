import { err, ok, type Result } from '../core/errors.ts';
import type { EntityKeyRef } from '../core/online-store.ts';
import type { FeatureView } from '../core/schema/feature-view.ts';
import { fromJsonKey, type KeyValue } from '../core/wire/json-values.ts';
import { keyColumn, serializeEntityKeys, type KeyColumn, type KeyType } from '../kernel/keys.ts';
import type { KernelInstance } from '../kernel/instance.ts';

/** Columnar entity data as it arrives on the wire: column -> one value per row. */
export type EntityColumns = Readonly<Record<string, readonly unknown[]>>;

/**
 * Serialize the entity keys of every row for one view (Feast v3 bytes, named
 * by the view's join keys), reading each key from the column the join-key map
 * names. Values are checked against the key's type.
 */
export function viewEntityKeys(
  k: KernelInstance,
  view: FeatureView,
  columns: EntityColumns,
  rows: number,
  joinKeyMap: Readonly<Record<string, string>> = {},
): Result<EntityKeyRef[]> {
  const keyCols: KeyColumn[] = [];
  for (const jk of view.entityColumns) {
    const col = joinKeyMap[jk.name] ?? jk.name;
    const raw = columns[col];
    if (raw === undefined)
      return err('missing_entity_column', `feature view "${view.name}" needs entity column "${col}"`, { featureView: view.name, column: col });
    if (raw.length !== rows)
      return err('invalid_request', `entity column "${col}" has ${raw.length} values, expected ${rows}`, { column: col });
    const values: KeyValue[] = new Array(rows);
    for (let i = 0; i < rows; i++) {
      const v = fromJsonKey(jk.dtype, raw[i]);
      if (v === undefined)
        return err('invalid_entity_value', `entity column "${col}" row ${i}: ${JSON.stringify(raw[i]) ?? String(raw[i])} is not a valid ${jk.dtype}`, {
          column: col,
          row: i,
          dtype: jk.dtype,
        });
      values[i] = v;
    }
    const c = keyColumn(jk.name, jk.dtype as KeyType, values);
    if (!c.ok) return c;
    keyCols.push(c.value);
  }
  if (keyCols.length === 0) return err('invalid_request', `feature view "${view.name}" has no join keys`);
  const s = serializeEntityKeys(k, keyCols, { hashes: true });
  if (!s.ok) return s;
  const { offsets, data, hashes } = s.value;
  const out: EntityKeyRef[] = new Array(rows);
  for (let i = 0; i < rows; i++) out[i] = { entityKey: data.slice(offsets[i], offsets[i + 1]), keyHash: hashes![i] };
  return ok(out);
}
