import { err, ok, type Result } from '../core/errors.ts';
import type { OnDemandFeatureView } from '../core/schema/on-demand-feature-view.ts';
import type { FeatureValue, FieldType } from '../kernel/codec.ts';
import { transformKey, type OnDemandFn } from './context.ts';
import { toFeatureValue } from './feature-values.ts';

/**
 * Run an on-demand view over rows of inputs (view features by name, request
 * fields by name) and coerce each output to its declared dtype. The online
 * path and historical retrieval both call this, with the same function, so
 * training and serving compute the same values.
 */
export function runOnDemand(
  odfv: OnDemandFeatureView,
  transforms: ReadonlyMap<string, OnDemandFn>,
  inputs: readonly Readonly<Record<string, FeatureValue>>[],
): Result<FeatureValue[][]> {
  const fn = transforms.get(transformKey(odfv.transformation));
  if (!fn)
    return err(
      'transformation_unavailable',
      `on-demand view "${odfv.name}": transformation ${odfv.transformation.function} from ${odfv.transformation.module} is not loaded here`,
      { onDemandFeatureView: odfv.name, transformation: odfv.transformation },
    );
  const out: FeatureValue[][] = odfv.features.map(() => new Array(inputs.length));
  for (let r = 0; r < inputs.length; r++) {
    let res: Record<string, unknown>;
    try {
      res = fn(inputs[r]);
    } catch (e) {
      return err('transformation_failed', `on-demand view "${odfv.name}" failed on row ${r}: ${(e as Error)?.message ?? String(e)}`, {
        onDemandFeatureView: odfv.name,
        row: r,
      });
    }
    if (res === null || typeof res !== 'object')
      return err('transformation_failed', `on-demand view "${odfv.name}" returned ${String(res)} on row ${r}, expected an object`);
    odfv.features.forEach((f, i) => {
      const v = toFeatureValue(f.dtype as FieldType, res[f.name]);
      out[i][r] = v === undefined ? null : v;
    });
  }
  return ok(out);
}
