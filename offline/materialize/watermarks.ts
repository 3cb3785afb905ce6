// Materialization watermarks: a small JSON file next to the registry, e.g.
// data/materialization.json, written atomically (temp file + rename) after a
// view's rows are in the online store.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { err, ok, type Result } from '../../src/core/errors.ts';
import type { ProjectConfig } from '../../src/core/schema/project-config.ts';

export const WATERMARK_FILE = 'materialization.json';

const ViewWatermark = z.strictObject({
  /** RFC 3339: rows with event time <= this are in the online store. */
  watermark: z.string(),
  /** The online table written (view name + schema fingerprint): a new schema starts over. */
  table: z.string(),
  /** The online store written (e.g. `sqlite data/online.db`): another store starts over. */
  store: z.string(),
  updated_at: z.string(),
});
export type ViewWatermark = z.output<typeof ViewWatermark>;

const WatermarkFile = z.strictObject({
  version: z.literal(1),
  project: z.string(),
  views: z.record(z.string(), ViewWatermark),
});
export type WatermarkFile = z.output<typeof WatermarkFile>;

/** Where a repo keeps its watermarks: beside a file registry, else in data/. */
export function watermarkPath(repoDir: string, config: ProjectConfig): string {
  const dir = config.registry.type === 'file' ? dirname(config.registry.path) : 'data';
  return join(repoDir, dir, WATERMARK_FILE);
}

export async function readWatermarks(path: string, project: string): Promise<Result<WatermarkFile>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return ok({ version: 1, project, views: {} });
    return err('store_unavailable', `cannot read ${path}: ${(e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return err('corrupt_data', `${path} is not valid JSON: remove it to materialize from scratch`);
  }
  const parsed = WatermarkFile.safeParse(raw);
  if (!parsed.success) return err('corrupt_data', `${path} is not a larder watermark file: ${parsed.error.issues[0]?.message}`);
  if (parsed.data.project !== project) return ok({ version: 1, project, views: {} });
  return ok(parsed.data);
}

export async function writeWatermarks(path: string, file: WatermarkFile): Promise<Result<void>> {
  try {
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(file, null, 2)}\n`);
    await rename(tmp, path);
    return ok(undefined);
  } catch (e) {
    return err('store_unavailable', `cannot write ${path}: ${(e as Error).message}`);
  }
}
