// One contract suite for every MetadataStore adapter (memory and file in Node; D1 and KV
// inside workerd). Call describeMetadataStore(name, make) from a test file.
import { describe, expect, it } from 'vitest';
import type { MetadataStore } from '../../src/stores/metadata/metadata-store.ts';

let seq = 0;
const project = () => `m${Date.now().toString(36)}${(seq++).toString(36)}`;

export function describeMetadataStore(name: string, make: () => MetadataStore | Promise<MetadataStore>) {
  describe(`metadata store contract: ${name}`, () => {
    it('reads null for a record never written, and lists nothing', async () => {
      const s = await make();
      const p = project();
      expect(await s.get(p, 'statistics', 'driver_hourly_stats')).toEqual({ ok: true, value: null });
      expect(await s.list(p, 'statistics')).toEqual({ ok: true, value: [] });
      expect(await s.delete(p, 'statistics', 'nope')).toEqual({ ok: true, value: false });
    });

    it('puts, gets, replaces and deletes a record with its JSON body intact', async () => {
      const s = await make();
      const p = project();
      const body = { rowCount: 3, features: [{ name: 'conv_rate', mean: 0.5, q: [1, 2.5, null] }], note: 'naïve ✓' };
      expect((await s.put(p, 'statistics', 'driver_hourly_stats', body)).ok).toBe(true);
      const got = await s.get(p, 'statistics', 'driver_hourly_stats');
      expect(got.ok && got.value?.body).toEqual(body);
      expect(got.ok && got.value?.name).toBe('driver_hourly_stats');
      expect(got.ok && Number.isNaN(Date.parse(got.value!.updatedAt))).toBe(false);

      expect((await s.put(p, 'statistics', 'driver_hourly_stats', { rowCount: 4 })).ok).toBe(true);
      const replaced = await s.get(p, 'statistics', 'driver_hourly_stats');
      expect(replaced.ok && replaced.value?.body).toEqual({ rowCount: 4 });

      expect(await s.delete(p, 'statistics', 'driver_hourly_stats')).toEqual({ ok: true, value: true });
      expect(await s.get(p, 'statistics', 'driver_hourly_stats')).toEqual({ ok: true, value: null });
    });

    it('keeps kinds and projects apart, and lists by name', async () => {
      const s = await make();
      const p = project();
      const q = project();
      await s.put(p, 'watermark', 'b_view', { watermark: '2026-01-02T00:00:00Z' });
      await s.put(p, 'watermark', 'a view/with:odd%chars', { watermark: '2026-01-01T00:00:00Z' });
      await s.put(p, 'statistics', 'b_view', { rowCount: 1 });
      await s.put(q, 'watermark', 'b_view', { watermark: 'other project' });
      const list = await s.list(p, 'watermark');
      expect(list.ok && list.value.map((r) => [r.name, r.body])).toEqual([
        ['a view/with:odd%chars', { watermark: '2026-01-01T00:00:00Z' }],
        ['b_view', { watermark: '2026-01-02T00:00:00Z' }],
      ]);
      const other = await s.get(q, 'watermark', 'b_view');
      expect(other.ok && other.value?.body).toEqual({ watermark: 'other project' });
      const stats = await s.list(p, 'statistics');
      expect(stats.ok && stats.value.map((r) => r.name)).toEqual(['b_view']);
    });

    it('refuses empty or control-character names and non-JSON bodies, writing nothing', async () => {
      const s = await make();
      const p = project();
      for (const bad of ['', 'a\nb', 'x'.repeat(257)]) {
        const r = await s.put(p, 'api_key', bad, { x: 1 });
        expect(r.ok || r.error.code).toBe('invalid_argument');
      }
      const r = await s.put(p, 'api_key', 'k', undefined);
      expect(r.ok || r.error.code).toBe('invalid_argument');
      expect(await s.list(p, 'api_key')).toEqual({ ok: true, value: [] });
    });
  });
}
