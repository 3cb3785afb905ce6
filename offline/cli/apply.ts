import type { RegistryObjects } from '../../src/core/schema/registry-document.ts';
import { applyRegistry } from '../../src/stores/registry/apply-registry.ts';
import type { RemoteTarget } from '../materialize/remote-sink.ts';
import { postApply } from './remote-apply.ts';
import { remoteOption } from './remote-target.ts';
import { loadRepo } from '../repo/load-repo.ts';
import { type CliIo, EXIT_OK, EXIT_USER, parseCommandArgs, printError, printIssues, resolveRepo, UsageError } from './cli-io.ts';
import { formatPlan } from './format-plan.ts';
import { openRegistryStore } from './open-store.ts';

export const APPLY_HELP = `larder apply [--repo DIR] [--expect-version N] [--remote URL [--token T]]
  Validate the definitions (reading the source files' schemas), then write the registry
  atomically. Apply is total: objects no longer defined are removed. Nothing changes when
  nothing differs. With --expect-version, refuse (conflict) unless the registry is still at N.
  --remote URL applies to a deployed larder Worker (or larder serve) instead, through its
  POST /apply (role admin); --token T (or LARDER_TOKEN) is sent as "Authorization: Bearer T".`;

export async function apply(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, { repo: { type: 'string' }, 'expect-version': { type: 'string' }, remote: { type: 'string' }, token: { type: 'string' } }, false);
  if (values.help) {
    io.out(APPLY_HELP);
    return EXIT_OK;
  }
  let expectedVersion: number | undefined;
  if (values['expect-version'] !== undefined) {
    expectedVersion = Number(values['expect-version']);
    if (!Number.isSafeInteger(expectedVersion) || expectedVersion < 0) throw new UsageError('--expect-version takes a registry version (an integer >= 0)');
  }
  const remote = remoteOption(values);
  const repo = await loadRepo(resolveRepo(io, values.repo));
  printIssues(io, repo.issues);
  if (!repo.ok) return EXIT_USER;
  if (remote !== null) return applyRemote(io, remote, repo.build.objects, expectedVersion);
  const opened = await openRegistryStore(repo.dir, repo.config.registry, repo.config);
  try {
    const r = await applyRegistry(opened.store, repo.config.project, repo.build.objects, {
      now: new Date().toISOString(),
      ...(expectedVersion !== undefined && { expectedVersion }),
    });
    if (!r.ok) return printError(io, r.error);
    if (!r.value.written) {
      io.out(formatPlan(r.value.plan)[0] as string);
      return EXIT_OK;
    }
    for (const line of formatPlan(r.value.plan)) io.out(line);
    io.out(`Applied: the registry of ${repo.config.project} is at version ${r.value.plan.nextVersion} (${opened.where}).`);
    return EXIT_OK;
  } finally {
    await opened.close();
  }
}

/** `apply --remote`: the same objects, applied by the server's POST /apply. */
async function applyRemote(io: CliIo, remote: RemoteTarget, objects: RegistryObjects, expectedVersion: number | undefined): Promise<number> {
  const r = await postApply(remote, objects, { ...(expectedVersion !== undefined && { expectedVersion }) });
  if (!r.ok) return printError(io, r.error);
  if (!r.value.written) {
    io.out(formatPlan(r.value.plan)[0] as string);
    return EXIT_OK;
  }
  for (const line of formatPlan(r.value.plan)) io.out(line);
  io.out(`Applied: the registry of ${r.value.plan.project} is at version ${r.value.version} (remote ${remote.url}).`);
  return EXIT_OK;
}
