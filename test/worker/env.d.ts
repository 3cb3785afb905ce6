// Types for `import { env, exports } from 'cloudflare:workers'` in the workerd tests.
declare namespace Cloudflare {
  interface Env {
    ONLINE_KV: KVNamespace;
    DB: D1Database;
    OFFLINE: R2Bucket;
    PUSH_QUEUE: Queue;
    PUSH_DLQ: Queue;
  }
  interface GlobalProps {
    mainModule: typeof import('../../src/worker/index.ts');
  }
}
