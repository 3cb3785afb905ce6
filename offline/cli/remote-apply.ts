// The client side of a larder server's POST /apply: `apply --remote` and `plan --remote`.
import { err, ok, type FsError, type Result } from '../../src/core/errors.ts';
import type { RegistryPlan } from '../../src/core/registry/plan.ts';
import type { RegistryObjects } from '../../src/core/schema/registry-document.ts';
import type { RemoteTarget } from '../materialize/remote-sink.ts';

export interface RemoteApplied {
  readonly version: number;
  readonly written: boolean;
  readonly plan: RegistryPlan;
}

/** POST the repo's objects to `<url>/apply` (with `dry_run`, only the plan comes back). */
export async function postApply(remote: RemoteTarget, objects: RegistryObjects, options: { expectedVersion?: number; dryRun?: boolean } = {}): Promise<Result<RemoteApplied>> {
  let res: Response;
  try {
    res = await (remote.fetch ?? fetch)(`${remote.url}/apply`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(remote.token && { authorization: `Bearer ${remote.token}` }) },
      body: JSON.stringify({ objects, ...(options.expectedVersion !== undefined && { expect_version: options.expectedVersion }), ...(options.dryRun && { dry_run: true }) }),
    });
  } catch (e) {
    return err('store_unavailable', `cannot reach ${remote.url}: ${(e as Error).message}`);
  }
  const body = (await res.json().catch(() => null)) as { error?: FsError; version?: number; written?: boolean; plan?: RegistryPlan } | null;
  if (res.ok && body?.plan !== undefined && typeof body.version === 'number') return ok({ version: body.version, written: body.written === true, plan: body.plan });
  const e = body?.error;
  return e !== undefined && typeof e.code === 'string' ? err(e.code, e.message, e.details) : err('store_unavailable', `${remote.url}/apply answered HTTP ${res.status}`);
}
