import { err, ok, type Result } from '../../core/errors.ts';
import type { FileFormat } from '../../core/schema/data-source.ts';

/**
 * Where pushed rows of a batch source live: a `_pushed` folder beside the
 * source's files, so whatever reads the source (historical retrieval,
 * materialization) also reads what was pushed. Pure string rules on the
 * source path (no file system), shared by the writers (Worker, Node) and by
 * the reader's file resolution (`resolveSourceFiles`):
 *
 *   data/driver_stats.parquet   ->  data/_pushed/driver_stats/
 *   data/stats/  (a directory)  ->  data/stats/_pushed/
 *   data/stats/*.parquet        ->  data/stats/_pushed/_/           (glob: slug of the pattern part)
 *
 * One batch is one object: `<dir>/<YYYY-MM-DD>/<batch id>.<ext>`, the date
 * being the UTC day of the batch's earliest event time.
 */
export const PUSHED_DIR = '_pushed';

/** File extension of pushed objects per batch-source format. */
export const PUSHED_EXTENSION: Readonly<Record<FileFormat, string | null>> = { parquet: 'parquet', arrow: 'arrow', csv: null };

const GLOB_CHARS = /[*?[\]{}()!]/;
const FILE_EXT = /\.[A-Za-z0-9]+$/;

const slug = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, '_');

/** The pushed-rows folder of a source path (repo-relative, no trailing slash). */
export function pushedDir(path: string): Result<string> {
  const p = path.replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  if (p === '' || p.startsWith('/') || /^[A-Za-z]:/.test(p) || p.split('/').includes('..'))
    return err('unsupported', `pushing rows offline needs a batch source path inside the repo, not "${path}"`, { path });
  const segs = p.split('/');
  const globAt = segs.findIndex((s) => GLOB_CHARS.test(s));
  if (globAt >= 0) {
    const base = segs.slice(0, globAt);
    return ok([...base, PUSHED_DIR, slug(segs.slice(globAt).join('/').replace(FILE_EXT, ''))].join('/'));
  }
  const last = segs[segs.length - 1];
  if (FILE_EXT.test(last)) return ok([...segs.slice(0, -1), PUSHED_DIR, slug(last.replace(FILE_EXT, ''))].join('/'));
  return ok([...segs, PUSHED_DIR].join('/'));
}

/** `YYYY-MM-DD` (UTC) of an epoch-µs time. */
export function utcDay(micros: number): string {
  const d = new Date(Math.floor(micros / 1000));
  return Number.isNaN(d.getTime()) ? '1970-01-01' : d.toISOString().slice(0, 10);
}

/** The object key of one pushed batch. `batchId` is made safe for a file name. */
export function pushedObjectKey(path: string, format: FileFormat, earliestEventUs: number, batchId: string): Result<string> {
  const ext = PUSHED_EXTENSION[format];
  if (ext === null)
    return err('unsupported', `pushing rows offline needs a Parquet or Arrow IPC batch source; "${path}" is ${format}`, { path, format });
  const dir = pushedDir(path);
  if (!dir.ok) return dir;
  return ok(`${dir.value}/${utcDay(earliestEventUs)}/${slug(batchId)}.${ext}`);
}
