// Corrupt and malformed input files fed to the CLI: `larder historical
// --entities`, `larder materialize` (the view's Parquet source) and
// `larder stats --file`. Parquet truncated, bit-flipped, with a wrong magic or
// a huge declared footer length; CSV with bad quoting, wrong column counts,
// non-UTF-8 bytes, NUL, BOM; Arrow IPC truncated or garbled. Each run must
// end (timeout) with exit 0 (a mutation that left the file readable) or 1
// with exactly one line `error[code]: ...` and no stack trace; never an
// exception escaping main(), never an exit code above 2.
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Float64, Int64, makeData, makeVector, Table, tableToIPC, TimestampMicrosecond, vectorFromArray } from 'apache-arrow';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../offline/cli/main.ts';
import { closeParquetWorkers } from '../../../offline/parquet/index.ts';
import { writeParquetTable } from '../../../offline/historical/write-output.ts';

const LARDER = fileURLToPath(new URL('../../../bin/larder.js', import.meta.url));
const TIMEOUT_MS = 20_000;
let dir = '';
let repo = '';
const seeds: Record<'parquet' | 'csv' | 'arrow', Uint8Array> = { parquet: new Uint8Array(), csv: new Uint8Array(), arrow: new Uint8Array() };
let sourceParquet = new Uint8Array();

async function cli(...argv: string[]): Promise<{ code: number; err: string[]; out: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const code = await Promise.race([
    main(argv, { cwd: dir, out: (l) => out.push(l), err: (l) => err.push(l) }),
    new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(`larder ${argv.join(' ')}: no exit within ${TIMEOUT_MS} ms`)), TIMEOUT_MS))),
  ]).finally(() => clearTimeout(timer));
  return { code, err, out };
}

/** The contract for a user-error exit: code 0 or 1; on 1, one line `error[code]: message`, no stack. */
function expectCleanExit(r: { code: number; err: string[] }, what: string) {
  expect([0, 1], `${what}: exit ${r.code}: ${r.err.join('\n')}`).toContain(r.code);
  if (r.code === 1) {
    expect(r.err.length, `${what}: ${r.err.join('\n')}`).toBe(1);
    expect(r.err[0], what).toMatch(/^error\[[a-z_]+\]: \S/);
    expect(r.err[0], what).not.toMatch(/\n|\s+at \S+ \(|\.ts:\d+:\d+/);
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'larder-cli-fuzz-'));
  expect((await cli('init', 'repo')).code).toBe(0);
  repo = join(dir, 'repo');
  expect((await cli('apply', '--repo', repo)).code).toBe(0);
  sourceParquet = readFileSync(join(repo, 'data/driver_stats.parquet'));
  const ids = [1001n, 1002n, 1003n, 1004n, 1005n];
  const us = BigInt(Date.parse('2025-01-01T00:00:00Z')) * 1000n;
  const table = new Table({
    driver_id: vectorFromArray(ids, new Int64()),
    event_timestamp: makeVector(makeData({ type: new TimestampMicrosecond(), length: ids.length, data: BigInt64Array.from(ids, (_, i) => us - BigInt(i) * 3_600_000_000n) })),
    val_to_add: vectorFromArray([1, 2, 3, 4, 5], new Float64()),
  });
  seeds.arrow = tableToIPC(table, 'file');
  const p = join(dir, 'seed.parquet');
  expect((await writeParquetTable(table, p)).ok).toBe(true);
  seeds.parquet = readFileSync(p);
  seeds.csv = new TextEncoder().encode('driver_id,event_timestamp,val_to_add\n1001,2025-01-01T00:00:00Z,1\n1002,2024-12-31T23:00:00Z,2\n1003,2024-12-31 22:00:00,3\n');
  // The seeds are valid: historical reads each of them.
  for (const ext of ['parquet', 'csv', 'arrow'] as const) {
    writeFileSync(join(dir, `ok.${ext}`), seeds[ext]);
    const r = await cli('historical', '--entities', `ok.${ext}`, '--features', 'driver_hourly_stats:conv_rate', '--out', `out-${ext}.parquet`, '--repo', repo);
    expect(r.code, r.err.join('\n')).toBe(0);
  }
}, 120_000);

afterAll(async () => {
  await closeParquetWorkers();
});

/** Binary mutations: truncation, flipped bits, overwritten runs, wrong magic, huge lengths, splices. */
const binaryMutation = (src: () => Uint8Array) =>
  fc.tuple(fc.nat({ max: 9 }), fc.nat(), fc.nat({ max: 7 }), fc.uint8Array({ minLength: 1, maxLength: 12 })).map(([kind, at, bit, junk]) => {
    const s = src();
    const i = at % Math.max(1, s.length);
    const x = s.slice();
    switch (kind) {
      case 0:
        return s.subarray(0, i); // truncated
      case 1:
        x[i] ^= 1 << bit; // one bit
        return x;
      case 2:
        x.set(junk.subarray(0, Math.max(0, x.length - i)), i); // a run overwritten
        return x;
      case 3:
        x.set([0x50, 0x41, 0x52, 0x32].slice(0, x.length), 0); // wrong leading magic
        return x;
      case 4:
        x.set([0x58, 0x58, 0x58, 0x58].slice(0, x.length), Math.max(0, x.length - 4)); // wrong trailing magic
        return x;
      case 5:
        if (x.length >= 8) new DataView(x.buffer).setUint32(x.length - 8, [0x7fffffff, 0xffffffff, x.length, x.length - 7][bit % 4], true); // Parquet footer length
        return x;
      case 6:
        return Uint8Array.from([...s.subarray(0, i), ...junk, ...s.subarray(i)]); // spliced
      case 7:
        return junk; // random bytes
      case 8:
        return new Uint8Array(0); // empty
      default:
        if (x.length > 16) new DataView(x.buffer).setInt32(8 + (i % (x.length - 12)), [0x7fffffff, -1, 0x40000000][bit % 3], true); // a huge length somewhere
        return x;
    }
  });

const csvMutation = fc.oneof(
  fc.constantFrom(
    '',
    '\n',
    'driver_id,event_timestamp\n',
    'driver_id,event_timestamp\n1001\n',
    'driver_id,event_timestamp\n1001,2025-01-01T00:00:00Z,extra,more\n',
    'driver_id,event_timestamp\n"1001,2025-01-01T00:00:00Z\n',
    'driver_id,event_timestamp\n1001,"2025-01-01T00:00:00Z""\n',
    '"driver_id,event_timestamp\n1001,2025\n',
    'driver_id,event_timestamp\r\n1001,2025-01-01T00:00:00Z\r1002,2025-01-01\n',
    '\ufeffdriver_id,event_timestamp\n1001,2025-01-01T00:00:00Z\n',
    'driver_id,event_timestamp\n1001,not a time\n',
    'driver_id,event_timestamp\n99999999999999999999999,2025-01-01T00:00:00Z\n',
    'driver_id,event_timestamp\nabc,2025-01-01T00:00:00Z\n',
    'driver_id,event_timestamp\n,\n',
    'driver_id;event_timestamp\n1001;2025-01-01T00:00:00Z\n',
    'driver_id,driver_id,event_timestamp\n1,2,2025-01-01T00:00:00Z\n',
    'event_timestamp\n2025-01-01T00:00:00Z\n',
    'driver_id,event_timestamp\n1001,2025-01-01T00:00:00Z\u0000\n',
    `driver_id,event_timestamp\n${'1001,2025-01-01T00:00:00Z\n'.repeat(2000)}"`,
  ).map((s) => new TextEncoder().encode(s)),
  fc.constant(Uint8Array.of(0x64, 0x72, 0x69, 0x76, 0x65, 0x72, 0x5f, 0x69, 0x64, 0x0a, 0xff, 0xfe, 0x80, 0x0a)), // driver_id\n<invalid UTF-8>
  fc.constant(Uint8Array.of(0xff, 0xfe, 0x64, 0x00, 0x0a, 0x00)), // UTF-16 with BOM
  binaryMutation(() => seeds.csv),
  fc.tuple(fc.nat(), fc.constantFrom('"', ',', '\n', '\r', '\u0000', '""', '\\')).map(([at, junk]) => {
    const s = new TextDecoder().decode(seeds.csv);
    const i = at % s.length;
    return new TextEncoder().encode(s.slice(0, i) + junk + s.slice(i));
  }),
);

const RUNS = { historical: 150, stats: 100, materialize: 60 };
let n = 0;

describe('CLI on corrupt input files (in-process main)', () => {
  for (const ext of ['parquet', 'arrow', 'csv'] as const) {
    // Arrow IPC gets the full binary set: src/core/arrow/check-ipc.ts bounds the metadata first.
    const files = ext === 'csv' ? csvMutation : binaryMutation(() => seeds[ext]);

    it(`larder historical --entities <corrupt .${ext}>: exit 0 or one error line with exit 1`, async () => {
      await fc.assert(
        fc.asyncProperty(files, async (bytes) => {
          const name = `ent-${n++}.${ext}`;
          writeFileSync(join(dir, name), bytes);
          const r = await cli('historical', '--entities', name, '--features', 'driver_hourly_stats:conv_rate', '--out', `o-${n}.parquet`, '--repo', repo);
          expectCleanExit(r, `historical ${name}`);
        }),
        { numRuns: RUNS.historical },
      );
    }, 180_000);

    it(`larder stats --file <corrupt .${ext}>: exit 0 or one error line with exit 1`, async () => {
      await fc.assert(
        fc.asyncProperty(files, async (bytes) => {
          const name = `st-${n++}.${ext}`;
          writeFileSync(join(dir, name), bytes);
          expectCleanExit(await cli('stats', '--file', name, '--format', 'json'), `stats ${name}`);
        }),
        { numRuns: RUNS.stats },
      );
    }, 180_000);
  }

  it('larder materialize over a corrupt Parquet source: exit 0 or one error line with exit 1', async () => {
    const path = join(repo, 'data/driver_stats.parquet');
    try {
      await fc.assert(
        fc.asyncProperty(binaryMutation(() => sourceParquet), async (bytes) => {
          writeFileSync(path, bytes);
          expectCleanExit(await cli('materialize', '2020-01-01T00:00:00Z', '2030-01-01T00:00:00Z', '--repo', repo), 'materialize');
        }),
        { numRuns: RUNS.materialize },
      );
    } finally {
      writeFileSync(path, sourceParquet);
    }
  }, 300_000);
});

describe('CLI on corrupt input files (spawned bin/larder.js)', () => {
  it('prints one error line and exits 1 for a truncated Parquet and a badly quoted CSV', () => {
    writeFileSync(join(dir, 'cut.parquet'), seeds.parquet.subarray(0, seeds.parquet.length >> 1));
    writeFileSync(join(dir, 'bad.csv'), 'driver_id,event_timestamp\n"1001,2025-01-01T00:00:00Z\n');
    cpSync(join(dir, 'cut.parquet'), join(dir, 'cut2.parquet'));
    for (const args of [
      ['historical', '--entities', 'cut.parquet', '--features', 'driver_hourly_stats:conv_rate', '--out', 'x.parquet', '--repo', repo],
      ['historical', '--entities', 'bad.csv', '--features', 'driver_hourly_stats:conv_rate', '--out', 'x.parquet', '--repo', repo],
      ['stats', '--file', 'cut2.parquet'],
    ]) {
      const r = spawnSync(process.execPath, [LARDER, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
      // Node's own ExperimentalWarning lines (type stripping, vm loader) are not larder's output.
      const lines = r.stderr.trim().split('\n').filter((l) => !/^\(node:\d+\) \w*Warning|^\(Use `node --trace-warnings/.test(l));
      expect(r.status, r.stderr).toBe(1);
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^error\[[a-z_]+\]: /);
    }
  }, 120_000);
});
