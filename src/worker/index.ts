// Cloudflare composition root: the only place that knows about Env bindings
// and imports the compiled kernel module.
import { Hono } from 'hono';
import kernelModule from '../../build/kernel.wasm';
import { loadKernel } from '../kernel/index.ts';

export interface Env {
  ONLINE_KV: KVNamespace;
  DB: D1Database;
}

const app = new Hono<{ Bindings: Env }>();

app.get('/health', async (c) => {
  const kernel = await loadKernel(kernelModule);
  return c.json({ status: 'ok', kernel: { memoryBytes: kernel.memoryBytes } });
});

export default app;
