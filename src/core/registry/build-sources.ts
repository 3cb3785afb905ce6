import { FILE_FORMATS, type DataSource, type FileFormat } from '../schema/data-source.ts';
import { isName } from '../schema/name.ts';
import { type BuildContext, buildFields, type Declared, metaOf, reporter, type SourceSpec, sortedRecord } from './build-context.ts';

const FORMAT_ALIASES: Readonly<Record<string, FileFormat>> = {
  parquet: 'parquet',
  pq: 'parquet',
  csv: 'csv',
  arrow: 'arrow',
  ipc: 'arrow',
  feather: 'arrow',
  arrows: 'arrow',
};

export function formatOfPath(path: string): FileFormat | null {
  const ext = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase();
  return ext === undefined ? null : (FORMAT_ALIASES[ext] ?? null);
}

/** A file source's format: the declared one (aliases allowed), else the path's extension. */
export function fileFormatOf(spec: { readonly format?: string; readonly path: string }): FileFormat | null {
  return spec.format !== undefined ? (FORMAT_ALIASES[spec.format.toLowerCase()] ?? null) : formatOfPath(spec.path);
}

/** Repo-relative paths are kept as written, minus a leading `./`. */
export function normalizeRepoPath(path: string): string {
  return path.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
}

export function buildSource(ctx: BuildContext, d: Declared<SourceSpec>): DataSource | null {
  const report = reporter(ctx, d);
  const spec = d.spec;
  const meta = metaOf(spec, ctx.now);
  switch (spec.kind) {
    case 'file_source': {
      let format: FileFormat | null;
      if (spec.format !== undefined) {
        format = FORMAT_ALIASES[spec.format.toLowerCase()] ?? null;
        if (format === null) report('invalid_definition', 'format', `unknown format ${JSON.stringify(spec.format)} (${FILE_FORMATS.join(', ')})`);
      } else {
        format = formatOfPath(spec.path);
        if (format === null) {
          report('invalid_definition', 'format', `cannot tell the format of ${JSON.stringify(spec.path)}: give format (${FILE_FORMATS.join(', ')})`);
        }
      }
      if (spec.path.trim() === '') report('invalid_definition', 'path', 'path is empty');
      if (spec.timestampField.trim() === '') report('invalid_definition', 'timestampField', 'timestamp_field is empty');
      for (const [column, to] of Object.entries(spec.fieldMapping ?? {})) {
        if (!isName(to)) report('invalid_name', `fieldMapping.${column}`, `field_mapping target ${JSON.stringify(to)} must be an identifier`);
      }
      if (format === null) return null;
      return {
        type: 'file',
        name: spec.name,
        path: normalizeRepoPath(spec.path),
        format,
        timestampField: spec.timestampField,
        createdTimestampColumn: spec.createdTimestampColumn || null,
        fieldMapping: sortedRecord(spec.fieldMapping),
        datePartitionColumn: spec.datePartitionColumn || null,
        ...meta,
      };
    }
    case 'push_source': {
      const batch = ctx.sources.get(spec.batchSource);
      if (batch === undefined) {
        report('unknown_reference', 'batchSource', `batch source ${spec.batchSource} is not defined`);
      } else if (batch.spec.kind !== 'file_source') {
        report('invalid_reference', 'batchSource', `batch source ${spec.batchSource} is a ${batch.spec.kind.replace('_', ' ')}, not a file source`);
      }
      return { type: 'push', name: spec.name, batchSource: spec.batchSource, ...meta };
    }
    case 'request_source':
      return { type: 'request', name: spec.name, schema: buildFields(spec.schema, report, 'schema'), ...meta };
  }
}
