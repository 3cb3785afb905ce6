import type { RegistryIndex } from '../core/registry/registry-index.ts';
import type { FeatureView } from '../core/schema/feature-view.ts';

/**
 * The timestamp columns rows for a view carry: the event-time column of its
 * source (for a push source, of the push source's batch source) and the
 * optional created-time column.
 */
export function viewTimestampColumns(registry: RegistryIndex, view: FeatureView): { event: string; created: string | null } {
  let src = registry.sources.get(view.source);
  if (src?.type === 'push') src = registry.sources.get(src.batchSource);
  if (src?.type === 'file') return { event: src.timestampField, created: src.createdTimestampColumn };
  return { event: 'event_timestamp', created: null };
}
