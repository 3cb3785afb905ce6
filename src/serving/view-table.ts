import type { FeatureView } from '../core/schema/feature-view.ts';
import type { FieldType } from '../kernel/codec.ts';

/**
 * The online table of a view: its name plus a fingerprint of its feature
 * schema. Stored vectors are decoded with the schema they were encoded with,
 * so a change of schema (apply added, removed or retyped a feature) moves the
 * view to a new table: old vectors are never misread, and reads are
 * NOT_FOUND until the view is materialized again.
 */
export function viewTable(view: FeatureView): string {
  return `${view.name}@${schemaFingerprint(view)}`;
}

export function serviceTable(service: string): string {
  return `svc:${service}`;
}

export function viewFieldTypes(view: FeatureView): FieldType[] {
  return view.features.map((f) => f.dtype as FieldType);
}

/** FNV-1a (32-bit, hex) over `name:dtype` of every feature, in order. */
export function schemaFingerprint(view: FeatureView): string {
  let h = 0x811c9dc5;
  const text = view.features.map((f) => `${f.name}:${f.dtype}`).join(',');
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
