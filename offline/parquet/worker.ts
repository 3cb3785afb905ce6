// A decode worker: one kernel instance, its open files and a buffer pool.
// Receives DecodeTasks, answers with columns whose buffers are transferred
// (not copied) to the main thread; takes buffers back for reuse.
import { parentPort, workerData } from 'node:worker_threads';
import { BufferPool } from './buffer-pool.ts';
import { columnBuffers } from './columns.ts';
import { FileCache, freshBuffer, runDecodeTask, type DecodeTask } from './decode-task.ts';
import { pitJoin, type EntityRows, type FeatureRows, type PartitionOptions, type PitJoinOptions } from '../../src/kernel/pit-join.ts';
import type { Result } from '../../src/core/errors.ts';
import { instantiateKernel } from '../../src/kernel/instance.ts';

/** One shard of a point-in-time join: every column (and the answers) in shared memory. */
export interface PitJob {
  readonly entities: EntityRows;
  readonly features: FeatureRows;
  readonly into: Int32Array;
  readonly options: PitJoinOptions & PartitionOptions;
  readonly shard: { readonly index: number; readonly count: number };
  /**
   * A kernel whose memory grew past this many bytes is dropped for a fresh one when the thread
   * has been idle for a moment after the job (wasm memory never shrinks): a long-lived process
   * does not keep a big join's memory, and a retrieval's next view still reuses it.
   */
  readonly releaseKernelAboveBytes: number;
}
export type PitResult = Result<void>;

export type ToWorker =
  | { type: 'task'; id: number; task: DecodeTask; reuse: boolean; recycle: ArrayBuffer[] }
  | { type: 'recycle'; buffers: ArrayBuffer[] }
  | { type: 'close-files' }
  | { type: 'pit'; id: number; job: PitJob }
  | { type: 'memory'; id: number };

const port = parentPort;
if (!port) throw new Error('offline/parquet/worker.ts must run in a worker thread');
const module = (workerData as { module: WebAssembly.Module }).module;
// Its own instance, not the thread's cached one (nodeKernel): a kernel released after a big join
// must have no other reference, or its memory stays.
let k = await instantiateKernel(module);
/** Set while a fresh kernel replaces one a join grew; tasks arriving meanwhile wait for it. */
let replacing: Promise<void> | undefined;
let releaseTimer: ReturnType<typeof setTimeout> | undefined;
const RELEASE_IDLE_MS = 500;

/** Drop a kernel a join grew for a fresh one (wasm memory never shrinks; the old one is collected). */
function releaseKernel(): void {
  replacing = instantiateKernel(module).then((fresh) => {
    k = fresh;
    replacing = undefined;
  });
}
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
  if (replacing) {
    const m = msg;
    void replacing.then(() => handle(m));
    return;
  }
  handle(msg);
});

function handle(msg: Exclude<ToWorker, { type: 'recycle' | 'close-files' }>): void {
  if (msg.type === 'memory') {
    port!.postMessage({ id: msg.id, result: { ok: true, value: k.memoryBytes } });
    return;
  }
  if (msg.type === 'pit') {
    clearTimeout(releaseTimer);
    let result: PitResult;
    try {
      const { entities, features, into, options, shard } = msg.job;
      const r = pitJoin(k, entities, features, { ...options, into, shard });
      result = r.ok ? { ok: true, value: undefined } : r;
    } catch (e) {
      result = { ok: false, error: { code: 'kernel_failed', message: `join worker: ${(e as Error).message ?? String(e)}` } };
    }
    // Released once the thread has been idle a moment, so a retrieval's next view reuses it.
    if (k.memoryBytes > msg.job.releaseKernelAboveBytes) releaseTimer = setTimeout(releaseKernel, RELEASE_IDLE_MS).unref();
    port!.postMessage({ id: msg.id, result });
    return;
  }
  for (const b of msg.recycle) pool.put(b);
  runDecodeTask(k, files, msg.task, msg.reuse ? pool.take : freshBuffer).then(
    (result) => {
      const transfer = new Set<ArrayBuffer>();
      if (result.ok) for (const c of result.value) columnBuffers(c.column, transfer);
      // Placed columns live in shared memory: shared, not transferred.
      port!.postMessage({ id: msg.id, result }, [...transfer].filter((b) => b instanceof ArrayBuffer));
    },
    (e: unknown) => {
      port!.postMessage({ id: msg.id, result: { ok: false, error: { code: 'kernel_failed', message: `decode worker: ${(e as Error).stack ?? String(e)}` } } });
    },
  );
}
