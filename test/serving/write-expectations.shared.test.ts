// Expectations on ingestion: rows pushed or written that break a range, allowed values or
// required are refused whole (nothing written), or kept and counted when the view says
// on_violation: accept. Runs in Node and in workerd.
import { describe, expect, it } from 'vitest';
import { indexRegistry } from '../../src/core/registry/registry-index.ts';
import { RegistryDocument } from '../../src/core/schema/registry-document.ts';
import type { ServingContext } from '../../src/serving/context.ts';
import { pushFrame } from '../../src/serving/push-rows.ts';
import { writeViewFrame } from '../../src/serving/write-rows.ts';
import { viewEntityKeys } from '../../src/serving/entity-keys.ts';
import { viewTable } from '../../src/serving/view-table.ts';
import { MemoryOnlineStore } from '../../src/stores/memory/memory-online-store.ts';
import { testKernel } from '../support/kernel.ts';
import { fixtureDoc } from './fixture-registry.ts';

function registry(onViolation?: 'accept') {
  const doc = structuredClone(RegistryDocument.parse(fixtureDoc)) as unknown as { featureViews: Record<string, unknown>[] };
  const hourly = doc.featureViews.find((v) => v.name === 'driver_hourly_stats')! as { features: Record<string, unknown>[]; onViolation?: string };
  hourly.features[0].expectations = { min: 0, max: 1 }; // conv_rate
  hourly.features[2].expectations = { required: true, allowedValues: [1, 2, 3, 10] }; // avg_daily_trips
  if (onViolation) hourly.onViolation = onViolation;
  return indexRegistry(RegistryDocument.parse(doc));
}

async function context(onViolation?: 'accept'): Promise<ServingContext & { online: MemoryOnlineStore }> {
  return { project: 'p', kernel: await testKernel(), registry: registry(onViolation), online: new MemoryOnlineStore(), transforms: new Map(), now: () => Date.now() * 1000 };
}

const frame = (conv: (number | null)[], trips: (number | null)[]) => ({
  driver_id: conv.map((_, i) => 1000 + i),
  event_timestamp: conv.map(() => '2026-01-01T00:00:00Z'),
  created: conv.map(() => null),
  conv_rate: conv,
  acc_rate: conv.map(() => 0.5),
  avg_daily_trips: trips,
});

async function stored(ctx: ServingContext & { online: MemoryOnlineStore }) {
  const view = ctx.registry.featureViews.get('driver_hourly_stats')!;
  // Which of the four drivers frame() may write have a stored row.
  const k = viewEntityKeys(ctx.kernel, view, { driver_id: [1000, 1001, 1002, 1003] }, 4);
  if (!k.ok) throw new Error(k.error.message);
  const r = await ctx.online.read('p', viewTable(view), k.value);
  if (!r.ok) throw new Error(r.error.message);
  return r.value.map((v) => v !== null);
}

describe('expectations on ingestion', () => {
  it('accepts rows that meet every expectation', async () => {
    const ctx = await context();
    const r = await writeViewFrame(ctx, 'driver_hourly_stats', frame([0, 0.5, 1], [1, 2, 10]));
    expect(r).toEqual({ ok: true, value: { rows: 3, written: 3, skipped: 0 } });
    expect(await stored(ctx)).toEqual([true, true, true, false]);
  });

  it('refuses a batch with a value out of range, naming the feature, and writes nothing', async () => {
    const ctx = await context();
    const r = await writeViewFrame(ctx, 'driver_hourly_stats', frame([0.2, 1.5, 0.3, -0.1], [1, 2, 3, 1]));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('expectation_failed');
    expect(r.error.message).toContain('conv_rate');
    const details = r.error.details as { offendingRows: number; violations: { feature: string; expectation: string; count: number; examples: { row: number }[] }[] };
    expect(details.offendingRows).toBe(2);
    expect(details.violations).toHaveLength(1);
    expect(details.violations[0]).toMatchObject({ feature: 'conv_rate', expectation: 'range', count: 2 });
    expect(details.violations[0].examples.map((e) => e.row)).toEqual([1, 3]);
    expect(await stored(ctx)).toEqual([false, false, false, false]);
  });

  it('refuses nulls in a required feature and values outside the allowed set', async () => {
    const ctx = await context();
    const r = await writeViewFrame(ctx, 'driver_hourly_stats', frame([0.1, 0.2, 0.3], [null, 7, 3]));
    expect(r.ok || r.error.code).toBe('expectation_failed');
    if (r.ok) return;
    const kinds = (r.error.details as { violations: { expectation: string; count: number }[] }).violations.map((v) => [v.expectation, v.count]);
    expect(kinds.sort()).toEqual([['allowed_values', 1], ['required', 1]]);
    expect(await stored(ctx)).toEqual([false, false, false, false]);
  });

  it('refuses a push whole, online and offline, when one row breaks an expectation', async () => {
    const ctx = await context();
    const puts: string[] = [];
    const offline = { where: 'test', put: async (key: string) => (puts.push(key), { ok: true as const, value: undefined }), list: async () => ({ ok: true as const, value: [] }), get: async () => ({ ok: true as const, value: null }) };
    const r = await pushFrame(ctx, 'driver_push', frame([0.1, 2], [1, 1]), { to: 'online_and_offline', offline: offline as never });
    expect(r.ok || r.error.code).toBe('expectation_failed');
    expect(puts).toEqual([]);
    expect(await stored(ctx)).toEqual([false, false, false, false]);
  });

  it('keeps and counts violating rows when the view says on_violation: accept', async () => {
    const ctx = await context('accept');
    const r = await writeViewFrame(ctx, 'driver_hourly_stats', frame([0.2, 1.5, 0.3, -0.1], [1, 2, 3, 1]));
    expect(r).toEqual({ ok: true, value: { rows: 4, written: 4, skipped: 0, violations: 2 } });
    expect(await stored(ctx)).toEqual([true, true, true, true]);
    const p = await pushFrame(ctx, 'driver_push', frame([5], [1]), { to: 'online' });
    expect(p.ok && p.value.violations).toBe(1);
  });
});
