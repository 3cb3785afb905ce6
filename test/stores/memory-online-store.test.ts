import { MemoryOnlineStore } from '../../src/stores/memory/memory-online-store.ts';
import { describeOnlineStore } from '../contract/online-store.contract.ts';

describeOnlineStore('memory', () => new MemoryOnlineStore());
