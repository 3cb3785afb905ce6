// The point-in-time join of a large view on the decode threads, one shard of
// the kernel's key-hash partitions per thread, each with its own kernel. The
// source's key and time columns are already in shared memory (the decoders
// wrote them there, see view-rows.ts); the entity columns are copied into
// shared memory (16 bytes per row) and every thread writes the answers of its
// own partitions into one shared result. Same kernel, same partitioning as
// pitJoin on one thread, so the answers are the same; the join's compute and
// the first touch of its kernel memory are spread over the cores.
import { availableParallelism } from 'node:os';
import { err, ok, type Result } from '../../src/core/errors.ts';
import { choosePitPartitions, type EntityRows, type FeatureRows, type PartitionOptions, type PitJoinOptions } from '../../src/kernel/pit-join.ts';
import { decodePool } from '../parquet/worker-pool.ts';

/** A decode thread's kernel grown past this by a join is replaced by a fresh one once the thread is idle (0.5 s). */
const RELEASE_KERNEL_ABOVE = 256 << 20;

/** Below this many entity rows one thread joins faster than the hand-off costs. */
const MIN_ENTITY_ROWS = 1 << 18;

function shared<T extends BigUint64Array | BigInt64Array>(a: T, make: (b: SharedArrayBuffer, n: number) => T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const out = make(new SharedArrayBuffer(a.byteLength), a.length);
  out.set(a as never);
  return out;
}

/**
 * The join on the decode threads, or null when it is not worth it (one core, a small join, or
 * source columns not in shared memory): the caller then joins on its own thread.
 */
export async function parallelPitJoin(
  entities: EntityRows,
  features: FeatureRows,
  options: PitJoinOptions & PartitionOptions,
  tuning: { readonly minEntityRows?: number; readonly threads?: number; readonly releaseKernelAboveBytes?: number } = {},
): Promise<Result<Int32Array> | null> {
  const threads = tuning.threads ?? Math.min(4, availableParallelism());
  const n = entities.keys.length;
  const m = features.keys.length;
  if (threads < 2 || n < (tuning.minEntityRows ?? MIN_ENTITY_ROWS) || !(features.keys.buffer instanceof SharedArrayBuffer)) return null;
  // At least one partition per thread; more when the memory bound asks for them.
  const partitions = Math.max(options.partitions ?? choosePitPartitions(n, m), threads);
  const e: EntityRows = {
    keys: shared(entities.keys, (b, x) => new BigUint64Array(b, 0, x)),
    ts: shared(entities.ts, (b, x) => new BigInt64Array(b, 0, x)),
  };
  const f: FeatureRows = {
    keys: features.keys,
    eventTs: shared(features.eventTs, (b, x) => new BigInt64Array(b, 0, x)),
    createdTs: shared(features.createdTs, (b, x) => new BigInt64Array(b, 0, x)),
  };
  const into = new Int32Array(new SharedArrayBuffer(4 * n));
  const pool = decodePool(threads);
  const done = await Promise.all(
    Array.from({ length: threads }, (_, index) => pool.runPit(index, { entities: e, features: f, into, options: { ...options, partitions }, shard: { index, count: threads }, releaseKernelAboveBytes: tuning.releaseKernelAboveBytes ?? RELEASE_KERNEL_ABOVE })),
  );
  const failed = done.find((r) => !r.ok);
  if (failed && !failed.ok) return err(failed.error.code, failed.error.message, failed.error.details);
  return ok(into);
}
