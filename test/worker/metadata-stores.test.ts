import { env } from 'cloudflare:workers';
import { D1MetadataStore } from '../../src/stores/metadata/d1-metadata-store.ts';
import { KvMetadataStore } from '../../src/stores/metadata/kv-metadata-store.ts';
import { describeMetadataStore } from '../contract/metadata-store.contract.ts';

const e = env as unknown as { DB: D1Database; ONLINE_KV: KVNamespace };
describeMetadataStore('d1 (workerd)', () => new D1MetadataStore(e.DB));
describeMetadataStore('kv (workerd)', () => new KvMetadataStore(e.ONLINE_KV));
