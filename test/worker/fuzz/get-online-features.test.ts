// Fuzz POST /get-online-features in workerd (see harness.ts for what every request must satisfy).
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import { getOnlineFeaturesBody, postRequests } from './arbitraries.ts';
import { check, makeTargets, report, RUNS, seed } from './harness.ts';

const targets = makeTargets();
beforeAll(async () => {
  for (const t of targets.both) await seed(t);
});

it(`POST /get-online-features: ${RUNS} generated requests, never a 5xx or a hang, always the error envelope`, async () => {
  await fc.assert(
    fc.asyncProperty(postRequests('/get-online-features', getOnlineFeaturesBody), async (r) => {
      await check(targets.pick(), r, { write: false });
    }),
    { numRuns: RUNS },
  );
  for (const t of targets.both) report('get-online-features', t);
  // the generator reaches past validation: some requests succeed, some fail in serving
  const statuses = new Set(targets.both.flatMap((t) => [...t.stats.byStatus.keys()]));
  expect(statuses.has(200)).toBe(true);
  expect(statuses.has(400)).toBe(true);
}, 120_000);
