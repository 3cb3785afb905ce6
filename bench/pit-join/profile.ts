/**
 * Where the kernel side of bench/pit-join spends its time: runs the
 * partitioned join 3 times per configuration and prints the time spent in
 * each kernel export (the rest, "host", is copying chunks in and mapping
 * answers back). Not part of `npm run bench:pit`.
 *
 *   npx node --max-old-space-size=20000 bench/pit-join/profile.ts 1m '[{}, {"partitions": 4}]'
 */
import { readFile } from 'node:fs/promises';
import { unwrap } from '../../src/core/errors.ts';
import { loadKernel, pitJoin, type KernelInstance } from '../../src/kernel/index.ts';
import { entities, features, SIZES, TTL_US } from './data.ts';

const size = process.argv[2] === '10m' ? '10m' : '1m';
const configs = JSON.parse(process.argv[3] ?? '[{}]') as Record<string, number>[];
const { entities: n, features: m } = SIZES[size];
const k = await loadKernel(await WebAssembly.compile(await readFile(new URL('../../build/kernel.wasm', import.meta.url))));

// Time every export call made through k.fn.
const spent: Record<string, number> = {};
const plain = k.fn.bind(k);
(k as { fn: KernelInstance['fn'] }).fn = ((name: string) => {
  const f = plain<(...a: unknown[]) => number>(name);
  return (...a: unknown[]) => {
    const t = performance.now();
    const r = f(...a);
    spent[name] = (spent[name] ?? 0) + performance.now() - t;
    return r;
  };
}) as KernelInstance['fn'];

const ent = entities(n);
const feat = features(m);
const e = { keys: new BigUint64Array(ent.key.buffer), ts: ent.ts };
const f = { keys: new BigUint64Array(feat.key.buffer), eventTs: feat.eventTs, createdTs: feat.createdTs };
const into = new Int32Array(n);
for (let rep = 0; rep < 3; rep++) {
  for (const c of configs) {
    for (const key of Object.keys(spent)) delete spent[key];
    const t = performance.now();
    unwrap(pitJoin(k, e, f, { ttl: BigInt(TTL_US), rawKeys: true, into, ...c }));
    const total = performance.now() - t;
    const inKernel = Object.values(spent).reduce((a, b) => a + b, 0);
    const parts = Object.entries(spent).filter(([, v]) => v >= 1).map(([name, v]) => `${name.replace('pit_', '')} ${v.toFixed(0)}`);
    console.log(`${JSON.stringify(c)} total ${total.toFixed(0)} ms: host ${(total - inKernel).toFixed(0)}, ${parts.join(', ')}`);
  }
}
