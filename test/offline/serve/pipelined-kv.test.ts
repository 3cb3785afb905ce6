import { describe, expect, it } from 'vitest';
import type { KvLike } from '../../../src/stores/kv/kv-like.ts';
import { PipelinedKv, PipelinedKvOnlineStore } from '../../../offline/stores/pipelined-kv.ts';
import { describeOnlineStore, key, row } from '../../contract/online-store.contract.ts';

/** An in-memory KvLike whose puts take a little while and complete out of order. */
class SlowKv implements KvLike {
  readonly data = new Map<string, string>();
  inflight = 0;
  maxInflight = 0;
  failOn: string | null = null;

  async get(keys: string[]): Promise<Map<string, string | null>> {
    return new Map(keys.map((k) => [k, this.data.get(k) ?? null]));
  }

  async put(k: string, v: string): Promise<void> {
    this.inflight++;
    this.maxInflight = Math.max(this.maxInflight, this.inflight);
    await new Promise((r) => setTimeout(r, Math.random() * 3));
    this.inflight--;
    if (k === this.failOn) throw new Error(`put ${k} refused`);
    this.data.set(k, v);
  }

  async delete(k: string): Promise<void> {
    this.data.delete(k);
  }

  async list(options: { prefix: string }) {
    return { keys: [...this.data.keys()].filter((k) => k.startsWith(options.prefix)).map((name) => ({ name })), list_complete: true };
  }
}

describeOnlineStore('pipelined KV (Node, over the platform proxy)', () => new PipelinedKvOnlineStore(new SlowKv()));

describe('PipelinedKv', () => {
  it('keeps at most `limit` puts in flight and has them all landed when a write returns', async () => {
    const kv = new SlowKv();
    const store = new PipelinedKvOnlineStore(kv, 8);
    const rows = Array.from({ length: 200 }, (_, i) => row(key(i), 10, 1, [i & 255]));
    expect(await store.write('p', 'v', rows)).toEqual({ ok: true, value: { written: 200, skipped: 0 } });
    expect(kv.inflight).toBe(0);
    expect(kv.data.size).toBe(200);
    expect(kv.maxInflight).toBeGreaterThan(1);
    expect(kv.maxInflight).toBeLessThanOrEqual(8);
  });

  it('reports a failed put from the write that made it', async () => {
    const kv = new SlowKv();
    const store = new PipelinedKvOnlineStore(kv, 4);
    await store.write('p', 'v', [row(key(1), 10, 1, [1])]);
    kv.failOn = [...kv.data.keys()][0];
    const w = await store.write('p', 'v', [row(key(1), 20, 1, [2]), row(key(2), 20, 1, [3])]);
    expect(w).toMatchObject({ ok: false, error: { code: 'store_unavailable', message: expect.stringContaining('refused') } });
    kv.failOn = null;
    // The failure was consumed: the store works again.
    expect(await store.write('p', 'v', [row(key(1), 30, 1, [4])])).toEqual({ ok: true, value: { written: 1, skipped: 0 } });
  });

  it('waits for puts before reading', async () => {
    const kv = new SlowKv();
    const p = new PipelinedKv(kv, 16);
    for (let i = 0; i < 50; i++) await p.put(`k${i}`, `v${i}`);
    const got = await p.get(['k0', 'k49'], 'text');
    expect([...got.values()]).toEqual(['v0', 'v49']);
  });
});
