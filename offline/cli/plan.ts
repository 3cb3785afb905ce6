import { planRegistry } from '../../src/core/registry/plan.ts';
import { loadRepo } from '../repo/load-repo.ts';
import { type CliIo, EXIT_OK, EXIT_USER, parseCommandArgs, printError, printIssues, resolveRepo } from './cli-io.ts';
import { formatPlan } from './format-plan.ts';
import { openRegistryStore } from './open-store.ts';

export const PLAN_HELP = `larder plan [--repo DIR] [--json]
  Validate the repo's definitions and show what apply would change (added, changed and
  removed objects, field by field), without writing.`;

export async function plan(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, { repo: { type: 'string' }, json: { type: 'boolean' } }, false);
  if (values.help) {
    io.out(PLAN_HELP);
    return EXIT_OK;
  }
  const repo = await loadRepo(resolveRepo(io, values.repo));
  printIssues(io, repo.issues);
  if (!repo.ok) return EXIT_USER;
  const opened = await openRegistryStore(repo.dir, repo.config.registry, repo.config);
  try {
    const current = await opened.store.read(repo.config.project);
    if (!current.ok) return printError(io, current.error);
    const p = planRegistry(current.value, repo.config.project, repo.build.objects);
    if (values.json) io.out(JSON.stringify(p, null, 2));
    else for (const line of formatPlan(p)) io.out(line);
    return EXIT_OK;
  } finally {
    await opened.close();
  }
}
