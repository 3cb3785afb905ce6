// Materialization watermarks, one record per view, written after the view's
// rows are in the online store. The CLI keeps them in the project's metadata
// store beside the registry (kind 'watermark': a folder beside a file
// registry, the D1 table or KV keys of a D1 / KV registry), where the
// Worker's freshness endpoints read them; the library can also keep them in
// one JSON file (e.g. data/materialization.json, written atomically), which
// the CLI also mirrors to and falls back to for views without a record.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { err, ok, type Result } from '../../src/core/errors.ts';
import type { ProjectConfig } from '../../src/core/schema/project-config.ts';
import type { MetadataStore } from '../../src/stores/metadata/metadata-store.ts';

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

/** Where a run reads and moves its views' watermarks. */
export interface WatermarkStore {
  read(view: string): Promise<Result<ViewWatermark | null>>;
  write(view: string, mark: ViewWatermark): Promise<Result<void>>;
}

/** Watermarks in one JSON file (version 1). */
export function fileWatermarks(path: string, project: string): WatermarkStore {
  return {
    async read(view) {
      const f = await readWatermarks(path, project);
      return f.ok ? ok(f.value.views[view] ?? null) : f;
    },
    async write(view, mark) {
      const f = await readWatermarks(path, project);
      if (!f.ok) return f;
      return writeWatermarks(path, { ...f.value, views: { ...f.value.views, [view]: mark } });
    },
  };
}

/**
 * Watermarks as metadata records (kind 'watermark', named by view; the body
 * is a ViewWatermark). With `legacyFile` (the JSON file of earlier versions),
 * a view without a record falls back to the file, and writes are mirrored
 * there after the record (for readers of the file, e.g. test/e2e/catalog;
 * the record is what counts).
 */
export function metadataWatermarks(metadata: MetadataStore, project: string, legacyFile?: string): WatermarkStore {
  const legacy = legacyFile === undefined ? null : fileWatermarks(legacyFile, project);
  return {
    async read(view) {
      const r = await metadata.get(project, 'watermark', view);
      if (!r.ok) return r;
      if (r.value === null) return legacy === null ? ok(null) : legacy.read(view);
      const parsed = ViewWatermark.safeParse(r.value.body);
      if (!parsed.success) return err('corrupt_data', `the watermark record of view "${view}" is not a larder watermark: ${parsed.error.issues[0]?.message}`);
      return ok(parsed.data);
    },
    async write(view, mark) {
      const w = await metadata.put(project, 'watermark', view, mark);
      return !w.ok || legacy === null ? w : legacy.write(view, mark);
    },
  };
}
