// The soak's Worker: larder's Worker plus a seed route that applies the
// soak registry to D1 (bench only).
import { D1RegistryStore } from '../../src/stores/registry/d1-registry-store.ts';
import { createWorker, type Env } from '../../src/worker/index.ts';
import { soakDoc } from './fixture.ts';

const larder = createWorker();

export default {
  async fetch(req: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    if (new URL(req.url).pathname === '/__seed' && req.method === 'POST') {
      const r = await new D1RegistryStore(env.DB).write(soakDoc(env.LARDER_PROJECT ?? 'soak'), 0);
      if (!r.ok && r.error.code !== 'conflict') return new Response(r.error.message, { status: 500 });
      return new Response('ok');
    }
    return larder.fetch!(req as never, env, ctx);
  },
} satisfies ExportedHandler<Env>;
