import { err, ok, type Result } from '../core/errors.ts';
import { Status, statusError } from './status.ts';

/** What every build of assembly/index.ts exports, beyond the kernels themselves. */
interface ArenaExports {
  memory: WebAssembly.Memory;
  alloc(size: number): number;
  reset(): void;
}

export type KernelExports = ArenaExports & Record<string, unknown>;

type TypedArray =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

/**
 * One instance of build/kernel.wasm and its arena. The only code that touches
 * WASM memory: kernel wrappers allocate through it, copy columns in, call an
 * export, and read results through fresh views (memory growth detaches old
 * ones, so views are never cached across calls).
 */
export class KernelInstance {
  readonly #exports: KernelExports;

  constructor(exports: KernelExports) {
    this.#exports = exports;
  }

  /** The raw export `name`, typed by the caller. */
  fn<F extends (...args: never[]) => unknown>(name: string): F {
    const f = this.#exports[name];
    if (typeof f !== 'function') throw new Error(`kernel.wasm has no export ${name}`);
    return f as F;
  }

  /** Allocate `bytes` (16-byte aligned). Throws RangeError when wasm32 memory is exhausted. */
  alloc(bytes: number): number {
    if (bytes === 0) return 16; // a valid, aligned, never-dereferenced address
    let ptr: number;
    try {
      ptr = this.#exports.alloc(bytes) >>> 0;
    } catch {
      throw new RangeError(`kernel arena cannot grow by ${bytes} bytes`);
    }
    if (ptr === 0) throw new RangeError(`kernel arena cannot grow by ${bytes} bytes`);
    return ptr;
  }

  /** Free the whole arena. Call once per request or partition, after results are copied out. */
  reset(): void {
    this.#exports.reset();
  }

  get buffer(): ArrayBuffer {
    return this.#exports.memory.buffer;
  }

  /** Bytes of linear memory currently reserved. */
  get memoryBytes(): number {
    return this.#exports.memory.buffer.byteLength;
  }

  u8(ptr: number, n: number): Uint8Array { return new Uint8Array(this.buffer, ptr, n); }
  i32(ptr: number, n: number): Int32Array { return new Int32Array(this.buffer, ptr, n); }
  u32(ptr: number, n: number): Uint32Array { return new Uint32Array(this.buffer, ptr, n); }
  f32(ptr: number, n: number): Float32Array { return new Float32Array(this.buffer, ptr, n); }
  f64(ptr: number, n: number): Float64Array { return new Float64Array(this.buffer, ptr, n); }
  i64(ptr: number, n: number): BigInt64Array { return new BigInt64Array(this.buffer, ptr, n); }
  u64(ptr: number, n: number): BigUint64Array { return new BigUint64Array(this.buffer, ptr, n); }

  /** Allocate and copy a typed array in; returns its address. */
  copyIn(src: TypedArray): number {
    const ptr = this.alloc(src.byteLength);
    new Uint8Array(this.buffer, ptr, src.byteLength).set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength));
    return ptr;
  }

  /**
   * Run `body` with a clean arena and reset it afterwards, turning a trap or
   * an exhausted arena into an error value. Kernel wrappers use this so that
   * nothing throws past the binding.
   */
  scoped<T>(kernel: string, body: () => Result<T>): Result<T> {
    this.reset();
    try {
      return body();
    } catch (e) {
      if (e instanceof RangeError) return statusError(kernel, Status.OUT_OF_MEMORY);
      if (e instanceof WebAssembly.RuntimeError) return err('kernel_failed', `${kernel}: ${e.message}`);
      throw e;
    } finally {
      this.reset();
    }
  }

  /** Map a kernel's i32 status to a Result. */
  check(kernel: string, status: number): Result<void> {
    return status === Status.OK ? ok(undefined) : statusError(kernel, status);
  }
}

const cache = new WeakMap<WebAssembly.Module, Promise<KernelInstance>>();

/**
 * Instantiate the kernel from a compiled module, once per module per isolate.
 * Node compiles build/kernel.wasm from bytes; the Worker imports the .wasm (a
 * compiled Module, since Workers refuse runtime compilation). The binding
 * never fetches or compiles anything itself.
 */
export function loadKernel(mod: WebAssembly.Module): Promise<KernelInstance> {
  let p = cache.get(mod);
  if (!p) {
    p = instantiateKernel(mod);
    cache.set(mod, p);
  }
  return p;
}

/** A new instance with its own (fresh) memory, not the cached one loadKernel shares. */
export function instantiateKernel(mod: WebAssembly.Module): Promise<KernelInstance> {
  return WebAssembly.instantiate(mod, {}).then((inst) => new KernelInstance(inst.exports as unknown as KernelExports));
}
