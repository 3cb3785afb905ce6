// One batch of source rows in, the latest row per entity key in the window
// out, encoded for the online store. Only the chosen rows are gathered,
// serialized and encoded.
import { err, ok, type Result } from '../../src/core/errors.ts';
import type { EncodedRow } from '../../src/core/online-store.ts';
import { encodeRows, type FieldColumn } from '../../src/kernel/codec.ts';
import type { KernelInstance } from '../../src/kernel/instance.ts';
import { hashEntityKeys, serializeEntityKeys, type KeyColumn } from '../../src/kernel/keys.ts';
import { latestPerKey, NULL_TS, type LatestWindow } from '../../src/kernel/pit-join.ts';
import { timestampMicros } from './column-values.ts';
import { gatherField, gatherKey, nullKeyRows } from './gather.ts';
import { groupAt, i64At, type GroupKey } from './latest-candidates.ts';
import type { SourceBatch, SourceColumn } from './source-batch.ts';
import type { ViewPlan } from './view-plan.ts';

export interface SelectedRows {
  /** Keys and values are views into two buffers shared by the batch's rows (valid until the next batch). */
  readonly rows: EncodedRow[];
  /** Each row's group: the raw value of a single int64 join key, else the key hash (as latestPerKey grouped them). */
  readonly groups: BigUint64Array;
  /** Rows left out because a join key was null. */
  readonly nullKeys: number;
}

/** Whether a row already lost: the caller holds a strictly newer row of the same group. */
export type BeatenCheck = (group: GroupKey, eventTs: number, createdTs: number) => boolean;

function pick64(src: BigInt64Array, rows: Int32Array): BigInt64Array {
  const out = new BigInt64Array(rows.length);
  for (let j = 0; j < rows.length; j++) out[j] = src[rows[j]];
  return out;
}

/**
 * The latest row per entity key among the batch's rows with
 * window.start <= event_ts <= window.end: greatest event ts, then greatest
 * created ts (null lowest), then the later row (the kernel's latestPerKey).
 * Rows group by the 64-bit key hash (by the raw value for a single int64 key,
 * which is exact). Rows `beaten` says already lost are dropped before their
 * values are gathered and encoded (most rows, once a long source has been
 * read for a while).
 */
export function selectLatest(k: KernelInstance, plan: ViewPlan, batch: SourceBatch, window: LatestWindow, beaten?: BeatenCheck): Result<SelectedRows> {
  const n = batch.numRows;
  if (n === 0) return ok({ rows: [], groups: new BigUint64Array(0), nullKeys: 0 });
  const column = (name: string): Result<SourceColumn> => {
    const c = batch.columns[name];
    return c === undefined ? err('invalid_rows', `source "${plan.source.name}" has no column "${name}"`, { column: name }) : ok(c);
  };
  const ev = column(plan.eventColumn);
  if (!ev.ok) return ev;
  const eventTs = timestampMicros(ev.value, n);
  let createdTs: BigInt64Array;
  if (plan.createdColumn === null) createdTs = new BigInt64Array(n).fill(NULL_TS);
  else {
    const cr = column(plan.createdColumn);
    if (!cr.ok) return cr;
    createdTs = timestampMicros(cr.value, n);
  }
  const keySources: SourceColumn[] = [];
  for (const key of plan.keys) {
    const c = column(key.column);
    if (!c.ok) return c;
    keySources.push(c.value);
  }
  // A row without a key or an event time is never a candidate: give it an event time outside every window.
  const nulls = nullKeyRows(keySources, n);
  let nullKeys = 0;
  if (nulls !== null)
    for (let i = 0; i < n; i++)
      if (nulls[i]) {
        eventTs[i] = NULL_TS;
        nullKeys++;
      }

  let groupKeys: BigUint64Array;
  let rawKeys = false;
  const only = keySources[0];
  if (plan.keys.length === 1 && plan.keys[0].type === 'int64' && only.type === 'int64') {
    const v = only.values;
    groupKeys = new BigUint64Array(v.buffer, v.byteOffset, n);
    rawKeys = true;
  } else {
    const cols: KeyColumn[] = [];
    for (let j = 0; j < plan.keys.length; j++) {
      const c = gatherKey(keySources[j], plan.keys[j].name, plan.keys[j].type, n, null, plan.keys[j].column);
      if (!c.ok) return c;
      cols.push(c.value);
    }
    const h = hashEntityKeys(k, cols);
    if (!h.ok) return h;
    groupKeys = h.value;
  }
  const chosen = latestPerKey(k, { keys: groupKeys, eventTs, createdTs }, window, { rawKeys });
  if (!chosen.ok) return chosen;
  let rows = chosen.value;
  if (beaten !== undefined) {
    // Read through Int32 views: no BigInt per row.
    const gw = new Int32Array(groupKeys.buffer, groupKeys.byteOffset, n * 2);
    const ew = new Int32Array(eventTs.buffer, eventTs.byteOffset, n * 2);
    const cw = new Int32Array(createdTs.buffer, createdTs.byteOffset, n * 2);
    let kept = 0;
    for (let j = 0; j < rows.length; j++) {
      const i = rows[j];
      if (!beaten(groupAt(groupKeys, gw, i), i64At(ew, i), i64At(cw, i))) rows[kept++] = i;
    }
    rows = rows.subarray(0, kept);
  }
  const m = rows.length;
  if (m === 0) return ok({ rows: [], groups: new BigUint64Array(0), nullKeys });

  const keyCols: KeyColumn[] = [];
  for (let j = 0; j < plan.keys.length; j++) {
    const c = gatherKey(keySources[j], plan.keys[j].name, plan.keys[j].type, n, rows, plan.keys[j].column);
    if (!c.ok) return c;
    keyCols.push(c.value);
  }
  const ser = serializeEntityKeys(k, keyCols, { hashes: true });
  if (!ser.ok) return ser;

  const fields: FieldColumn[] = [];
  for (const f of plan.features) {
    const c = column(f.column);
    if (!c.ok) return c;
    const g = gatherField(c.value, f.dtype, rows, f.column);
    if (!g.ok) return err(g.error.code, `feature view "${plan.view.name}", feature ${f.name}: ${g.error.message}`, g.error.details);
    fields.push(g.value);
  }
  const ev2 = pick64(eventTs, rows);
  const cr2 = pick64(createdTs, rows);
  const enc = encodeRows(k, plan.features.map((f) => f.dtype), { eventTs: ev2, createdTs: cr2, columns: fields });
  if (!enc.ok) return enc;

  const { data: kd, offsets: ko, hashes } = ser.value;
  const { data: vd, offsets: vo } = enc.value;
  const out: EncodedRow[] = new Array(m);
  const groups = new BigUint64Array(m);
  for (let j = 0; j < m; j++) {
    groups[j] = groupKeys[rows[j]];
    out[j] = {
      entityKey: kd.subarray(ko[j], ko[j + 1]),
      keyHash: hashes![j],
      eventTs: Number(ev2[j]),
      createdTs: Number(cr2[j]),
      value: vd.subarray(vo[j], vo[j + 1]),
    };
  }
  return ok({ rows: out, groups, nullKeys });
}
