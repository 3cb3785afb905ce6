import { err, type Result } from '../core/errors.ts';
import type { OnlineStore, TableRead, TableWrite } from '../core/online-store.ts';
import type { MetadataStore } from '../stores/metadata/metadata-store.ts';
import type { RegistryStore } from '../stores/registry/registry-store.ts';

/**
 * A store that throws (a binding gone away, a driver bug, a value it cannot
 * decode) is an unavailable store, not an internal error: every method of the
 * guarded store turns a thrown exception into `store_unavailable` (HTTP 503),
 * like the adapters already do for the failures they expect.
 */
export function guardOnlineStore(store: OnlineStore): OnlineStore {
  return {
    read: (project, table, keys) => guarded('read', () => store.read(project, table, keys)),
    ...(store.readMany ? { readMany: (project: string, reads: readonly TableRead[]) => guarded('read', () => store.readMany!(project, reads)) } : {}),
    write: (project, table, rows) => guarded('write', () => store.write(project, table, rows)),
    ...(store.writeMany ? { writeMany: (project: string, writes: readonly TableWrite[]) => guarded('write', () => store.writeMany!(project, writes)) } : {}),
    dropTable: (project, table) => guarded('drop', () => store.dropTable(project, table)),
  };
}

/** The registry read the app does per request, with throws turned into `store_unavailable`. */
export function guardRegistry<T>(registry: { get(): Promise<Result<T>> }): { get(): Promise<Result<T>> } {
  return { get: () => guarded('registry read', () => registry.get(), 'registry store') };
}

/** The registry store `POST /apply` reads and writes. */
export function guardRegistryStore(store: RegistryStore): RegistryStore {
  return {
    read: (project) => guarded('read', () => store.read(project), 'registry store'),
    write: (doc, expectedVersion) => guarded('write', () => store.write(doc, expectedVersion), 'registry store'),
  };
}

/** Statistics, watermarks and API keys: a throwing metadata store is `store_unavailable` too. */
export function guardMetadata(store: MetadataStore): MetadataStore {
  const what = 'metadata store';
  return {
    get: (project, kind, name) => guarded('read', () => store.get(project, kind, name), what),
    put: (project, kind, name, body) => guarded('write', () => store.put(project, kind, name, body), what),
    list: (project, kind) => guarded('list', () => store.list(project, kind), what),
    delete: (project, kind, name) => guarded('delete', () => store.delete(project, kind, name), what),
  };
}

async function guarded<T>(op: string, call: () => Promise<Result<T>>, what = 'online store'): Promise<Result<T>> {
  try {
    return await call();
  } catch (e) {
    return err('store_unavailable', `${what} ${op} failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}
