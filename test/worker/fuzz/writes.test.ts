// Fuzz the write endpoints, POST /write-to-online-store and POST /push (JSON),
// in workerd (see harness.ts for the invariants, including: a rejected write
// reaches no store, and periodically the stores' bytes are compared).
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import { jsonContentType, postRequests, pushBody, rejectedJson, writeBody } from './arbitraries.ts';
import { check, makeTargets, report, RUNS, seed, snapshotAll, type GenRequest } from './harness.ts';

const targets = makeTargets();
beforeAll(async () => {
  for (const t of targets.both) await seed(t);
});

for (const [path, body] of [['/write-to-online-store', writeBody], ['/push', pushBody]] as const) {
  it(`POST ${path}: ${RUNS} generated requests, never a 5xx or a hang, a rejected write changes nothing`, async () => {
    await fc.assert(
      fc.asyncProperty(postRequests(path, body), async (r) => {
        await check(targets.pick(), r, { write: true });
      }),
      { numRuns: RUNS },
    );
    for (const t of targets.both) report(path, t);
    const statuses = new Set(targets.both.flatMap((t) => [...t.stats.byStatus.keys()]));
    expect(statuses.has(200)).toBe(true); // valid-shaped requests reach the store
    expect(statuses.has(422)).toBe(true); // and wrong rows are refused by row validation
  }, 180_000);
}

it('a batch of requests that must all be rejected leaves every store byte as it was', async () => {
  const before = await snapshotAll();
  const garbage: fc.Arbitrary<GenRequest> = fc.record({
    method: fc.constant('POST'),
    path: fc.constantFrom('/write-to-online-store', '/push'),
    headers: jsonContentType.map((t) => ({ 'content-type': t })),
    body: fc.oneof(rejectedJson(writeBody), rejectedJson(pushBody)),
  });
  let accepted = 0;
  await fc.assert(
    fc.asyncProperty(garbage, async (r) => {
      if ((await check(targets.pick(), r, { write: true })) < 300) accepted++;
    }),
    { numRuns: 1000 },
  );
  expect(accepted).toBe(0);
  expect(await snapshotAll()).toBe(before);
}, 60_000);
