import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeParquetWorkers, openParquet, readRowGroups, type ReadOptions } from '../../../offline/parquet/index.ts';
import { rng } from '../../support/rng.ts';
import { duck, tempDir } from './support.ts';

const tmp = tempDir();
let good: Uint8Array;
let goodPath: string;

beforeAll(async () => {
  const db = await duck();
  goodPath = tmp.file('good.parquet');
  await db.run(`COPY (SELECT i::BIGINT AS k, i / 3.0 AS x, CASE WHEN i % 5 = 0 THEN NULL ELSE 'c' || (i % 7) END AS s,
    TIMESTAMP '2024-01-01' + INTERVAL (i) SECOND AS t, i % 2 = 0 AS b FROM range(3000) t(i))
    TO '${goodPath}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
  good = readFileSync(goodPath);
});

afterAll(async () => {
  await closeParquetWorkers();
  tmp.remove();
});

const ERROR_CODES = ['corrupt_file', 'unsupported_parquet'];

/** Read a whole file; returns 'ok' or the error (never throws, never hangs). */
async function attempt(path: string, opts: ReadOptions = {}): Promise<'ok' | { code: string; file?: unknown }> {
  const r = await readRowGroups(path, { workers: 0, ...opts, onBatch: () => {} });
  return r.ok ? 'ok' : { code: r.error.code, file: r.error.details?.file };
}

function write(name: string, bytes: Uint8Array | string): string {
  const p = tmp.file(name);
  writeFileSync(p, bytes);
  return p;
}

describe('parquet reader on corrupt files', () => {
  it('names the file in corrupt_file errors: not Parquet, empty, bad magic, bad footer length', async () => {
    const cases: [string, Uint8Array | string][] = [
      ['text.parquet', 'hello, this is not a parquet file at all'],
      ['empty.parquet', new Uint8Array(0)],
      ['tiny.parquet', 'PAR1PAR1'],
      ['magic.parquet', Uint8Array.from(good, (b, i) => (i === good.length - 1 ? 0 : b))],
      ['footlen.parquet', (() => {
        const b = good.slice();
        new DataView(b.buffer).setUint32(b.length - 8, 0x7fffffff, true);
        return b;
      })()],
    ];
    for (const [name, bytes] of cases) {
      const p = write(name, bytes);
      const r = await openParquet(p);
      expect(r.ok, name).toBe(false);
      if (!r.ok) {
        expect(r.error.code, name).toBe('corrupt_file');
        expect(r.error.details?.file).toBe(p);
        expect(r.error.message).toContain(p);
      }
    }
  });

  it('truncated files fail with corrupt_file at every cut', async () => {
    for (const cut of [4, 100, Math.floor(good.length / 2), good.length - 9, good.length - 1]) {
      const r = await attempt(write(`cut-${cut}.parquet`, good.subarray(0, cut)));
      expect(r, `cut at ${cut}`).toMatchObject({ code: 'corrupt_file' });
    }
  });

  it('a data region cut out from under the footer fails as corrupt_file (kernel and workers)', async () => {
    // Keep the footer, zero the middle: page headers become garbage.
    const b = good.slice();
    b.fill(0, 4, Math.floor(b.length / 2));
    const p = write('zeroed.parquet', b);
    expect(await attempt(p)).toMatchObject({ code: 'corrupt_file', file: p });
    expect(await attempt(p, { workers: 2 })).toMatchObject({ code: 'corrupt_file', file: p });
    expect(await attempt(p, { fastPath: false })).toMatchObject({ code: 'corrupt_file', file: p });
  });

  it('random byte damage never crashes, hangs or throws: each read succeeds or returns an error value', async () => {
    const r = rng(909);
    let errors = 0;
    const t0 = Date.now();
    for (let c = 0; c < 300; c++) {
      const b = good.slice();
      const flips = r.int(1, 8);
      for (let j = 0; j < flips; j++) {
        // Bias towards the footer and page headers, where damage matters most.
        const at = r.bool(0.4) ? r.int(Math.max(0, b.length - 600), b.length - 1) : r.int(0, b.length - 1);
        b[at] = r.bool(0.5) ? r.int(0, 255) : b[at] ^ (1 << r.int(0, 7));
      }
      const res = await attempt(write('flip.parquet', b), { fastPath: c % 10 !== 0 });
      if (res !== 'ok') {
        errors++;
        expect(ERROR_CODES).toContain(res.code);
      }
    }
    expect(errors).toBeGreaterThan(30);
    expect(Date.now() - t0).toBeLessThan(15_000);
  });
});
