import type { DefinitionSpec, SourcedSpec } from '../schema/definition-spec.ts';
import type { Entity } from '../schema/entity.ts';
import type { FeatureView } from '../schema/feature-view.ts';
import { isName } from '../schema/name.ts';
import type { OnDemandFeatureView } from '../schema/on-demand-feature-view.ts';
import type { ObjectKind, RegistryObjects } from '../schema/registry-document.ts';
import { type BuildContext, byName, type Declared, KIND_OF_SPEC, reporter } from './build-context.ts';
import { buildEntity } from './build-entities.ts';
import { buildFeatureService } from './build-services.ts';
import { buildFeatureView } from './build-feature-views.ts';
import { buildOnDemandFeatureView } from './build-on-demand.ts';
import { buildSource } from './build-sources.ts';
import { checkSourceColumns } from './check-source-columns.ts';
import type { SourceSchemaResult } from './source-schema.ts';
import type { ValidationIssue } from './validation-issue.ts';

export interface BuildOptions {
  /** RFC 3339 time stamped on every object as createdAt/updatedAt. */
  readonly now: string;
  /** Columns read from file sources by name; when given, views are checked against them. */
  readonly sourceSchemas?: ReadonlyMap<string, SourceSchemaResult>;
}

export interface BuildResult {
  /** The registry objects (lists sorted by name). Meaningful only when `issues` holds no error. */
  readonly objects: RegistryObjects;
  readonly issues: readonly ValidationIssue[];
  /** The file that declared each object, keyed `kind:name`. */
  readonly origins: ReadonlyMap<string, string>;
}

const NAMESPACE_LABEL = { entities: 'an entity', sources: 'a source', views: 'a view', services: 'a feature service' } as const;

/**
 * Validate definition specs and normalize them into registry objects. Pure: reading files
 * (definitions, source schemas) happens before, in the offline loader.
 */
export function buildRegistry(specs: readonly SourcedSpec[], options: BuildOptions): BuildResult {
  const ctx: BuildContext = {
    now: options.now,
    sourceSchemas: options.sourceSchemas ?? new Map(),
    entities: new Map(),
    sources: new Map(),
    views: new Map(),
    services: new Map(),
    issues: [],
  };
  const origins = new Map<string, string>();

  for (const d of specs) {
    const report = reporter(ctx, d);
    if (!isName(d.spec.name)) {
      report('invalid_name', 'name', `name ${JSON.stringify(d.spec.name)} must be an identifier (letters, digits, underscores)`);
      continue;
    }
    const ns = namespaceOf(d.spec);
    const map = ctx[ns] as Map<string, Declared<DefinitionSpec>>;
    const first = map.get(d.spec.name);
    if (first !== undefined) {
      report('duplicate_name', 'name', `${d.spec.name} is already defined as ${NAMESPACE_LABEL[ns]} in ${first.file}`);
      continue;
    }
    map.set(d.spec.name, d);
    origins.set(`${KIND_OF_SPEC[d.spec.kind]}:${d.spec.name}`, d.file);
  }

  const entities = new Map<string, Entity>();
  for (const d of ctx.entities.values()) entities.set(d.spec.name, buildEntity(ctx, d));
  const sources = [...ctx.sources.values()].map((d) => buildSource(ctx, d)).filter((s) => s !== null);
  const featureViews = new Map<string, FeatureView>();
  for (const d of ctx.views.values()) {
    if (d.spec.kind === 'feature_view') featureViews.set(d.spec.name, buildFeatureView(ctx, { file: d.file, spec: d.spec }, entities));
  }
  const onDemand = new Map<string, OnDemandFeatureView>();
  for (const d of ctx.views.values()) {
    if (d.spec.kind === 'on_demand_feature_view') {
      onDemand.set(d.spec.name, buildOnDemandFeatureView(ctx, { file: d.file, spec: d.spec }, featureViews));
    }
  }
  const services = [...ctx.services.values()].map((d) => buildFeatureService(ctx, d, featureViews, onDemand));

  const objects: RegistryObjects = {
    entities: [...entities.values()].sort(byName),
    sources: sources.sort(byName),
    featureViews: [...featureViews.values()].sort(byName),
    onDemandFeatureViews: [...onDemand.values()].sort(byName),
    featureServices: services.sort(byName),
  };
  if (options.sourceSchemas !== undefined) {
    const fileOf = (kind: ObjectKind, name: string) => origins.get(`${kind}:${name}`) ?? '';
    ctx.issues.push(...checkSourceColumns(objects, options.sourceSchemas, fileOf));
  }
  return { objects, issues: ctx.issues, origins };
}

function namespaceOf(spec: DefinitionSpec): 'entities' | 'sources' | 'views' | 'services' {
  switch (spec.kind) {
    case 'entity':
      return 'entities';
    case 'file_source':
    case 'push_source':
    case 'request_source':
      return 'sources';
    case 'feature_view':
    case 'on_demand_feature_view':
      return 'views';
    case 'feature_service':
      return 'services';
  }
}
