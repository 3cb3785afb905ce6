import { DefinitionSpec, type SourcedSpec } from '../schema/definition-spec.ts';
import { issue, pathToField, type ValidationIssue } from '../registry/validation-issue.ts';
import { KIND_OF_SPEC } from '../registry/build-context.ts';
import { type Definition, isDefinition, type OnDemandTransform } from './definition.ts';

/** A loaded definition module: its path relative to the repo and its exports. */
export interface LoadedModule {
  readonly file: string;
  readonly exports: Readonly<Record<string, unknown>>;
}

const nameOf = (x: unknown): unknown => (isDefinition(x) ? x.name : x);

/** Definitions referenced by a definition (entities, sources, views), for implicit registration. */
function nested(d: Definition): unknown[] {
  switch (d.kind) {
    case 'push_source':
      return [d.batchSource];
    case 'feature_view':
      return [...(d.entities ?? []), d.source];
    case 'on_demand_feature_view':
      return d.sources.map((s) => (typeof s === 'object' && !isDefinition(s) ? ('view' in s ? s.view : s.requestSource) : s));
    case 'feature_service':
      return d.features.map((p) => (typeof p === 'object' && !isDefinition(p) ? p.view : p));
    default:
      return [];
  }
}

/** Where an exported function lives: the first module exporting it, the declaring module first. */
function findExport(modules: readonly LoadedModule[], fn: OnDemandTransform, preferred: string): { module: string; function: string } | null {
  const ordered = [...modules].sort((a, b) => (a.file === preferred ? -1 : b.file === preferred ? 1 : a.file < b.file ? -1 : 1));
  for (const m of ordered) {
    for (const [name, value] of Object.entries(m.exports)) if (value === fn && name !== 'default') return { module: m.file, function: name };
  }
  return null;
}

function toSpec(d: Definition, file: string, modules: readonly LoadedModule[], issues: ValidationIssue[]): unknown {
  const { kind } = d;
  switch (d.kind) {
    case 'push_source':
      return { ...d, kind, batchSource: nameOf(d.batchSource) };
    case 'feature_view':
      return { ...d, kind, ...(d.entities !== undefined && { entities: d.entities.map(nameOf) }), source: nameOf(d.source) };
    case 'on_demand_feature_view': {
      let transformation: unknown = d.transformation;
      if (typeof d.transformation === 'function') {
        transformation = findExport(modules, d.transformation, file);
        if (transformation === null) {
          issues.push(
            issue(
              'unknown_transformation',
              { file, kind: 'on_demand_feature_view', object: d.name, field: 'transformation' },
              `the transformation function${d.transformation.name && d.transformation.name !== 'transformation' ? ` ${d.transformation.name}` : ''} is not a named export of a definition module: export it (for example from transforms.ts), or give {module, function}`,
            ),
          );
          transformation = { module: '', function: '' };
        }
      }
      const sources = d.sources.map((s) => {
        if (typeof s === 'string' || isDefinition(s)) {
          return isDefinition(s) && s.kind === 'request_source' ? { requestSource: s.name } : nameOf(s);
        }
        return 'view' in s ? { ...s, view: nameOf(s.view) } : { requestSource: nameOf(s.requestSource) };
      });
      return { ...d, kind, sources, transformation };
    }
    case 'feature_service':
      return {
        ...d,
        kind,
        features: d.features.map((p) => (typeof p === 'string' || isDefinition(p) ? nameOf(p) : { ...p, view: nameOf(p.view) })),
      };
    default:
      return { ...d, kind };
  }
}

/**
 * Turn the definitions exported by TypeScript modules into specs. Definitions referenced but not
 * exported (an inline source, say) are registered too, attributed to the module that used them.
 * The same object exported twice counts once.
 */
export function collectDefinitions(modules: readonly LoadedModule[]): { specs: SourcedSpec[]; issues: ValidationIssue[] } {
  const found = new Map<Definition, string>();
  const ordered = [...modules].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  for (const m of ordered) {
    for (const value of Object.values(m.exports)) if (isDefinition(value) && !found.has(value)) found.set(value, m.file);
  }
  const queue = [...found.keys()];
  while (queue.length > 0) {
    const d = queue.shift() as Definition;
    for (const n of nested(d)) {
      if (isDefinition(n) && !found.has(n)) {
        found.set(n, found.get(d) as string);
        queue.push(n);
      }
    }
  }

  const specs: SourcedSpec[] = [];
  const issues: ValidationIssue[] = [];
  for (const [d, file] of found) {
    const r = DefinitionSpec.safeParse(toSpec(d, file, modules, issues));
    if (r.success) {
      specs.push({ file, spec: r.data });
      continue;
    }
    for (const zi of r.error.issues) {
      issues.push(
        issue(
          'invalid_definition',
          { file, kind: KIND_OF_SPEC[d.kind], object: typeof d.name === 'string' ? d.name : '?', field: pathToField(zi.path) },
          zi.message,
        ),
      );
    }
  }
  return { specs, issues };
}
