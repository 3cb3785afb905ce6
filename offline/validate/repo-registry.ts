// The registry of a feature repo's current definitions (not necessarily applied),
// as historical retrieval builds it: validation checks what the repo declares.
import { err, ok, type Result } from '../../src/core/errors.ts';
import { nextRegistry } from '../../src/core/registry/plan.ts';
import { indexRegistry, type RegistryIndex } from '../../src/core/registry/registry-index.ts';
import { formatIssue } from '../../src/core/registry/validation-issue.ts';
import { syncPushedFromR2 } from '../ingest/local-r2.ts';
import { loadRepo } from '../repo/load-repo.ts';

export async function repoRegistry(dir: string): Promise<Result<RegistryIndex>> {
  const loaded = await loadRepo(dir, { checkSources: false });
  if (!loaded.ok) {
    const first = loaded.issues.find((i) => i.severity === 'error') ?? loaded.issues[0];
    return err('invalid_request', `cannot load the feature repo ${dir}: ${first === undefined ? 'invalid definitions' : formatIssue(first)}`, { issues: loaded.issues });
  }
  const pulled = await syncPushedFromR2(loaded.dir, loaded.config);
  if (!pulled.ok) return pulled;
  const now = new Date().toISOString();
  const { next } = nextRegistry(null, loaded.config.project, loaded.build.objects, now);
  if (next === null) return err('invalid_request', `the feature repo ${dir} defines nothing`);
  return ok(indexRegistry(next));
}
