import type { EntitySpec } from '../schema/definition-spec.ts';
import { normalizeValueType, VALUE_TYPES, type ValueType } from '../schema/dtype.ts';
import type { Entity, JoinKey } from '../schema/entity.ts';
import { isName } from '../schema/name.ts';
import { type BuildContext, type Declared, metaOf, reporter } from './build-context.ts';
import { valueTypeOfColumn } from './source-schema.ts';

const ALLOWED = VALUE_TYPES.join(', ');

/**
 * The value type of a join key that declares none: a field of that name in a feature view of
 * the entity (views in name order), else the column of that name in such a view's source file.
 */
function inferValueType(ctx: BuildContext, entity: string, key: string): ValueType | null {
  const views = [...ctx.views.values()]
    .filter((v) => v.spec.kind === 'feature_view' && (v.spec.entities ?? []).includes(entity))
    .sort((a, b) => (a.spec.name < b.spec.name ? -1 : 1));
  for (const v of views) {
    if (v.spec.kind !== 'feature_view') continue;
    const field = v.spec.schema.find((f) => f.name === key);
    const t = field === undefined ? null : normalizeValueType(field.dtype);
    if (t !== null) return t;
  }
  for (const v of views) {
    if (v.spec.kind !== 'feature_view') continue;
    let source = ctx.sources.get(v.spec.source)?.spec;
    if (source?.kind === 'push_source') source = ctx.sources.get(source.batchSource)?.spec;
    if (source?.kind !== 'file_source') continue;
    const read = ctx.sourceSchemas.get(source.name);
    if (read?.status !== 'ok') continue;
    const column = Object.entries(source.fieldMapping ?? {}).find(([, to]) => to === key)?.[0] ?? key;
    const t = read.schema.columns.get(column);
    const vt = t === undefined ? null : valueTypeOfColumn(t);
    if (vt !== null) return vt;
  }
  return null;
}

export function buildEntity(ctx: BuildContext, d: Declared<EntitySpec>): Entity {
  const report = reporter(ctx, d);
  const spec = d.spec;
  let shared: ValueType | null | undefined;
  if (spec.valueType !== undefined) {
    shared = normalizeValueType(spec.valueType);
    if (shared === null) {
      report('invalid_dtype', 'valueType', `value type ${JSON.stringify(spec.valueType)} is not a join-key type (${ALLOWED})`);
    }
  }
  const declared = spec.joinKeys ?? [spec.name];
  if (declared.length === 0) report('invalid_definition', 'joinKeys', 'an entity needs at least one join key');
  const joinKeys: JoinKey[] = [];
  const seen = new Set<string>();
  declared.forEach((k, i) => {
    const name = typeof k === 'string' ? k : k.name;
    const field = `joinKeys[${i}]`;
    if (!isName(name)) {
      report('invalid_name', field, `join key ${JSON.stringify(name)} must be an identifier`);
      return;
    }
    if (seen.has(name)) {
      report('duplicate_name', field, `join key ${name} is listed twice`);
      return;
    }
    seen.add(name);
    let valueType: ValueType | null | undefined;
    if (typeof k !== 'string' && k.valueType !== undefined) {
      valueType = normalizeValueType(k.valueType);
      if (valueType === null) {
        report('invalid_dtype', `${field}.valueType`, `value type ${JSON.stringify(k.valueType)} is not a join-key type (${ALLOWED})`);
        return;
      }
    }
    if (valueType === undefined && shared === null) return;
    valueType ??= shared ?? inferValueType(ctx, spec.name, name);
    if (valueType === null) {
      report(
        'missing_value_type',
        field,
        `the type of join key ${name} is unknown: give the entity a value_type, or declare ${name} in a feature view's schema`,
      );
      return;
    }
    joinKeys.push({ name, valueType });
  });
  return { name: spec.name, joinKeys, ...metaOf(spec, ctx.now) };
}
