import { MemoryRegistryStore } from '../../../src/stores/registry/memory-registry-store.ts';
import { describeRegistryStore } from './registry-store-contract.ts';

describeRegistryStore('memory', async () => new MemoryRegistryStore());
