// The registry-store contract against real local KV inside workerd.
import { env } from 'cloudflare:workers';
import { KvRegistryStore } from '../../src/stores/registry/kv-registry-store.ts';
import { describeRegistryStore } from '../stores/registry/registry-store-contract.ts';

const e = env as unknown as { ONLINE_KV: KVNamespace };

describeRegistryStore('kv', async () => new KvRegistryStore(e.ONLINE_KV, { keyPrefix: 'test-registry:' }));
