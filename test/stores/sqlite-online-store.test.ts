import { DatabaseSync } from 'node:sqlite';
import { SqliteOnlineStore } from '../../src/stores/sqlite/sqlite-online-store.ts';
import { describeOnlineStore } from '../contract/online-store.contract.ts';

describeOnlineStore('sqlite (node:sqlite)', () => new SqliteOnlineStore(new DatabaseSync(':memory:')));
