import { formatTtl } from '../../src/core/schema/ttl.ts';
import type { RegistryDocument } from '../../src/core/schema/registry-document.ts';
import { type CliIo, EXIT_OK, parseCommandArgs, UsageError } from './cli-io.ts';
import { formatTable } from './format-table.ts';
import { readAppliedRegistry } from './repo-context.ts';

export const LIST_HELP = `larder list entities|sources|feature-views|on-demand-feature-views|feature-services [--repo DIR] [--json]
  List the applied objects of one kind.`;

type Lister = (r: RegistryDocument) => { header: string[]; rows: string[][]; json: unknown[] };

const LISTERS: Readonly<Record<string, Lister>> = {
  entities: (r) => ({
    header: ['NAME', 'JOIN KEYS', 'DESCRIPTION'],
    rows: r.entities.map((e) => [e.name, e.joinKeys.map((k) => `${k.name}:${k.valueType}`).join(', '), e.description]),
    json: r.entities,
  }),
  sources: (r) => ({
    header: ['NAME', 'TYPE', 'DETAIL'],
    rows: r.sources.map((s) => [
      s.name,
      s.type,
      s.type === 'file' ? `${s.path} (${s.format})` : s.type === 'push' ? `batch source ${s.batchSource}` : s.schema.map((f) => f.name).join(', '),
    ]),
    json: r.sources,
  }),
  'feature-views': (r) => ({
    header: ['NAME', 'ENTITIES', 'FEATURES', 'SOURCE', 'TTL', 'ONLINE'],
    rows: r.featureViews.map((v) => [
      v.name,
      v.entities.join(', '),
      v.features.map((f) => f.name).join(', '),
      v.source,
      formatTtl(v.ttlSeconds),
      v.online ? 'yes' : 'no',
    ]),
    json: r.featureViews,
  }),
  'on-demand-feature-views': (r) => ({
    header: ['NAME', 'SOURCES', 'FEATURES', 'TRANSFORMATION'],
    rows: r.onDemandFeatureViews.map((v) => [
      v.name,
      v.sources.map((s) => s.name).join(', '),
      v.features.map((f) => f.name).join(', '),
      `${v.transformation.module}#${v.transformation.function}`,
    ]),
    json: r.onDemandFeatureViews,
  }),
  'feature-services': (r) => ({
    header: ['NAME', 'VIEWS', 'PRECOMPUTE'],
    rows: r.featureServices.map((s) => [
      s.name,
      s.projections.map((p) => (p.alias === null ? p.view : `${p.view} as ${p.alias}`)).join(', '),
      s.precompute ? 'yes' : 'no',
    ]),
    json: r.featureServices,
  }),
};

export async function list(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { repo: { type: 'string' }, json: { type: 'boolean' } }, true);
  if (values.help) {
    io.out(LIST_HELP);
    return EXIT_OK;
  }
  const what = positionals[0];
  const lister = what === undefined ? undefined : LISTERS[what];
  if (lister === undefined || positionals.length > 1) {
    throw new UsageError(`list what? one of ${Object.keys(LISTERS).join(', ')}`);
  }
  const read = await readAppliedRegistry(io, values.repo);
  if (typeof read === 'number') return read;
  const { header, rows, json } = lister(read.registry);
  if (values.json) io.out(JSON.stringify(json, null, 2));
  else for (const line of formatTable(header, rows)) io.out(line);
  return EXIT_OK;
}
