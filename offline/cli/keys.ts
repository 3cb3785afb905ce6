// `larder keys create|list|revoke`: API keys for the HTTP API, kept hashed in the repo's
// metadata store (beside the registry: data/metadata/ for a file registry, else the local
// D1/KV state `larder dev` serves from).
import { ROLES, Role } from '../../src/core/auth/roles.ts';
import { ProjectName } from '../../src/core/schema/project-config.ts';
import type { MetadataStore } from '../../src/stores/metadata/metadata-store.ts';
import { createApiKey, getApiKeyRecord, listApiKeys, revokeApiKey } from '../../src/worker/auth/api-key-admin.ts';
import { apiKeyKv, apiKeySql } from '../auth/key-export.ts';
import { type CliIo, EXIT_OK, parseCommandArgs, printError, UsageError } from './cli-io.ts';
import { withRepoStores } from './repo-context.ts';
import { formatTable } from './format-table.ts';

export const KEYS_HELP = `larder keys create --role ROLE [--role ROLE...] [--project P] [--name N] [--repo DIR]
larder keys list [--project P | --all] [--json] [--repo DIR]
larder keys revoke ID [--repo DIR]
larder keys export ID [--format sql|kv] [--repo DIR]
  API keys for the HTTP API (when larder.yaml has an auth section). create prints the key once,
  alone on stdout (the store keeps only a salted SHA-256 hash). Roles (repeat --role or separate
  with commas): ${ROLES.join(', ')}.
  --project defaults to the repo's project. revoke takes the id (or the whole key); servers
  refuse a revoked key within auth.key_cache_seconds.
  These work on the local stores; export prints a key's record (a hash, no secret) for a deployed
  Worker: sql for \`wrangler d1 execute DB --remote --file\`, kv as KEY and VALUE lines for
  \`wrangler kv key put --remote\`. Export again after a revoke to revoke it there.`;

const OPTIONS = {
  repo: { type: 'string' },
  role: { type: 'string', multiple: true },
  project: { type: 'string' },
  name: { type: 'string' },
  all: { type: 'boolean' },
  json: { type: 'boolean' },
  format: { type: 'string' },
} as const;

export async function keysCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, OPTIONS, true);
  if (values.help) {
    io.out(KEYS_HELP);
    return EXIT_OK;
  }
  const [verb, ...rest] = positionals;
  if (verb !== 'create' && verb !== 'list' && verb !== 'revoke' && verb !== 'export') throw new UsageError('expected create, list, revoke or export');
  const only = (allowed: readonly string[]) => {
    for (const k of ['role', 'project', 'name', 'all', 'json', 'format'] as const)
      if (values[k] !== undefined && !allowed.includes(k)) throw new UsageError(`keys ${verb} does not take --${k}`);
  };
  const takesId = verb === 'revoke' || verb === 'export';
  if (takesId ? rest.length !== 1 : rest.length !== 0) throw new UsageError(takesId ? `keys ${verb} takes one key id` : `keys ${verb} takes no arguments`);
  if (values.project !== undefined && !ProjectName.safeParse(values.project).success) throw new UsageError('--project must be a project name');
  if (verb === 'create') only(['role', 'project', 'name']);
  if (verb === 'list') only(['project', 'all', 'json']);
  if (verb === 'revoke') only([]);
  if (verb === 'export') only(['format']);
  if (values.format !== undefined && values.format !== 'sql' && values.format !== 'kv') throw new UsageError('--format is sql or kv');
  if (values.all && values.project !== undefined) throw new UsageError('give --project or --all, not both');

  let roles: Role[] = [];
  if (verb === 'create') {
    const names = (values.role ?? []).flatMap((r) => r.split(',')).map((r) => r.trim()).filter((r) => r !== '');
    if (names.length === 0) throw new UsageError(`keys create needs --role (${ROLES.join(', ')})`);
    for (const n of names) if (!Role.safeParse(n).success) throw new UsageError(`unknown role "${n}" (roles: ${ROLES.join(', ')})`);
    roles = names as Role[];
    if (values.name !== undefined && (values.name.length > 200 || /[\u0000-\u001f\u007f]/.test(values.name)))
      throw new UsageError('--name has at most 200 characters and no control characters');
  }

  return withRepoStores(io, values.repo, { online: false }, async ({ config, stores }) => {
    const metadata: MetadataStore = stores.metadata;
    if (verb === 'create') {
      const project = values.project ?? config.project;
      const r = await createApiKey(metadata, { project, roles, name: values.name ?? '' });
      if (!r.ok) return printError(io, r.error);
      const s = r.value.summary;
      io.out(r.value.key);
      io.err(`Created API key ${s.id} for project ${s.project} (roles: ${s.roles.join(', ')}) in ${stores.registryWhere === '' ? 'the metadata store' : `the metadata store beside ${stores.registryWhere}`}.`);
      io.err('This is the only time the key is shown: larder stores only a salted hash. Send it as "Authorization: Bearer <key>".');
      if (config.auth === undefined) io.err('warning: larder.yaml has no auth section, so the API is open and keys are not checked yet.');
      return EXIT_OK;
    }
    if (verb === 'list') {
      const r = await listApiKeys(metadata, values.all ? undefined : (values.project ?? config.project));
      if (!r.ok) return printError(io, r.error);
      if (values.json) {
        io.out(JSON.stringify(r.value, null, 2));
        return EXIT_OK;
      }
      const rows = r.value.map((k) => [k.id, k.name, k.project, k.roles.join(','), k.createdAt, k.revokedAt ?? '-']);
      for (const line of formatTable(['ID', 'NAME', 'PROJECT', 'ROLES', 'CREATED', 'REVOKED'], rows)) io.out(line);
      return EXIT_OK;
    }
    if (verb === 'export') {
      const rec = await getApiKeyRecord(metadata, rest[0]);
      if (!rec.ok) return printError(io, rec.error);
      if (values.format === 'kv') {
        const { key, value } = apiKeyKv(rec.value);
        io.out(key);
        io.out(value);
      } else io.out(apiKeySql(rec.value));
      return EXIT_OK;
    }
    const r = await revokeApiKey(metadata, rest[0]);
    if (!r.ok) return printError(io, r.error);
    const s = r.value.summary;
    io.out(r.value.already ? `API key ${s.id} was already revoked (${s.revokedAt}).` : `Revoked API key ${s.id} (project ${s.project}) at ${s.revokedAt}.`);
    return EXIT_OK;
  });
}
