import type { RegistryPlan } from '../../src/core/registry/plan.ts';

const SIGN = { add: '+', change: '~', remove: '-' } as const;
const show = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v));

/** The plan as lines: one per object, then one per changed field, then a summary. */
export function formatPlan(plan: RegistryPlan): string[] {
  if (plan.changes.length === 0) return [`No changes: the registry of ${plan.project} is at version ${plan.baseVersion}.`];
  const lines = [`Plan for ${plan.project}: registry version ${plan.baseVersion} -> ${plan.nextVersion}`];
  for (const c of plan.changes) {
    lines.push(`  ${SIGN[c.action]} ${c.kind} ${c.name}`);
    for (const f of c.fields) lines.push(`      ${f.path}: ${show(f.before)} -> ${show(f.after)}`);
  }
  const count = (a: string) => plan.changes.filter((c) => c.action === a).length;
  lines.push(`${count('add')} to add, ${count('change')} to change, ${count('remove')} to remove.`);
  return lines;
}
