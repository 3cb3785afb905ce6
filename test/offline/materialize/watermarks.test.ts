import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryMetadataStore } from '../../../src/stores/metadata/memory-metadata-store.ts';
import { freshnessOf } from '../../../src/worker/routes/catalog.ts';
import { fileWatermarks, metadataWatermarks, type ViewWatermark } from '../../../offline/materialize/watermarks.ts';

const mark = (watermark: string): ViewWatermark => ({ watermark, table: 'stats@0badf00d', store: 'sqlite data/online.db', updated_at: '2025-01-02T00:00:00.000Z' });

describe('watermark stores', () => {
  it('metadata records: written per view, read back, and what the Worker reports as freshness', async () => {
    const metadata = new MemoryMetadataStore();
    const marks = metadataWatermarks(metadata, 'p');
    expect(await marks.read('stats')).toEqual({ ok: true, value: null });
    expect((await marks.write('stats', mark('2025-01-01T10:00:00Z'))).ok).toBe(true);
    expect(await marks.read('stats')).toEqual({ ok: true, value: mark('2025-01-01T10:00:00Z') });
    const rec = await metadata.get('p', 'watermark', 'stats');
    if (!rec.ok) throw new Error(rec.error.message);
    expect(freshnessOf('stats', rec.value)).toEqual({
      ok: true,
      value: { view: 'stats', materialized: true, watermark: '2025-01-01T10:00:00Z', updated_at: '2025-01-02T00:00:00.000Z' },
    });
  });

  it('falls back to the JSON file of earlier versions for views without a record; a record that is not a watermark is corrupt_data', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'larder-wm-')), 'materialization.json');
    await fileWatermarks(path, 'p').write('old_view', mark('2024-12-31T00:00:00Z'));
    const metadata = new MemoryMetadataStore();
    const marks = metadataWatermarks(metadata, 'p', path);
    expect(await marks.read('old_view')).toEqual({ ok: true, value: mark('2024-12-31T00:00:00Z') });
    await marks.write('old_view', mark('2025-01-01T00:00:00Z'));
    expect(await marks.read('old_view')).toEqual({ ok: true, value: mark('2025-01-01T00:00:00Z') });
    // The record is written, and mirrored to the file.
    expect((await metadata.get('p', 'watermark', 'old_view')) as unknown).toMatchObject({ ok: true, value: { body: mark('2025-01-01T00:00:00Z') } });
    expect(await fileWatermarks(path, 'p').read('old_view')).toEqual({ ok: true, value: mark('2025-01-01T00:00:00Z') });
    await metadata.put('p', 'watermark', 'bad', { nope: 1 });
    expect(await marks.read('bad')).toMatchObject({ ok: false, error: { code: 'corrupt_data' } });
  });
});
