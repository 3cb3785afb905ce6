import { open } from 'node:fs/promises';
import type { ColumnType } from '../../../src/core/registry/source-schema.ts';

const SAMPLE_BYTES = 1 << 20;
const SAMPLE_ROWS = 1000;

/** Split CSV text into records (RFC 4180 quoting). The last record may be cut by the sample. */
export function parseCsvRecords(text: string, maxRecords: number): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length && records.length < maxRecords; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += c;
  }
  if ((field !== '' || record.length > 0) && records.length < maxRecords) records.push([...record, field]);
  return records;
}

const INT = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|infinity|nan)$/i;
const BOOL = /^(true|false)$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** The narrowest type that every non-empty value fits. */
export function inferCsvType(values: readonly string[]): ColumnType {
  const present = values.filter((v) => v !== '');
  if (present.length === 0) return { kind: 'unknown' };
  const all = (re: RegExp) => present.every((v) => re.test(v.trim()));
  if (all(INT)) return { kind: 'int', bits: null };
  if (all(FLOAT)) return { kind: 'float', bits: null };
  if (all(BOOL)) return { kind: 'bool' };
  if (all(DATE)) return { kind: 'date' };
  if (present.every((v) => TIMESTAMP.test(v.trim()) || DATE.test(v.trim()))) return { kind: 'timestamp' };
  return { kind: 'string' };
}

/** Columns of a CSV file: the header, with types inferred from the first rows. */
export async function readCsvColumns(path: string): Promise<Map<string, ColumnType>> {
  const handle = await open(path, 'r');
  let text: string;
  try {
    const buf = Buffer.alloc(SAMPLE_BYTES);
    const { bytesRead } = await handle.read(buf, 0, SAMPLE_BYTES, 0);
    text = buf.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '');
    if (bytesRead === SAMPLE_BYTES) text = text.slice(0, Math.max(text.lastIndexOf('\n'), 0));
  } finally {
    await handle.close();
  }
  const [header, ...rows] = parseCsvRecords(text, SAMPLE_ROWS + 1);
  if (header === undefined || header.every((h) => h === '')) throw new Error('the file has no header row');
  return new Map(header.map((name, i) => [name.trim(), inferCsvType(rows.map((r) => r[i] ?? ''))]));
}
