// Fuzz the read-only discovery endpoints, GET /registry[/LIST[/NAME]] and
// GET /openapi.json, in workerd: registry names and unicode, percent-encoding
// that does not decode, path tricks, wrong methods, headers and bodies
// (harness.ts for the invariants).
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { openapiRequests, registryRequests } from './arbitraries.ts';
import { check, makeTargets, report, RUNS } from './harness.ts';

const targets = makeTargets();

for (const [name, arb] of [['GET /registry/...', registryRequests], ['GET /openapi.json', openapiRequests]] as const) {
  it(`${name}: ${RUNS} generated requests, never a 5xx or a hang, always the error envelope`, async () => {
    const t = targets.both[0];
    const before = t.stats.requests;
    await fc.assert(
      fc.asyncProperty(arb, async (r) => {
        await check(t, r, { write: true }); // no request here may write anything
      }),
      { numRuns: RUNS },
    );
    expect(t.stats.requests - before).toBe(RUNS);
    report(name, t);
    expect(t.stats.byStatus.has(200)).toBe(true);
  }, 180_000);
}
