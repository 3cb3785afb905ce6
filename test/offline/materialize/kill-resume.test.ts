// Kill -9 a `larder materialize-incremental` child mid-write, run it again,
// and compare the online store with an uninterrupted run's, row for row.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { microsToRfc3339 } from '../../../src/core/time.ts';
import { SqliteOnlineStore } from '../../../src/stores/sqlite/sqlite-online-store.ts';
import { FileMetadataStore } from '../../../offline/stores/file-metadata-store.ts';
import { makeRepo } from '../support/repo-fixture.ts';
import { FEATURES_YAML, randomRows, SEC, T0, writeRowsArrow, writeRowsCsv, writeRowsParquet } from './fixture.ts';

const LARDER = resolve(import.meta.dirname, '../../../bin/larder.js');
const END = microsToRfc3339(Number(T0 + 2000n * SEC));
const ARGS = ['materialize-incremental', END, '--views', 'stats,stats_by_city'];

function larder(args: readonly string[], dir: string) {
  const child = spawn(process.execPath, [LARDER, ...args, '--repo', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((res) => child.on('exit', (code, signal) => res({ code, signal, output })));
  return { child, exited };
}

/** Every stored row, byte for byte (but a precomputed service row's created_ts, its write time). */
function dump(dir: string): unknown[] {
  const db = new DatabaseSync(join(dir, 'data/online.db'), { readOnly: true });
  try {
    return db.prepare("SELECT tbl, hex(entity_key) AS k, event_ts, CASE WHEN tbl LIKE 'svc:%' THEN NULL ELSE created_ts END AS created_ts, hex(value) AS v FROM online_rows ORDER BY tbl, k").all();
  } finally {
    db.close();
  }
}

function countRows(dir: string, viewPrefix: string): number {
  const path = join(dir, 'data/online.db');
  if (!existsSync(path)) return 0;
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const r = db.prepare("SELECT count(*) AS n FROM online_rows WHERE tbl LIKE ? || '@%'").get(viewPrefix) as { n: number };
    return Number(r.n);
  } catch {
    return 0; // the table is not there yet
  } finally {
    db.close();
  }
}

/** The watermark records, beside the file registry (data/metadata). */
const watermarks = async (dir: string): Promise<Record<string, { watermark: string }>> => {
  const r = await new FileMetadataStore(join(dir, 'data/metadata')).list('mat', 'watermark');
  if (!r.ok) throw new Error(r.error.message);
  return Object.fromEntries(r.value.map((m) => [m.name, m.body as { watermark: string }]));
};

describe('materialize: kill and resume', () => {
  it('a run killed with SIGKILL mid-write, run again, ends byte-identical to an uninterrupted run; the killed view kept no watermark', async () => {
    // ~25k drivers and ~45k (driver, city) pairs: writing them takes a few seconds.
    const rows = randomRows(31, 60_000, 30_000, 2000);
    const repo = await makeRepo({ 'larder.yaml': 'project: mat\n', 'features.yaml': FEATURES_YAML });
    await writeRowsParquet(join(repo, 'data/stats/part-0.parquet'), rows.slice(0, 30_000), 10_000);
    await writeRowsParquet(join(repo, 'data/stats/part-1.parquet'), rows.slice(30_000), 10_000);
    await writeRowsCsv(join(repo, 'data/stats.csv'), rows.slice(0, 10));
    await writeRowsArrow(join(repo, 'data/stats.arrow'), rows.slice(0, 10), 10);
    const applied = await larder(['apply'], repo).exited;
    expect(applied.code, applied.output).toBe(0);
    // The store in WAL mode up front (it persists), so this test can read it while the child writes.
    const db = new DatabaseSync(join(repo, 'data/online.db'));
    new SqliteOnlineStore(db);
    db.close();
    const killed = `${repo}-killed`;
    await cp(repo, killed, { recursive: true });

    const whole = await larder(ARGS, repo).exited;
    expect(whole.code, whole.output).toBe(0);
    const expected = dump(repo);
    expect(expected.length).toBeGreaterThan(60_000);
    expect(Object.keys(await watermarks(repo)).sort()).toEqual(['stats', 'stats_by_city']);

    // Kill once the second view (stats_by_city, after stats) has some rows written, not all.
    const run = larder(ARGS, killed);
    let killedAt = -1;
    let marksAtKill: Promise<Record<string, { watermark: string }>> | null = null;
    const poll = setInterval(() => {
      const n = countRows(killed, 'stats_by_city');
      if (n > 0 && killedAt < 0) {
        run.child.kill('SIGKILL');
        killedAt = n;
        marksAtKill = watermarks(killed);
      }
    }, 15);
    const ended = await run.exited;
    clearInterval(poll);
    expect(ended.signal, `the run ended before it could be killed (${ended.output}): make the data bigger`).toBe('SIGKILL');
    const partial = countRows(killed, 'stats_by_city');
    const full = (expected as { tbl: string }[]).filter((r) => r.tbl.startsWith('stats_by_city@')).length;
    expect(partial).toBeGreaterThanOrEqual(killedAt);
    expect(partial).toBeLessThan(full);
    // The finished view's watermark moved; the killed one's did not.
    expect(Object.keys((await marksAtKill) ?? {}), `killed at ${killedAt} rows: ${ended.output}`).toEqual(['stats']);
    expect(Object.keys(await watermarks(killed))).toEqual(['stats']);

    const again = await larder(ARGS, killed).exited;
    expect(again.code, again.output).toBe(0);
    expect(again.output).toMatch(/stats_by_city: 60,000 rows read/);
    expect(dump(killed)).toEqual(expected);
    const marks = await watermarks(killed);
    expect(Object.keys(marks).sort()).toEqual(['stats', 'stats_by_city']);
    expect(marks.stats_by_city.watermark).toBe(END);
  }, 120_000);
});
