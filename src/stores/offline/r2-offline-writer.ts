import { err, ok, type Result } from '../../core/errors.ts';
import { isSafeKey, type OfflineWriter } from './offline-writer.ts';
import type { R2Like } from './r2-like.ts';

const CONTENT_TYPES: Readonly<Record<string, string>> = { parquet: 'application/vnd.apache.parquet', arrow: 'application/vnd.apache.arrow.file' };

/**
 * Pushed rows in an R2 bucket (the Worker's `OFFLINE` binding), one object
 * per batch under the repo-relative key. R2 puts are atomic per object.
 */
export class R2OfflineWriter implements OfflineWriter {
  readonly #bucket: R2Like;
  readonly where: string;

  constructor(bucket: R2Like, binding = 'OFFLINE') {
    this.#bucket = bucket;
    this.where = `r2 ${binding}`;
  }

  async put(key: string, bytes: Uint8Array): Promise<Result<void>> {
    if (!isSafeKey(key)) return err('invalid_argument', `offline object key "${key}" is not a safe relative path`);
    const ext = key.slice(key.lastIndexOf('.') + 1);
    try {
      await this.#bucket.put(key, bytes, { httpMetadata: { contentType: CONTENT_TYPES[ext] ?? 'application/octet-stream' } });
      return ok(undefined);
    } catch (e) {
      return err('store_unavailable', `R2 put ${key} failed: ${(e as Error).message}`, { key });
    }
  }

  async list(prefix: string): Promise<Result<string[]>> {
    const keys: string[] = [];
    try {
      let cursor: string | undefined;
      do {
        const page = await this.#bucket.list({ prefix, ...(cursor !== undefined && { cursor }) });
        for (const o of page.objects) keys.push(o.key);
        cursor = page.truncated ? page.cursor : undefined;
      } while (cursor !== undefined);
    } catch (e) {
      return err('store_unavailable', `R2 list ${prefix} failed: ${(e as Error).message}`, { prefix });
    }
    return ok(keys.sort());
  }

  async get(key: string): Promise<Result<Uint8Array | null>> {
    try {
      const o = await this.#bucket.get(key);
      return ok(o === null ? null : new Uint8Array(await o.arrayBuffer()));
    } catch (e) {
      return err('store_unavailable', `R2 get ${key} failed: ${(e as Error).message}`, { key });
    }
  }
}
