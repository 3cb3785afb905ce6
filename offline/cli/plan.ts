import { planRegistry } from '../../src/core/registry/plan.ts';
import { loadRepo } from '../repo/load-repo.ts';
import { type CliIo, EXIT_OK, EXIT_USER, parseCommandArgs, printError, printIssues, resolveRepo } from './cli-io.ts';
import { formatPlan } from './format-plan.ts';
import { openRegistryStore } from './open-store.ts';
import { postApply } from './remote-apply.ts';
import { remoteOption } from './remote-target.ts';

export const PLAN_HELP = `larder plan [--repo DIR] [--json] [--remote URL [--token T]]
  Validate the repo's definitions and show what apply would change (added, changed and
  removed objects, field by field), without writing. --remote URL plans against a deployed
  larder Worker's registry (or larder serve's), as apply --remote would apply it.`;

export async function plan(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, { repo: { type: 'string' }, json: { type: 'boolean' }, remote: { type: 'string' }, token: { type: 'string' } }, false);
  if (values.help) {
    io.out(PLAN_HELP);
    return EXIT_OK;
  }
  const remote = remoteOption(values);
  const repo = await loadRepo(resolveRepo(io, values.repo));
  printIssues(io, repo.issues);
  if (!repo.ok) return EXIT_USER;
  if (remote !== null) {
    const r = await postApply(remote, repo.build.objects, { dryRun: true });
    if (!r.ok) return printError(io, r.error);
    if (values.json) io.out(JSON.stringify(r.value.plan, null, 2));
    else for (const line of formatPlan(r.value.plan)) io.out(line);
    return EXIT_OK;
  }
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
