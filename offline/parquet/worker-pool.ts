// Decode workers shared by every read in the process. Each worker owns a
// kernel instance (the compiled module is sent once, not recompiled) and
// decodes whole tasks; results come back in any order and the reader puts
// them back in row-group order. Idle workers are unref'd so they never keep
// the process alive; a crashed worker fails its tasks and is replaced.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { DecodedColumn, DecodeTask } from './decode-task.ts';
import type { ParquetResult } from './errors.ts';
import { kernelModule } from './kernel.ts';
import type { PitJob, PitResult, ToWorker } from './worker.ts';

type Result<T = DecodedColumn[]> = ParquetResult<T>;

interface Slot {
  worker: Worker;
  pending: Map<number, (r: never) => void>;
}

const WORKER_URL = new URL('./worker.ts', import.meta.url);

export class DecodePool {
  readonly #slots: Slot[] = [];
  #next = 1;
  #closed = false;

  constructor(size: number) {
    for (let i = 0; i < size; i++) this.#slots.push(this.#spawn());
  }

  get size(): number {
    return this.#slots.length;
  }

  grow(size: number): void {
    while (this.#slots.length < size) this.#slots.push(this.#spawn());
  }

  #spawn(): Slot {
    const worker = new Worker(WORKER_URL, { workerData: { module: kernelModule() } });
    const slot: Slot = { worker, pending: new Map() };
    worker.unref();
    worker.on('message', (m: { id: number; result: Result }) => {
      const done = slot.pending.get(m.id);
      if (!done) return;
      slot.pending.delete(m.id);
      if (slot.pending.size === 0) worker.unref();
      (done as (r: unknown) => void)(m.result);
    });
    const fail = (why: string) => {
      for (const done of slot.pending.values()) (done as (r: unknown) => void)({ ok: false, error: { code: 'kernel_failed', message: `parquet decode worker ${why}` } });
      slot.pending.clear();
      const i = this.#slots.indexOf(slot);
      if (i >= 0 && !this.#closed) this.#slots[i] = this.#spawn();
    };
    worker.on('error', (e) => fail(`failed: ${e.message}`));
    worker.on('exit', (code) => {
      if (slot.pending.size > 0) fail(`exited with code ${code}`);
    });
    return slot;
  }

  /** Run a task on the least busy worker; `recycle` buffers go with it for reuse. */
  run(task: DecodeTask, reuse: boolean, recycle: ArrayBuffer[] = []): Promise<Result> {
    return this.#request(this.#leastBusy(), (id) => ({ type: 'task', id, task, reuse, recycle }), recycle);
  }

  /**
   * Run one shard of a point-in-time join on worker `index` (its own kernel, the columns in
   * shared memory; see offline/historical/parallel-join.ts).
   */
  runPit(index: number, job: PitJob): Promise<PitResult> {
    return this.#request(this.#slots[index % this.#slots.length], (id) => ({ type: 'pit', id, job }));
  }

  /** Each worker's kernel memory in bytes (diagnostics, and the test that big joins give it back). */
  kernelMemory(): Promise<number[]> {
    return Promise.all(this.#slots.map((s) => this.#request<Result<number>>(s, (id) => ({ type: 'memory', id })).then((r) => (r.ok ? r.value : -1))));
  }

  #leastBusy(): Slot {
    let slot = this.#slots[0];
    for (const s of this.#slots) if (s.pending.size < slot.pending.size) slot = s;
    return slot;
  }

  /** Send one message that the worker answers with `{ id, result }`. */
  #request<R>(slot: Slot, message: (id: number) => ToWorker, transfer: ArrayBuffer[] = []): Promise<R> {
    if (this.#closed) return Promise.resolve({ ok: false, error: { code: 'kernel_failed', message: 'parquet decode pool is closed' } } as R);
    const id = this.#next++;
    return new Promise<R>((resolve) => {
      slot.pending.set(id, resolve);
      slot.worker.ref();
      slot.worker.postMessage(message(id), transfer);
    });
  }

  /** Busy and idle milliseconds of each worker's event loop since it started (diagnostics). */
  utilization(): { active: number; idle: number }[] {
    return this.#slots.map((s) => {
      const u = s.worker.performance.eventLoopUtilization();
      return { active: u.active, idle: u.idle };
    });
  }

  /** Hand buffers to a worker's pool without a task. */
  recycle(buffers: ArrayBuffer[]): void {
    if (buffers.length === 0 || this.#closed) return;
    const msg: ToWorker = { type: 'recycle', buffers };
    this.#leastBusy().worker.postMessage(msg, buffers);
  }

  /** Close cached file descriptors in every worker (e.g. before deleting files on Windows). */
  closeFiles(): void {
    for (const s of this.#slots) s.worker.postMessage({ type: 'close-files' } satisfies ToWorker);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#slots.map((s) => s.worker.terminate()));
    this.#slots.length = 0;
  }
}

let shared: DecodePool | undefined;

/** The process-wide pool, grown to at least `size` workers. */
export function decodePool(size: number): DecodePool {
  if (!shared) shared = new DecodePool(size);
  else shared.grow(size);
  return shared;
}

/**
 * Start the shared decode workers ahead of the first read (each costs a few
 * hundred ms to load its modules); reads start them on demand otherwise.
 */
export function startParquetWorkers(size = Math.max(1, availableParallelism())): void {
  decodePool(size);
}

/** Terminate the shared decode workers (they are unref'd, so this is only needed for a clean shutdown). */
export async function closeParquetWorkers(): Promise<void> {
  const p = shared;
  shared = undefined;
  await p?.close();
}
