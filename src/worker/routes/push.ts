import { err, ok, type Result } from '../../core/errors.ts';
import type { EncodedRow, WriteSummary } from '../../core/online-store.ts';
import type { FeatureView } from '../../core/schema/feature-view.ts';
import type { ServingContext } from '../../serving/context.ts';
import type { EntityColumns } from '../../serving/entity-keys.ts';
import { encodeParsedRows, parseViewRows, writeEncodedRows } from '../../serving/write-rows.ts';

/**
 * Push rows to every online view fed by a push source. Every view's rows are
 * validated and encoded before anything is written, so an invalid batch
 * writes nothing.
 */
export async function pushOnline(ctx: ServingContext, pushSource: string, df: EntityColumns): Promise<Result<WriteSummary & { rows: number; views: string[] }>> {
  const src = ctx.registry.sources.get(pushSource);
  if (!src || src.type !== 'push') return err('not_found', `unknown push source "${pushSource}"`, { pushSource });
  const views = [...ctx.registry.featureViews.values()].filter((v) => v.source === pushSource && v.online);
  const encoded: [FeatureView, EncodedRow[]][] = [];
  let rows = 0;
  for (const view of views) {
    const parsed = parseViewRows(ctx, view, df);
    if (!parsed.ok) return parsed;
    const enc = encodeParsedRows(ctx, parsed.value);
    if (!enc.ok) return enc;
    encoded.push([view, enc.value]);
    rows = parsed.value.rows;
  }
  let written = 0;
  let skipped = 0;
  for (const [view, rowsOf] of encoded) {
    const w = await writeEncodedRows(ctx, view, rowsOf);
    if (!w.ok) return w;
    written += w.value.written;
    skipped += w.value.skipped;
  }
  return ok({ rows, written, skipped, views: views.map((v) => v.name) });
}
