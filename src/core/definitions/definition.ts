import type { z } from 'zod';
import type {
  EntitySpec,
  FeatureServiceSpec,
  FeatureViewSpec,
  FieldSpec,
  FileSourceSpec,
  OnDemandFeatureViewSpec,
  PushSourceSpec,
  RequestSourceSpec,
  TransformationSpec,
} from '../schema/definition-spec.ts';

/**
 * What the TypeScript builders return: the input, frozen, with its `kind`, and branded so the
 * loader can tell definitions apart from other exports. References may be definition objects
 * (their names are used) or names. `Symbol.for` keeps the brand stable across package copies.
 */
export const DEFINITION: unique symbol = Symbol.for('larder.definition') as never;

type Meta = Pick<z.input<typeof EntitySpec>, 'description' | 'tags' | 'owner'>;
export type FieldInput = z.input<typeof FieldSpec>;

export type EntityInput = Omit<z.input<typeof EntitySpec>, 'kind'>;
export type FileSourceInput = Omit<z.input<typeof FileSourceSpec>, 'kind'>;
export type PushSourceInput = Omit<z.input<typeof PushSourceSpec>, 'kind' | 'batchSource'> & {
  /** The file source that holds the pushed rows' history. */
  readonly batchSource: FileSourceDefinition | string;
};
export type RequestSourceInput = Omit<z.input<typeof RequestSourceSpec>, 'kind' | 'schema'> & {
  readonly schema: readonly FieldInput[];
};
export type FeatureViewInput = Omit<z.input<typeof FeatureViewSpec>, 'kind' | 'entities' | 'source' | 'schema'> & {
  readonly entities?: readonly (EntityDefinition | string)[];
  readonly schema: readonly FieldInput[];
  readonly source: FileSourceDefinition | PushSourceDefinition | string;
};

/** A value of a feature or request field as seen by a transformation. */
export type FeatureValue = null | boolean | number | bigint | string | Uint8Array | readonly FeatureValue[];
/** One row: the input views' features and the request fields, by name. */
export type OnDemandRow = Readonly<Record<string, FeatureValue>>;
/**
 * An on-demand transformation: one row in, the declared output fields out. It must be a named
 * export of a module in the repo, so both the Worker and the offline join can load it.
 */
export type OnDemandTransform = (row: OnDemandRow) => Record<string, FeatureValue>;

export type OnDemandSourceInput =
  | FeatureViewDefinition
  | RequestSourceDefinition
  | string
  | { readonly view: FeatureViewDefinition | string; readonly features?: readonly string[] }
  | { readonly requestSource: RequestSourceDefinition | string };

export type OnDemandFeatureViewInput = Omit<z.input<typeof OnDemandFeatureViewSpec>, 'kind' | 'sources' | 'schema' | 'transformation'> & {
  readonly sources: readonly OnDemandSourceInput[];
  /** The output schema. */
  readonly schema: readonly FieldInput[];
  /** The function itself (exported from a repo module), or where to find it. */
  readonly transformation: OnDemandTransform | TransformationSpec;
};

export type ProjectionInput =
  | FeatureViewDefinition
  | OnDemandFeatureViewDefinition
  | string
  | {
      readonly view: FeatureViewDefinition | OnDemandFeatureViewDefinition | string;
      readonly features?: readonly string[];
      readonly alias?: string | null;
      readonly joinKeyMap?: Readonly<Record<string, string>>;
    };

export type FeatureServiceInput = Omit<z.input<typeof FeatureServiceSpec>, 'kind' | 'features'> & {
  readonly features: readonly ProjectionInput[];
};

type Def<K extends string, I> = Readonly<I> & { readonly kind: K; readonly [DEFINITION]: true };
export type EntityDefinition = Def<'entity', EntityInput>;
export type FileSourceDefinition = Def<'file_source', FileSourceInput>;
export type PushSourceDefinition = Def<'push_source', PushSourceInput>;
export type RequestSourceDefinition = Def<'request_source', RequestSourceInput>;
export type FeatureViewDefinition = Def<'feature_view', FeatureViewInput>;
export type OnDemandFeatureViewDefinition = Def<'on_demand_feature_view', OnDemandFeatureViewInput>;
export type FeatureServiceDefinition = Def<'feature_service', FeatureServiceInput>;
export type SourceDefinition = FileSourceDefinition | PushSourceDefinition | RequestSourceDefinition;

export type Definition =
  | EntityDefinition
  | SourceDefinition
  | FeatureViewDefinition
  | OnDemandFeatureViewDefinition
  | FeatureServiceDefinition;

export type { Meta as DefinitionMeta };

export function define<K extends Definition['kind'], I extends object>(kind: K, input: I): Def<K, I> {
  const out = { ...input, kind };
  Object.defineProperty(out, DEFINITION, { value: true, enumerable: false });
  return Object.freeze(out) as unknown as Def<K, I>;
}

export function isDefinition(x: unknown): x is Definition {
  return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[DEFINITION] === true;
}
