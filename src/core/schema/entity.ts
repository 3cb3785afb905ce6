import { z } from 'zod';
import { ValueType } from './dtype.ts';
import { objectMeta } from './meta.ts';
import { Name } from './name.ts';

/** One column of an entity's key. larder allows several (composite keys). */
export const JoinKey = z.strictObject({ name: Name, valueType: ValueType });
export type JoinKey = z.output<typeof JoinKey>;

export const Entity = z.strictObject({
  name: Name,
  joinKeys: z.array(JoinKey).min(1),
  ...objectMeta,
});
export type Entity = z.output<typeof Entity>;
