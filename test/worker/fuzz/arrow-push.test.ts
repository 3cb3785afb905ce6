// Fuzz POST /push with Arrow IPC stream bodies (Content-Type
// application/vnd.apache.arrow.stream) in workerd: valid streams built from
// the fixture's push source, then truncated, bit-flipped, spliced, given huge
// declared metadata/body lengths, or replaced by random bytes; query
// parameters right and wrong. Same invariants as the JSON endpoints
// (harness.ts): never a 5xx or a hang, the error envelope, a rejected push
// reaches no store.
import { Bool, Float32, Float64, Int64, makeData, makeVector, Table, tableToIPC, TimestampMicrosecond, TimestampSecond, Utf8, vectorFromArray } from 'apache-arrow';
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import { check, makeTargets, report, RUNS, seed, snapshotAll, type GenRequest } from './harness.ts';

const ARROW = 'application/vnd.apache.arrow.stream';
const targets = makeTargets();
beforeAll(async () => {
  for (const t of targets.both) await seed(t);
});

function stream(n: number, variant: number): Uint8Array {
  const ids = Array.from({ length: n }, (_, i) => BigInt(1 + ((i * 7 + variant) % 50)));
  const us = BigInt(Date.parse('2021-12-31T23:00:00Z')) * 1000n + BigInt(variant);
  const cols: Record<string, ReturnType<typeof vectorFromArray>> = {
    driver_id: vectorFromArray(ids, new Int64()),
    event_timestamp: makeVector(makeData({ type: variant % 5 === 4 ? new TimestampSecond() : new TimestampMicrosecond(), length: n, data: BigInt64Array.from(ids, () => (variant % 5 === 4 ? us / 1_000_000n : us)) })) as never,
    conv_rate: vectorFromArray(ids.map((i) => Number(i) / 100), new Float32()),
    acc_rate: vectorFromArray(ids.map(() => 0.5), variant % 3 === 1 ? new Float64() : new Float32()),
    avg_daily_trips: vectorFromArray(ids, new Int64()),
  };
  if (variant % 4 === 2) delete cols.avg_daily_trips; // a missing column: 422
  if (variant % 6 === 5) cols.extra = vectorFromArray(ids.map(String), new Utf8()) as never;
  if (variant % 7 === 6) cols.conv_rate = vectorFromArray(ids.map(() => true), new Bool()) as never; // wrong type
  return tableToIPC(new Table(cols), 'stream');
}

const valid: Uint8Array[] = [];
for (let v = 0; v < 12; v++) valid.push(stream(1 + (v % 5), v));

/** Where the record batch's body (the column buffers) lies: after the schema and the batch's flatbuffer header. */
function bodyRange(b: Uint8Array): [number, number] {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const schemaEnd = 8 + dv.getInt32(4, true);
  return [schemaEnd + 8 + dv.getInt32(schemaEnd + 4, true), b.length - 8];
}

// Bit flips hit any byte half the time (framing and flatbuffer metadata: schema and record-batch
// header, which src/core/arrow/check-ipc.ts checks before apache-arrow decodes) and the record
// batch's body bytes otherwise; overwrites and splices hit only the body.
const mutated: fc.Arbitrary<Uint8Array> = fc.tuple(fc.nat({ max: valid.length - 1 }), fc.nat(), fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 16 })).chain(([i, a, b, junk]) => {
  const src = valid[i];
  const [lo, hi] = bodyRange(src);
  const inBody = (k: number) => lo + (k % Math.max(1, hi - lo));
  const opts = [
    src, // untouched
    src.subarray(0, a % src.length), // truncated
    (() => {
      const x = src.slice();
      x[a % 2 === 0 ? (a >> 1) % src.length : inBody(a)] ^= 1 << (b % 8); // one bit flipped, anywhere or in the body
      return x;
    })(),
    (() => {
      const x = src.slice();
      for (let k = 0; k < 8; k++) x[inBody(a + k * 131)] = junk[k % junk.length]; // bytes overwritten
      return x;
    })(),
    (() => {
      const x = src.slice();
      // a message length right after the 0xFFFFFFFF continuation marker, made huge or negative
      new DataView(x.buffer).setInt32(4, [0x7fffffff, -8, 0x10000000, 1][b % 4], true);
      return x;
    })(),
    Uint8Array.from([...src.subarray(0, inBody(a)), ...junk, ...src.subarray(inBody(a))]), // spliced into the body
    Uint8Array.from([...src, ...src]), // two streams back to back
    junk, // random bytes
    new Uint8Array(0), // empty
    Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]), // continuation + huge length, no body
    new TextEncoder().encode('ARROW1\0\0'), // file magic in a stream body
  ];
  // Mostly broken bodies: an accepted push costs a store write, ~10x a refused one.
  return fc.integer({ min: 0, max: 19 }).map((k) => opts[k === 0 ? 0 : k <= 2 ? 1 : k <= 4 ? 2 : 3 + (k % (opts.length - 3))]);
});

const query = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('?push_source_name=driver_push', '?push_source_name=driver_push&to=online') },
  { weight: 1, arbitrary: fc.constantFrom('?push_source_name=driver_push&to=offline', '?push_source_name=driver_push&to=online_and_offline') }, // R2 puts are slow locally
  { weight: 1, arbitrary: fc.constantFrom('', '?push_source_name=', '?push_source_name=nope', '?push_source_name=driver_src', '?push_source_name=driver_push&to=elsewhere', '?push_source_name=%ZZ', '?push_source_name=driver_push&push_source_name=x', `?push_source_name=${'a'.repeat(3000)}`, '?push_source_name=%00') },
);

const arrowRequests: fc.Arbitrary<GenRequest> = fc.record({
  method: fc.oneof({ weight: 12, arbitrary: fc.constant('POST') }, { weight: 1, arbitrary: fc.constantFrom('PUT', 'GET') }),
  path: query.map((q) => `/push${q}`),
  headers: fc.oneof({ weight: 8, arbitrary: fc.constant(ARROW) }, { weight: 1, arbitrary: fc.constantFrom('application/vnd.apache.arrow.stream; charset=binary', 'APPLICATION/VND.APACHE.ARROW.STREAM', 'application/vnd.apache.arrow.file', 'application/octet-stream') }).map((t) => ({ 'content-type': t })),
  body: mutated,
});

it(`POST /push (Arrow IPC): ${RUNS} generated bodies, never a 5xx or a hang, a rejected push reaches no store`, async () => {
  await fc.assert(
    fc.asyncProperty(arrowRequests, async (r) => {
      await check(targets.pick(), r, { write: true });
    }),
    { numRuns: RUNS },
  );
  for (const t of targets.both) report('push (arrow)', t);
  const codes = new Set(targets.both.flatMap((t) => [...t.stats.byCode.keys()]));
  const statuses = new Set(targets.both.flatMap((t) => [...t.stats.byStatus.keys()]));
  expect(statuses.has(200)).toBe(true);
  expect(codes.has('invalid_arrow')).toBe(true);
}, 180_000);

it('truncated Arrow bodies are all refused and leave every store byte as it was', async () => {
  const before = await snapshotAll();
  for (const src of valid)
    for (let cut = 0; cut < src.length; cut += 7) {
      const status = await check(targets.pick(), { method: 'POST', path: '/push?push_source_name=driver_push&to=online_and_offline', headers: { 'content-type': ARROW }, body: src.subarray(0, cut) }, { write: true });
      expect(status).toBeGreaterThanOrEqual(400);
    }
  expect(await snapshotAll()).toBe(before);
}, 60_000);
