// The benchmark's Worker: larder's Worker plus bench-only routes (the baseline, the floor), so the
// baseline (one KV get, returned as is) runs in the same workerd, same run.
import { createWorker, type Env } from '../../src/worker/index.ts';
import kernelModule from '../../build/kernel.wasm';
import { toHex } from '../../src/core/online-store.ts';
import { loadKernel } from '../../src/kernel/instance.ts';
import { viewEntityKeys } from '../../src/serving/entity-keys.ts';
import { viewTable } from '../../src/serving/view-table.ts';
import { SELECT_PACKED } from '../../src/stores/d1/d1-online-store.ts';
import { benchRegistry, viewName } from './fixture.ts';

/** SELECT_PACKED's parameters for what a 1 x 10 request reads (view 0, driver 1), built as the Worker builds them. */
let floorParams: Promise<[string, string, string, number]> | undefined;
async function floorD1Params(project: string): Promise<[string, string, string, number]> {
  const view = benchRegistry(project).featureViews.get(viewName(0))!;
  const keys = viewEntityKeys(await loadKernel(kernelModule), view, { driver_id: [1] }, 1);
  if (!keys.ok) throw new Error(keys.error.message);
  return [project, JSON.stringify([viewTable(view)]), JSON.stringify([toHex(keys.value[0].entityKey)]), 1];
}

const larder = createWorker({ limits: { maxEntityRows: 1000, maxBodyBytes: 8 << 20, maxWriteRows: 1000 } });

export default {
  async fetch(req: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const url = new URL(req.url);
    if (url.pathname === '/__baseline') {
      const v = await env.ONLINE_KV.get('bench/baseline', 'text');
      return new Response(v, { headers: { 'content-type': 'application/json' } });
    }
    // The runtime's fixed costs, without larder (bench/online/floor.ts): no I/O; the baseline's
    // KV get after reading a Feast request body; the one D1 statement a 1 x 10 read sends,
    // with and without that body.
    if (url.pathname === '/__noop') return new Response('{}', { headers: { 'content-type': 'application/json' } });
    if (url.pathname === '/__post_kv') {
      await req.text();
      return new Response(await env.ONLINE_KV.get('bench/baseline', 'text'), { headers: { 'content-type': 'application/json' } });
    }
    if (url.pathname === '/__d1' || url.pathname === '/__post_d1') {
      if (url.pathname === '/__post_d1') await req.text();
      const r = await env.DB.prepare(SELECT_PACKED).bind(...(await (floorParams ??= floorD1Params(env.LARDER_PROJECT ?? 'bench')))).all<{ packed: string | null }>();
      return new Response(JSON.stringify({ bytes: r.results[0]?.packed?.length ?? 0 }), { headers: { 'content-type': 'application/json' } });
    }
    // The baseline's one KV value (the registry goes in through POST /apply, as larder apply --remote sends it).
    if (url.pathname === '/__seed' && req.method === 'POST') {
      await env.ONLINE_KV.put('bench/baseline', JSON.stringify({ driver_id: 1, value: 0.5 }));
      return new Response('ok');
    }
    return larder.fetch!(req as never, env, ctx);
  },
} satisfies ExportedHandler<Env>;
