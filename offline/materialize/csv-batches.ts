// Streaming CSV (RFC 4180 quoting, header row): batches of text columns, read
// a chunk at a time, so memory holds one batch of the requested columns.
import { createReadStream } from 'node:fs';
import { err, ok, type Result } from '../../src/core/errors.ts';
import type { SourceBatch, TextColumn } from './source-batch.ts';

/** An incremental CSV record splitter: feed text chunks, get whole records. */
export class CsvRecordSplitter {
  #field = '';
  #record: string[] = [];
  #quoted = false;
  /** In a quoted field, a '"' was the last character seen (an escaped quote or the closing one). */
  #quoteSeen = false;
  #skipLf = false;
  #started = false;

  /** Split a chunk; calls onRecord for every record completed in it. */
  push(text: string, onRecord: (record: string[]) => void): void {
    let i = 0;
    if (!this.#started) {
      this.#started = true;
      if (text.charCodeAt(0) === 0xfeff) i = 1;
    }
    const n = text.length;
    while (i < n) {
      if (this.#skipLf) {
        this.#skipLf = false;
        if (text.charCodeAt(i) === 10) {
          i++;
          continue;
        }
      }
      if (this.#quoteSeen) {
        this.#quoteSeen = false;
        if (text.charCodeAt(i) === 34) {
          this.#field += '"';
          i++;
          continue;
        }
        this.#quoted = false;
      }
      if (this.#quoted) {
        const q = text.indexOf('"', i);
        if (q < 0) {
          this.#field += text.slice(i);
          return;
        }
        this.#field += text.slice(i, q);
        this.#quoteSeen = true;
        i = q + 1;
        continue;
      }
      // Unquoted: take the run up to the next special character.
      let j = i;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c === 44 || c === 10 || c === 13 || c === 34) break;
        j++;
      }
      this.#field += text.slice(i, j);
      if (j === n) return;
      const c = text.charCodeAt(j);
      i = j + 1;
      if (c === 34) this.#quoted = true;
      else if (c === 44) {
        this.#record.push(this.#field);
        this.#field = '';
      } else {
        this.#record.push(this.#field);
        this.#field = '';
        onRecord(this.#record);
        this.#record = [];
        if (c === 13) this.#skipLf = true;
      }
    }
  }

  /** The last record when the text did not end with a newline. */
  end(onRecord: (record: string[]) => void): void {
    if (this.#field !== '' || this.#record.length > 0) {
      this.#record.push(this.#field);
      onRecord(this.#record);
    }
    this.#field = '';
    this.#record = [];
  }
}

/** Batches of `batchRows` records of the named columns (text; '' is null). */
export async function* csvBatches(path: string, columns: readonly string[], batchRows = 65_536): AsyncGenerator<Result<SourceBatch>> {
  const splitter = new CsvRecordSplitter();
  let index: number[] | null = null;
  let width = 0;
  let cols: string[][] = columns.map(() => []);
  let rows = 0;
  let failure: Result<never> | null = null;
  const ready: SourceBatch[] = [];
  const cut = () => {
    const out: Record<string, TextColumn> = {};
    columns.forEach((name, j) => (out[name] = { type: 'text', values: cols[j], validity: null }));
    ready.push({ numRows: rows, columns: out });
    cols = columns.map(() => []);
    rows = 0;
  };
  const onRecord = (record: string[]) => {
    if (failure !== null) return;
    if (index === null) {
      const header = record.map((h) => h.trim());
      width = header.length;
      const missing = columns.filter((c) => !header.includes(c));
      if (missing.length > 0) {
        failure = err('invalid_rows', `${path}: no column ${missing.map((m) => JSON.stringify(m)).join(', ')} (columns: ${header.join(', ')})`, { file: path, columns: missing });
        return;
      }
      index = columns.map((c) => header.indexOf(c));
      return;
    }
    if (record.length === 1 && record[0] === '' && width > 1) return; // blank line
    for (let j = 0; j < index.length; j++) cols[j].push(record[index[j]] ?? '');
    if (++rows >= batchRows) cut();
  };
  try {
    for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
      splitter.push(chunk as string, onRecord);
      if (failure !== null) {
        yield failure;
        return;
      }
      while (ready.length > 0) yield ok(ready.shift()!);
    }
  } catch (e) {
    yield err('invalid_argument', `cannot read ${path}: ${(e as Error).message}`, { file: path });
    return;
  }
  splitter.end(onRecord);
  if (failure !== null) {
    yield failure;
    return;
  }
  if (index === null) {
    yield err('invalid_rows', `${path}: the file has no header row`, { file: path });
    return;
  }
  if (rows > 0) cut();
  while (ready.length > 0) yield ok(ready.shift()!);
}
