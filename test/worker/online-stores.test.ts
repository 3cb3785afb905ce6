// The online-store contract against real local KV and D1 inside workerd.
import { env } from 'cloudflare:workers';
import { D1OnlineStore } from '../../src/stores/d1/d1-online-store.ts';
import { KvOnlineStore } from '../../src/stores/kv/kv-online-store.ts';
import { describeOnlineStore } from '../contract/online-store.contract.ts';

const e = env as unknown as { ONLINE_KV: KVNamespace; DB: D1Database };
describeOnlineStore('kv', () => new KvOnlineStore(e.ONLINE_KV));
describeOnlineStore('d1', () => new D1OnlineStore(e.DB));
