// A bounded structural check of Arrow IPC bytes (stream or file format), run
// before apache-arrow decodes them: a flipped bit in the flatbuffer metadata
// must give an `invalid_arrow` error, not a reader that allocates without
// bound or loops for hours. Dependency free (runs in the Worker and in Node).
//
// What is checked (format/Message.fbs, Schema.fbs, File.fbs, Columnar.md):
// - framing: continuation token, metadata length and bodyLength inside the
//   bytes; the end-of-stream marker (or a clean end); at most maxMessages;
// - every flatbuffer table, vtable, vector and string inside its metadata;
// - the schema: known types with sane parameters, depth <= maxDepth,
//   fields <= maxFields; the first message is the schema;
// - record and dictionary batches: the node count equals the flattened field
//   count, null_count <= length, every buffer inside the body, top-level node
//   lengths equal the batch length, and (uncompressed V5 data) each buffer is
//   large enough for its node's length, so lengths are backed by bytes; a node
//   no buffer backs (Null, empty struct, unchecked layouts) is <= maxValues;
// - file format: magic at both ends, the stream between them, the footer, and each Block's message
//   inside the file, before the footer.
// The walker asks for byte ranges (a generator), so a file on disk can be
// checked reading only the metadata: see `walkArrowIpc`.
import { err, ok, type Result } from '../errors.ts';
import { FbError, FbReader, type FbTable } from './flatbuffer.ts';
import { readSchema, type NodeLayout, type SchemaLayout } from './ipc-schema.ts';

export interface ArrowIpcLimits {
  /** Total rows over all record batches; past it the error is `limit_exceeded` (default unbounded). */
  readonly maxRows?: number;
  /** Bound on a node length that no buffer backs, and on any length when layouts are not checked (default 10M). */
  readonly maxValues?: number;
  readonly maxFields?: number;
  readonly maxDepth?: number;
  readonly maxMessages?: number;
}

export interface ArrowIpcSummary {
  readonly format: 'stream' | 'file';
  readonly batches: number;
  readonly rows: number;
}

/** A byte range the walker needs (always inside the input). */
export interface ReadRequest {
  readonly offset: number;
  readonly length: number;
}

export const ARROW_IPC_DEFAULTS = { maxValues: 10_000_000, maxFields: 10_000, maxDepth: 32, maxMessages: 1_000_000 } as const;
/** Largest length any buffer may prove (apache-arrow indexes with int32). */
const MAX_BACKED = 2 ** 31 - 1;
const MAGIC = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]; // "ARROW1"
const HEADER = { Schema: 1, DictionaryBatch: 2, RecordBatch: 3 } as const;

interface Limits {
  readonly maxRows: number;
  readonly maxValues: number;
  readonly maxFields: number;
  readonly maxDepth: number;
  readonly maxMessages: number;
}

class RowLimit extends Error {}

function fail(offset: number, message: string): never {
  throw new FbError(offset, `${message} (byte ${offset})`);
}

const isMagic = (b: Uint8Array, at: number) => MAGIC.every((m, i) => b[at + i] === m);

interface Message {
  readonly fb: FbReader;
  readonly version: number;
  readonly headerType: number;
  readonly header: FbTable;
  readonly bodyLength: number;
}

function readMessage(meta: Uint8Array, base: number): Message {
  const fb: FbReader = new FbReader(meta, base, `the message metadata at byte ${base}`);
  const msg = fb.root('the Message');
  const version = fb.fieldI16(msg, 0, 0);
  if (version < 0 || version > 4) fb.fail(msg.pos, `metadata version ${version} is unknown`);
  const headerType = fb.fieldU8(msg, 1, 0);
  if (headerType < 1 || headerType > 3) fb.fail(msg.pos, `message header type ${headerType} is not Schema, DictionaryBatch or RecordBatch`);
  const header = fb.fieldTable(msg, 2, 'the message header');
  if (header === null) fb.fail(msg.pos, 'the message has no header');
  const bodyLength = fb.fieldI64(msg, 3, 0);
  if (bodyLength < 0) fb.fail(msg.pos, `bodyLength ${bodyLength} is negative`);
  const meta2 = fb.vector(msg, 4, 4, 'the message custom_metadata');
  for (let k = 0; k < meta2.length; k++) {
    const kv = fb.vectorTable(meta2, k, 'a custom_metadata entry');
    fb.string(kv, 0, 'a custom_metadata key');
    fb.string(kv, 1, 'a custom_metadata value');
  }
  return { fb, version, headerType, header, bodyLength };
}

interface Node {
  readonly length: number;
  readonly nullCount: number;
  readonly at: number;
}
interface Buf {
  readonly offset: number;
  readonly length: number;
  readonly at: number;
}

const countNodes = (l: NodeLayout): number => 1 + l.children.reduce((s, c) => s + countNodes(c), 0);
const checkedLayout = (l: NodeLayout): boolean => l.buffers !== null && l.children.every(checkedLayout);

/**
 * Checks a RecordBatch table against the layouts of its fields; returns its
 * row count. Buffers are checked against the body length.
 */
function checkBatch(fb: FbReader, rb: FbTable, layouts: readonly NodeLayout[], bodyLength: number, version: number, limits: Limits, what: string): number {
  const length = fb.fieldI64(rb, 0, 0);
  if (length < 0) fb.fail(rb.pos, `${what} length ${length} is negative`);
  const nv = fb.vector(rb, 1, 16, `the ${what} nodes`);
  const bv = fb.vector(rb, 2, 16, `the ${what} buffers`);
  const compression = fb.fieldTable(rb, 3, 'the body compression');
  if (compression !== null) {
    const codec = fb.fieldU8(compression, 0, 0);
    const method = fb.fieldU8(compression, 1, 0);
    if (codec > 1) fb.fail(compression.pos, `compression codec ${codec} is unknown`);
    if (method !== 0) fb.fail(compression.pos, `compression method ${method} is unknown`);
  }
  const variadic = fb.vector(rb, 4, 8, 'the variadic buffer counts');
  const nodes: Node[] = [];
  for (let k = 0; k < nv.length; k++) {
    const at = nv.start + 16 * k;
    const n = { length: fb.i64(at), nullCount: fb.i64(at + 8), at };
    if (n.length < 0 || n.length > MAX_BACKED) fb.fail(at, `node ${k} length ${n.length} is out of range`);
    if (n.nullCount < 0 || n.nullCount > n.length) fb.fail(at, `node ${k} null_count ${n.nullCount} is not within 0..${n.length}`);
    nodes.push(n);
  }
  const bufs: Buf[] = [];
  for (let k = 0; k < bv.length; k++) {
    const at = bv.start + 16 * k;
    const b = { offset: fb.i64(at), length: fb.i64(at + 8), at };
    if (b.offset < 0 || b.length < 0 || b.offset + b.length > bodyLength)
      fb.fail(at, `buffer ${k} (offset ${b.offset}, length ${b.length}) lies outside the ${bodyLength}-byte body`);
    bufs.push(b);
  }
  const expected = layouts.reduce((s, l) => s + countNodes(l), 0);
  if (nodes.length !== expected) fb.fail(nv.start, `${what} has ${nodes.length} field nodes, the schema needs ${expected}`);
  if (layouts.length === 0 && length > limits.maxValues) fb.fail(rb.pos, `${what} length ${length} exceeds ${limits.maxValues}`);
  let ni = 0;
  for (const l of layouts) {
    const top = nodes[ni];
    ni += countNodes(l);
    if (top.length !== length) fb.fail(top.at, `field ${l.name} has ${top.length} values, the ${what} has ${length} rows`);
  }
  // Buffer sizes are checked only where the layout is fully known and the body is not compressed.
  const mapped = compression === null && version >= 4 && variadic.length === 0 && layouts.every(checkedLayout);
  if (!mapped) {
    for (const n of nodes) if (n.length > limits.maxValues) fb.fail(n.at, `a node length ${n.length} exceeds ${limits.maxValues}`);
    return length;
  }
  const expectBufs = (l: NodeLayout): number => l.buffers!.length + l.children.reduce((s, c) => s + expectBufs(c), 0);
  const nb = layouts.reduce((s, l) => s + expectBufs(l), 0);
  if (bufs.length !== nb) fb.fail(bv.start, `${what} has ${bufs.length} buffers, the schema needs ${nb}`);
  let n = 0;
  let b = 0;
  const visit = (l: NodeLayout): void => {
    const node = nodes[n++];
    let backed = false;
    for (const kind of l.buffers!) {
      const buf = bufs[b++];
      let need = 0;
      if (kind.kind === 'validity') need = node.nullCount > 0 ? Math.ceil(node.length / 8) : 0;
      else if (kind.kind === 'fixed') {
        need = Math.ceil((node.length * kind.bits) / 8);
        if (kind.bits > 0) backed = true;
      } else if (kind.kind === 'offsets') {
        need = node.length > 0 ? (node.length + 1) * kind.bytes : 0;
        backed = true;
      }
      if (buf.length < need) fb.fail(buf.at, `a ${buf.length}-byte buffer of field ${l.name} is too short for its ${node.length} values (needs ${need})`);
    }
    if (!backed && node.length > limits.maxValues) fb.fail(node.at, `field ${l.name} has ${node.length} values, more than ${limits.maxValues}`);
    for (const c of l.children) visit(c);
  };
  for (const l of layouts) visit(l);
  return length;
}

interface State {
  schema: SchemaLayout | null;
  batches: number;
  rows: number;
  messages: number;
}

/** Checks one message's metadata against the state; returns its header type. */
function checkMessage(m: Message, st: State, limits: Limits, bodyLength: number, expectSchema: boolean): void {
  const fb: FbReader = m.fb;
  if (++st.messages > limits.maxMessages) fb.fail(0, `more than ${limits.maxMessages} messages`);
  if (m.headerType === HEADER.Schema) {
    if (!expectSchema) fb.fail(0, 'a Schema message where a batch was expected');
    st.schema = readSchema(fb, m.header, m.version, limits);
    return;
  }
  if (st.schema === null) fb.fail(0, 'the first message is not a Schema');
  if (m.headerType === HEADER.RecordBatch) {
    const rows = checkBatch(fb, m.header, st.schema.fields, bodyLength, m.version, limits, 'record batch');
    st.batches++;
    st.rows += rows;
    if (st.rows > limits.maxRows) throw new RowLimit(`the Arrow data has more than ${limits.maxRows} rows`);
    return;
  }
  const id = fb.fieldI64(m.header, 0, 0);
  const value = st.schema.dictionaries.get(id);
  if (value === undefined) fb.fail(m.header.pos, `dictionary batch id ${id} is not in the schema`);
  const data = fb.fieldTable(m.header, 1, 'the dictionary data');
  if (data === null) fb.fail(m.header.pos, 'the dictionary batch has no data');
  checkBatch(fb, data, [value], bodyLength, m.version, limits, 'dictionary batch');
}

/**
 * One framed message at `pos` (continuation token, length, metadata, body),
 * all before `end`. Returns the position after its body, or -1 at the
 * end-of-stream marker.
 */
function* message(pos: number, end: number, st: State, limits: Limits, expectSchema: boolean): Generator<ReadRequest, number, Uint8Array> {
  if (end - pos < 4) fail(pos, `the stream is truncated: ${end - pos} bytes where a message length was expected`);
  const prefix = yield { offset: pos, length: Math.min(8, end - pos) };
  const dv = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  let len = dv.getInt32(0, true);
  let hdr = 4;
  if (len === -1) {
    if (prefix.length < 8) fail(pos, 'the stream is truncated after a continuation token');
    len = dv.getInt32(4, true);
    hdr = 8;
  }
  if (len === 0) return -1;
  const metaAt = pos + hdr;
  if (len < 0 || len > end - metaAt) fail(pos, `metadata length ${len} does not fit in the ${end - metaAt} bytes left`);
  const meta = yield { offset: metaAt, length: len };
  const m = readMessage(meta, metaAt);
  const bodyAt = metaAt + len;
  if (m.bodyLength > end - bodyAt) fail(bodyAt, `bodyLength ${m.bodyLength} does not fit in the ${end - bodyAt} bytes left`);
  checkMessage(m, st, limits, m.bodyLength, expectSchema);
  return bodyAt + m.bodyLength;
}

function* walkStream(size: number, limits: Limits, st: State): Generator<ReadRequest, void, Uint8Array> {
  let pos = 0;
  while (pos < size) {
    const next = yield* message(pos, size, st, limits, st.schema === null);
    if (next < 0) return; // a lone end-of-stream marker reads as an empty table without columns
    pos = next;
  }
  if (st.schema === null) fail(0, 'the stream has no Schema message');
}

function* walkFile(size: number, limits: Limits, st: State): Generator<ReadRequest, void, Uint8Array> {
  if (size < 18) fail(0, `a ${size}-byte Arrow file is too short`);
  const tail = yield { offset: size - 10, length: 10 };
  if (!isMagic(tail, 4)) fail(size - 6, 'the file does not end with the ARROW1 magic');
  const footerLen = new DataView(tail.buffer, tail.byteOffset, 4).getInt32(0, true);
  const footerAt = size - 10 - footerLen;
  if (footerLen <= 0 || footerAt < 8) fail(size - 10, `footer length ${footerLen} does not fit in the file`);
  const fb: FbReader = new FbReader(yield { offset: footerAt, length: footerLen }, footerAt, `the file footer at byte ${footerAt}`);
  const footer = fb.root('the Footer');
  const version = fb.fieldI16(footer, 0, 0);
  if (version < 0 || version > 4) fb.fail(footer.pos, `metadata version ${version} is unknown`);
  const schema = fb.fieldTable(footer, 1, 'the footer schema');
  if (schema === null) fb.fail(footer.pos, 'the footer has no schema');
  st.schema = readSchema(fb, schema, version, limits);
  // The stream between the magic and the footer: the schema message is optional
  // (apache-arrow's writer leaves it out; readers use the footer's).
  const embedded: State = { schema: st.schema, batches: 0, rows: 0, messages: 0 };
  for (let pos = 8; pos < footerAt; ) {
    const next = yield* message(pos, footerAt, embedded, limits, pos === 8);
    if (next < 0) break;
    pos = next;
  }
  st.messages = embedded.messages;
  const dicts = fb.vector(footer, 2, 24, 'the dictionary blocks');
  const batches = fb.vector(footer, 3, 24, 'the record batch blocks');
  if (dicts.length + batches.length > limits.maxMessages) fb.fail(footer.pos, `more than ${limits.maxMessages} blocks`);
  const blocks: { at: number; offset: number; kind: number }[] = [];
  for (let k = 0; k < dicts.length; k++) blocks.push({ at: dicts.start + 24 * k, offset: fb.i64(dicts.start + 24 * k), kind: HEADER.DictionaryBatch });
  for (let k = 0; k < batches.length; k++) blocks.push({ at: batches.start + 24 * k, offset: fb.i64(batches.start + 24 * k), kind: HEADER.RecordBatch });
  for (const block of blocks) {
    if (block.offset < 8 || block.offset >= footerAt) fb.fail(block.at, `a block offset ${block.offset} lies outside the file's messages (8..${footerAt})`);
    const before = st.messages;
    const batchesBefore = st.batches;
    const next = yield* message(block.offset, footerAt, st, limits, false);
    if (next < 0) fail(block.offset, 'a block points at an end-of-stream marker');
    const isBatch = st.batches > batchesBefore;
    if (st.messages !== before + 1 || isBatch !== (block.kind === HEADER.RecordBatch))
      fail(block.offset, `the message at block offset ${block.offset} is not a ${block.kind === HEADER.RecordBatch ? 'RecordBatch' : 'DictionaryBatch'}`);
  }
}

/**
 * The checker as a generator over byte ranges of an input of `size` bytes:
 * feed it the bytes it asks for (`walkArrowIpc(size).next(bytes)`); it
 * returns the result. Reads only framing and metadata, never a body.
 */
export function* walkArrowIpc(size: number, head: Uint8Array, options: ArrowIpcLimits = {}): Generator<ReadRequest, Result<ArrowIpcSummary>, Uint8Array> {
  const limits: Limits = {
    maxRows: options.maxRows ?? Infinity,
    maxValues: options.maxValues ?? ARROW_IPC_DEFAULTS.maxValues,
    maxFields: options.maxFields ?? ARROW_IPC_DEFAULTS.maxFields,
    maxDepth: options.maxDepth ?? ARROW_IPC_DEFAULTS.maxDepth,
    maxMessages: options.maxMessages ?? ARROW_IPC_DEFAULTS.maxMessages,
  };
  const st: State = { schema: null, batches: 0, rows: 0, messages: 0 };
  const format = head.length >= 6 && isMagic(head, 0) ? 'file' : 'stream';
  try {
    if (size === 0) fail(0, 'the Arrow data is empty');
    if (format === 'file') yield* walkFile(size, limits, st);
    else yield* walkStream(size, limits, st);
  } catch (e) {
    if (e instanceof RowLimit) return err('limit_exceeded', e.message, { rows: st.rows });
    if (e instanceof FbError) return err('invalid_arrow', `corrupt Arrow IPC ${format}: ${e.message}`, { offset: e.offset });
    if (e instanceof RangeError) return err('invalid_arrow', `corrupt Arrow IPC ${format}: ${e.message}`);
    throw e;
  }
  return ok({ format, batches: st.batches, rows: st.rows });
}

/** Checks Arrow IPC bytes (stream or file format) in memory. */
export function checkArrowIpc(bytes: Uint8Array, options: ArrowIpcLimits = {}): Result<ArrowIpcSummary> {
  const walk = walkArrowIpc(bytes.length, bytes.subarray(0, 8), options);
  let step = walk.next(new Uint8Array(0));
  while (!step.done) step = walk.next(bytes.subarray(step.value.offset, step.value.offset + step.value.length));
  return step.value;
}
