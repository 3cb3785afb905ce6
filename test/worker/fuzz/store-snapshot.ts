// A byte-exact picture of everything the online stores hold: every KV key
// with its value (KV values are text: the online store's envelopes), and every D1 online_rows row (entity key and value as hex).
// Two snapshots are equal exactly when no store byte changed in between.

interface KvListing {
  list(o: { cursor?: string | null; limit?: number }): Promise<{ keys: { name: string }[]; list_complete: boolean; cursor?: string }>;
  get(keys: string[], type: 'text'): Promise<Map<string, string | null>>;
}

const hex = (b: ArrayBuffer | Uint8Array | number[] | null): string => {
  if (b === null) return 'null';
  const u = b instanceof Uint8Array ? b : Array.isArray(b) ? Uint8Array.from(b) : new Uint8Array(b);
  let s = '';
  for (const x of u) s += x.toString(16).padStart(2, '0');
  return s;
};

export async function snapshotStores(kv: KvListing, db: D1Database): Promise<string> {
  const parts: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await kv.list({ cursor, limit: 1000 });
    const names = page.keys.map((k) => k.name);
    for (let i = 0; i < names.length; i += 100) {
      const got = await kv.get(names.slice(i, i + 100), 'text'); // bulk get: 100 keys per call
      for (const n of names.slice(i, i + 100)) parts.push(`kv ${n} = ${JSON.stringify(got.get(n) ?? null)}`);
    }
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  const rows = await db
    .prepare('SELECT project, tbl, entity_key, event_ts, created_ts, value FROM online_rows ORDER BY project, tbl, entity_key')
    .all<{ project: string; tbl: string; entity_key: ArrayBuffer; event_ts: number; created_ts: number; value: ArrayBuffer }>();
  for (const r of rows.results) parts.push(`d1 ${r.project} ${r.tbl} ${hex(r.entity_key)} ${r.event_ts} ${r.created_ts} ${hex(r.value)}`);
  return parts.join('\n');
}
