import type { DataSource, FileSource } from '../schema/data-source.ts';
import type { RegistryObjects } from '../schema/registry-document.ts';
import { describeColumnType, dtypeAccepts, isTimestampColumn, type SourceSchemaResult } from './source-schema.ts';
import { issue, type ValidationIssue } from './validation-issue.ts';

/** The file source a view's history is read from: itself, or a push source's batch source. */
export function batchSourceOf(sources: ReadonlyMap<string, DataSource>, name: string): FileSource | null {
  const s = sources.get(name);
  if (s?.type === 'file') return s;
  if (s?.type === 'push') {
    const b = sources.get(s.batchSource);
    return b?.type === 'file' ? b : null;
  }
  return null;
}

/**
 * Check file sources and feature views against the columns read from the source files:
 * timestamp and created columns, mapped columns, join keys and features must exist with a
 * compatible type. A missing file is a warning (the check is skipped); an unreadable one is an error.
 */
export function checkSourceColumns(
  objects: RegistryObjects,
  schemas: ReadonlyMap<string, SourceSchemaResult>,
  fileOf: (kind: 'source' | 'feature_view', name: string) => string,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const sources = new Map(objects.sources.map((s) => [s.name, s]));

  for (const s of objects.sources) {
    if (s.type !== 'file') continue;
    const at = (field: string) => ({ file: fileOf('source', s.name), kind: 'source' as const, object: s.name, field });
    const read = schemas.get(s.name);
    if (read === undefined) continue;
    if (read.status === 'not_found') {
      issues.push(issue('source_not_found', at('path'), `no file matches ${s.path}; its columns were not checked`, 'warning'));
      continue;
    }
    if (read.status === 'unreadable') {
      issues.push(issue('unreadable_source', at('path'), `cannot read the schema of ${s.path}: ${read.message}`));
      continue;
    }
    const { columns, file } = read.schema;
    const list = [...columns.keys()].join(', ');
    const timestamps: [string, string | null][] = [
      ['timestampField', s.timestampField],
      ['createdTimestampColumn', s.createdTimestampColumn],
      ['datePartitionColumn', s.datePartitionColumn],
    ];
    for (const [field, column] of timestamps) {
      if (column === null) continue;
      const t = columns.get(column);
      if (t === undefined) {
        issues.push(issue('missing_source_column', at(field), `column ${column} is not in ${file} (columns: ${list})`));
      } else if (field !== 'datePartitionColumn' && !isTimestampColumn(t)) {
        issues.push(issue('source_type_mismatch', at(field), `column ${column} in ${file} is ${describeColumnType(t)}, not a timestamp`));
      }
    }
    for (const column of Object.keys(s.fieldMapping)) {
      if (!columns.has(column)) {
        issues.push(issue('missing_source_column', at(`fieldMapping.${column}`), `mapped column ${column} is not in ${file} (columns: ${list})`));
      }
    }
  }

  for (const v of objects.featureViews) {
    const source = batchSourceOf(sources, v.source);
    const read = source === null ? undefined : schemas.get(source.name);
    if (source === null || read?.status !== 'ok') continue;
    const { columns, file } = read.schema;
    const inverse = new Map(Object.entries(source.fieldMapping).map(([from, to]) => [to, from]));
    for (const f of [...v.entityColumns, ...v.features]) {
      const column = inverse.get(f.name) ?? f.name;
      const at = { file: fileOf('feature_view', v.name), kind: 'feature_view' as const, object: v.name, field: `schema.${f.name}` };
      const t = columns.get(column);
      const role = v.entityColumns.includes(f) ? 'join key' : 'feature';
      if (t === undefined) {
        issues.push(
          issue('missing_source_column', at, `${role} ${f.name} has no column ${column} in ${file} (source ${source.name}; columns: ${[...columns.keys()].join(', ')})`),
        );
      } else if (!dtypeAccepts(f.dtype, t)) {
        issues.push(
          issue('source_type_mismatch', at, `${role} ${f.name} is declared ${f.dtype} but column ${column} in ${file} is ${describeColumnType(t)}`),
        );
      }
    }
  }
  return issues;
}
