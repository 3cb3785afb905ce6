// A decode worker: one kernel instance, its open files and a buffer pool.
// Receives DecodeTasks, answers with columns whose buffers are transferred
// (not copied) to the main thread; takes buffers back for reuse.
import { parentPort, workerData } from 'node:worker_threads';
import { BufferPool } from './buffer-pool.ts';
import { columnBuffers } from './columns.ts';
import { FileCache, freshBuffer, runDecodeTask, type DecodeTask } from './decode-task.ts';
import { nodeKernel } from './kernel.ts';
import { pitJoin, type EntityRows, type FeatureRows, type PartitionOptions, type PitJoinOptions } from '../../src/kernel/pit-join.ts';
import type { Result } from '../../src/core/errors.ts';

/** One shard of a point-in-time join: every column (and the answers) in shared memory. */
export interface PitJob {
  readonly entities: EntityRows;
  readonly features: FeatureRows;
  readonly into: Int32Array;
  readonly options: PitJoinOptions & PartitionOptions;
  readonly shard: { readonly index: number; readonly count: number };
}
export type PitResult = Result<void>;

export type ToWorker =
  | { type: 'task'; id: number; task: DecodeTask; reuse: boolean; recycle: ArrayBuffer[] }
  | { type: 'recycle'; buffers: ArrayBuffer[] }
  | { type: 'close-files' }
  | { type: 'pit'; id: number; job: PitJob };

const port = parentPort;
if (!port) throw new Error('offline/parquet/worker.ts must run in a worker thread');
const k = await nodeKernel((workerData as { module: WebAssembly.Module }).module);
const files = new FileCache();
const pool = new BufferPool();

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'recycle') {
    for (const b of msg.buffers) pool.put(b);
    return;
  }
  if (msg.type === 'close-files') {
    files.closeAll();
    return;
  }
  if (msg.type === 'pit') {
    let result: PitResult;
    try {
      const { entities, features, into, options, shard } = msg.job;
      const r = pitJoin(k, entities, features, { ...options, into, shard });
      result = r.ok ? { ok: true, value: undefined } : r;
    } catch (e) {
      result = { ok: false, error: { code: 'kernel_failed', message: `join worker: ${(e as Error).message ?? String(e)}` } };
    }
    port.postMessage({ id: msg.id, result });
    return;
  }
  for (const b of msg.recycle) pool.put(b);
  runDecodeTask(k, files, msg.task, msg.reuse ? pool.take : freshBuffer).then(
    (result) => {
      const transfer = new Set<ArrayBuffer>();
      if (result.ok) for (const c of result.value) columnBuffers(c.column, transfer);
      // Placed columns live in shared memory: shared, not transferred.
      port.postMessage({ id: msg.id, result }, [...transfer].filter((b) => b instanceof ArrayBuffer));
    },
    (e: unknown) => {
      port.postMessage({ id: msg.id, result: { ok: false, error: { code: 'kernel_failed', message: `decode worker: ${(e as Error).stack ?? String(e)}` } } });
    },
  );
});
