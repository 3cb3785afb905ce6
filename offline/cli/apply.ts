import { applyRegistry } from '../../src/stores/registry/apply-registry.ts';
import { loadRepo } from '../repo/load-repo.ts';
import { type CliIo, EXIT_OK, EXIT_USER, parseCommandArgs, printError, printIssues, resolveRepo, UsageError } from './cli-io.ts';
import { formatPlan } from './format-plan.ts';
import { openRegistryStore } from './open-store.ts';

export const APPLY_HELP = `larder apply [--repo DIR] [--expect-version N]
  Validate the definitions (reading the source files' schemas), then write the registry
  atomically. Apply is total: objects no longer defined are removed. Nothing changes when
  nothing differs. With --expect-version, refuse (conflict) unless the registry is still at N.`;

export async function apply(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, { repo: { type: 'string' }, 'expect-version': { type: 'string' } }, false);
  if (values.help) {
    io.out(APPLY_HELP);
    return EXIT_OK;
  }
  let expectedVersion: number | undefined;
  if (values['expect-version'] !== undefined) {
    expectedVersion = Number(values['expect-version']);
    if (!Number.isSafeInteger(expectedVersion) || expectedVersion < 0) throw new UsageError('--expect-version takes a registry version (an integer >= 0)');
  }
  const repo = await loadRepo(resolveRepo(io, values.repo));
  printIssues(io, repo.issues);
  if (!repo.ok) return EXIT_USER;
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
