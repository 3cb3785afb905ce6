import type { FeatureViewSpec } from '../schema/definition-spec.ts';
import type { ValueType } from '../schema/dtype.ts';
import type { Entity } from '../schema/entity.ts';
import type { FeatureView } from '../schema/feature-view.ts';
import type { Field } from '../schema/field.ts';
import { parseTtl } from '../schema/ttl.ts';
import { buildMinRows, buildOnViolation } from './build-expectations.ts';
import { type BuildContext, buildFields, type Declared, metaOf, reporter } from './build-context.ts';

export function buildFeatureView(
  ctx: BuildContext,
  d: Declared<FeatureViewSpec>,
  entities: ReadonlyMap<string, Entity>,
): FeatureView {
  const report = reporter(ctx, d);
  const spec = d.spec;

  // Join keys of the view's entities, in entity then key order.
  const keys = new Map<string, { valueType: ValueType; entity: string }>();
  const entityNames = spec.entities ?? [];
  entityNames.forEach((name, i) => {
    const entity = entities.get(name);
    if (entity === undefined) {
      if (!ctx.entities.has(name)) report('unknown_reference', `entities[${i}]`, `entity ${name} is not defined`);
      return;
    }
    for (const k of entity.joinKeys) {
      const other = keys.get(k.name);
      if (other !== undefined) {
        report('duplicate_name', `entities[${i}]`, `join key ${k.name} of entity ${name} is also a join key of entity ${other.entity}`);
        continue;
      }
      keys.set(k.name, { valueType: k.valueType, entity: name });
    }
  });

  const fields = buildFields(spec.schema, report, 'schema', { expectations: true });
  const features: Field[] = [];
  for (const f of fields) {
    const key = keys.get(f.name);
    if (key === undefined) {
      features.push(f);
    } else if (f.expectations !== undefined) {
      const i = spec.schema.findIndex((s) => s.name === f.name);
      report('invalid_expectation', `schema[${i}].expectations`, `${f.name} is a join key of entity ${key.entity}; expectations apply to features`);
    } else if (key.valueType !== f.dtype) {
      const i = spec.schema.findIndex((s) => s.name === f.name);
      report(
        'feature_join_key_collision',
        `schema[${i}]`,
        `field ${f.name} is declared ${f.dtype} but is the join key of entity ${key.entity} (${key.valueType}); a feature cannot share a join key's name`,
      );
    }
  }
  const entityColumns: Field[] = [...keys].map(([name, k]) => ({ name, dtype: k.valueType }));

  const source = ctx.sources.get(spec.source);
  if (source === undefined) {
    report('unknown_reference', 'source', `source ${spec.source} is not defined`);
  } else if (source.spec.kind === 'request_source') {
    report('invalid_reference', 'source', `source ${spec.source} is a request source; a feature view reads a file or push source`);
  }

  let ttlSeconds = 0;
  if (spec.ttl !== undefined) {
    const ttl = parseTtl(spec.ttl);
    if (ttl === null) {
      report('invalid_ttl', 'ttl', `invalid ttl ${JSON.stringify(spec.ttl)}: use seconds (>= 0) or a duration like 30m, 2h, 1d, 7d`);
    } else {
      ttlSeconds = ttl;
    }
  }

  const minRows = buildMinRows(spec.minRows, report);
  const onViolation = buildOnViolation(spec.onViolation, report);

  return {
    name: spec.name,
    entities: [...entityNames],
    entityColumns,
    features,
    source: spec.source,
    ttlSeconds,
    online: spec.online ?? true,
    ...(minRows !== undefined && { minRows }),
    ...(onViolation !== undefined && { onViolation }),
    ...metaOf(spec, ctx.now),
  };
}
