import { z } from 'zod';

/** A string record stored with its keys sorted, so serialization is stable. */
export const SortedRecord = z
  .record(z.string(), z.string())
  .transform((r): Record<string, string> => Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));

export const Tags = SortedRecord;
export type Tags = z.output<typeof Tags>;

/** RFC 3339 timestamp in UTC (`2025-01-01T00:00:00.000Z`). */
export const Timestamp = z.iso.datetime({ offset: false });

/** Fields shared by every registry object. */
export const objectMeta = {
  description: z.string(),
  tags: Tags,
  owner: z.string(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
};

/** The fields that record when an object changed; plans ignore them. */
export const TIMESTAMP_KEYS = ['createdAt', 'updatedAt'] as const;
