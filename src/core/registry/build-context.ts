import type {
  DefinitionSpec,
  EntitySpec,
  FeatureServiceSpec,
  FeatureViewSpec,
  FieldSpec,
  FileSourceSpec,
  OnDemandFeatureViewSpec,
  PushSourceSpec,
  RequestSourceSpec,
} from '../schema/definition-spec.ts';
import { normalizeDtype } from '../schema/dtype.ts';
import type { Field, FieldExpectations } from '../schema/field.ts';
import type { ObjectKind } from '../schema/registry-document.ts';
import { isName } from '../schema/name.ts';
import { buildExpectations } from './build-expectations.ts';
import type { SourceSchemaResult } from './source-schema.ts';
import { issue, type ValidationCode, type ValidationIssue } from './validation-issue.ts';

export interface Declared<S extends DefinitionSpec> {
  readonly file: string;
  readonly spec: S;
}

export type SourceSpec = FileSourceSpec | PushSourceSpec | RequestSourceSpec;
export type ViewSpec = FeatureViewSpec | OnDemandFeatureViewSpec;

/** Everything the build steps share: specs by namespace, the clock, and the issues found. */
export interface BuildContext {
  readonly now: string;
  readonly sourceSchemas: ReadonlyMap<string, SourceSchemaResult>;
  readonly entities: Map<string, Declared<EntitySpec>>;
  readonly sources: Map<string, Declared<SourceSpec>>;
  /** Feature views and on-demand feature views share one namespace (`view:feature` references). */
  readonly views: Map<string, Declared<ViewSpec>>;
  readonly services: Map<string, Declared<FeatureServiceSpec>>;
  readonly issues: ValidationIssue[];
}

export const KIND_OF_SPEC: Readonly<Record<DefinitionSpec['kind'], ObjectKind>> = {
  entity: 'entity',
  file_source: 'source',
  push_source: 'source',
  request_source: 'source',
  feature_view: 'feature_view',
  on_demand_feature_view: 'on_demand_feature_view',
  feature_service: 'feature_service',
};

/** A reporter bound to one declared object. */
export function reporter(ctx: BuildContext, d: Declared<DefinitionSpec>) {
  const at = (field?: string) => ({
    file: d.file,
    kind: KIND_OF_SPEC[d.spec.kind],
    object: d.spec.name,
    ...(field !== undefined && { field }),
  });
  return (code: ValidationCode, field: string | undefined, message: string, severity: 'error' | 'warning' = 'error') => {
    ctx.issues.push(issue(code, at(field), message, severity));
  };
}
export type Report = ReturnType<typeof reporter>;

export function sortedRecord(r: Readonly<Record<string, string>> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(r ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** description, tags, owner and timestamps of a new object. */
export function metaOf(
  spec: { description?: string; tags?: Record<string, string>; owner?: string },
  now: string,
): { description: string; tags: Record<string, string>; owner: string; createdAt: string; updatedAt: string } {
  return {
    description: spec.description ?? '',
    tags: sortedRecord(spec.tags),
    owner: spec.owner ?? '',
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * Validate and normalize a list of fields; invalid ones are reported and dropped. Expectations
 * are kept only with `{ expectations: true }` (feature view schemas); elsewhere they are refused.
 */
export function buildFields(specs: readonly FieldSpec[], report: Report, prefix: string, options: { expectations?: boolean } = {}): Field[] {
  const out: Field[] = [];
  const seen = new Set<string>();
  specs.forEach((f, i) => {
    const at = `${prefix}[${i}]`;
    if (!isName(f.name)) {
      report('invalid_name', `${at}.name`, `field name ${JSON.stringify(f.name)} must be an identifier (letters, digits, underscores)`);
      return;
    }
    if (seen.has(f.name)) {
      report('duplicate_name', `${at}.name`, `field ${f.name} is declared twice`);
      return;
    }
    seen.add(f.name);
    const dtype = normalizeDtype(f.dtype);
    if (dtype === null) {
      report(
        'invalid_dtype',
        `${at}.dtype`,
        `unknown dtype ${JSON.stringify(f.dtype)} for field ${f.name}: use int32, int64, float32, float64, bool, string, bytes, unix_timestamp or list<T>`,
      );
      return;
    }
    let expectations: FieldExpectations | undefined;
    if (f.expectations !== undefined) {
      if (options.expectations === true) expectations = buildExpectations(f.expectations, f.name, dtype, report, at);
      else report('invalid_expectation', `${at}.expectations`, `expectations apply to feature view fields only (field ${f.name})`);
    }
    out.push({
      name: f.name,
      dtype,
      ...(f.description !== undefined && f.description !== '' && { description: f.description }),
      ...(f.tags !== undefined && Object.keys(f.tags).length > 0 && { tags: sortedRecord(f.tags) }),
      ...(expectations !== undefined && { expectations }),
    });
  });
  return out;
}

export function byName<T extends { name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
