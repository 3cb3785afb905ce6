import { stat } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import type { FileFormat } from '../../../src/core/schema/data-source.ts';
import { PUSHED_EXTENSION, pushedDir } from '../../../src/stores/offline/pushed-location.ts';
import type { ColumnType, SourceSchemaResult } from '../../../src/core/registry/source-schema.ts';
import { readArrowColumns } from './arrow-schema.ts';
import { readCsvColumns } from './csv-schema.ts';
import { readParquetColumns } from './parquet-schema.ts';

const EXTENSIONS: Readonly<Record<FileFormat, string>> = { parquet: '{parquet,pq}', csv: 'csv', arrow: '{arrow,feather,ipc,arrows}' };

/**
 * The files a source path names (a file, a directory of files, or a glob),
 * sorted, then the rows pushed to it offline (`_pushed/`, see
 * src/stores/offline/pushed-location.ts), sorted: readers see pushed rows
 * after the source's own.
 */
export async function resolveSourceFiles(repoDir: string, path: string, format: FileFormat): Promise<string[]> {
  const own = await ownSourceFiles(repoDir, path, format);
  const pushed = await pushedSourceFiles(repoDir, path, format);
  if (pushed.length === 0) return own;
  const taken = new Set(pushed);
  return [...own.filter((f) => !taken.has(f)), ...pushed];
}

async function ownSourceFiles(repoDir: string, path: string, format: FileFormat): Promise<string[]> {
  const abs = isAbsolute(path) ? path : join(repoDir, path);
  if (!isDynamicPattern(path)) {
    const s = await stat(abs).catch(() => null);
    if (s === null) return [];
    if (s.isFile()) return [abs];
    if (!s.isDirectory()) return [];
    return (await glob(`**/*.${EXTENSIONS[format]}`, { cwd: abs, absolute: true })).sort();
  }
  const files = await glob(path, { cwd: repoDir, absolute: true, expandDirectories: false });
  return files.sort();
}

/** Files of rows pushed offline to a source (none for CSV/Arrow sources or paths outside the repo). */
async function pushedSourceFiles(repoDir: string, path: string, format: FileFormat): Promise<string[]> {
  const dir = pushedDir(path);
  const ext = PUSHED_EXTENSION[format];
  if (!dir.ok || ext === null) return [];
  const abs = join(repoDir, dir.value);
  const s = await stat(abs).catch(() => null);
  if (s === null || !s.isDirectory()) return [];
  return (await glob(`**/*.${ext}`, { cwd: abs, absolute: true })).sort();
}

const READERS: Readonly<Record<FileFormat, (path: string) => Promise<Map<string, ColumnType>>>> = {
  parquet: readParquetColumns,
  csv: readCsvColumns,
  arrow: readArrowColumns,
};

/** Read the column schema of a file source from its first file. */
export async function readSourceSchema(repoDir: string, path: string, format: FileFormat): Promise<SourceSchemaResult> {
  const files = await resolveSourceFiles(repoDir, path, format);
  const first = files[0];
  if (first === undefined) return { status: 'not_found' };
  try {
    const columns = await READERS[format](first);
    return { status: 'ok', schema: { file: relative(repoDir, first).replace(/\\/g, '/'), columns } };
  } catch (e) {
    return { status: 'unreadable', message: `${relative(repoDir, first)}: ${(e as Error).message}` };
  }
}
