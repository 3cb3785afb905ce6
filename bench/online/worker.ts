// The benchmark's Worker: larder's Worker plus two bench-only routes, so the
// baseline (one KV get, returned as is) runs in the same workerd, same run.
import { D1RegistryStore } from '../../src/stores/registry/d1-registry-store.ts';
import { createWorker, type Env } from '../../src/worker/index.ts';
import { benchDoc } from './fixture.ts';

const larder = createWorker({ limits: { maxEntityRows: 1000, maxBodyBytes: 8 << 20, maxWriteRows: 1000 } });

export default {
  async fetch(req: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const url = new URL(req.url);
    if (url.pathname === '/__baseline') {
      const v = await env.ONLINE_KV.get('bench/baseline', 'text');
      return new Response(v, { headers: { 'content-type': 'application/json' } });
    }
    if (url.pathname === '/__seed' && req.method === 'POST') {
      const r = await new D1RegistryStore(env.DB).write(benchDoc(env.LARDER_PROJECT ?? 'bench'), 0);
      if (!r.ok && r.error.code !== 'conflict') return new Response(r.error.message, { status: 500 });
      await env.ONLINE_KV.put('bench/baseline', JSON.stringify({ driver_id: 1, value: 0.5 }));
      return new Response('ok');
    }
    return larder.fetch!(req as never, env, ctx);
  },
} satisfies ExportedHandler<Env>;
