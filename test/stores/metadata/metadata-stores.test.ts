import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileMetadataStore } from '../../../offline/stores/file-metadata-store.ts';
import { MemoryMetadataStore } from '../../../src/stores/metadata/memory-metadata-store.ts';
import { describeMetadataStore } from '../../contract/metadata-store.contract.ts';

describeMetadataStore('memory', () => new MemoryMetadataStore());
describeMetadataStore('file', async () => new FileMetadataStore(join(await mkdtemp(join(tmpdir(), 'larder-meta-')), 'metadata')));
