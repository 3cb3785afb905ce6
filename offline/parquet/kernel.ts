// The kernel on Node: compile build/kernel.wasm from its bytes once per
// thread (the main thread and each decode worker hold their own instance).
import { readFileSync } from 'node:fs';
import { loadKernel, type KernelInstance } from '../../src/kernel/instance.ts';

export const KERNEL_WASM = new URL('../../build/kernel.wasm', import.meta.url);

let mod: WebAssembly.Module | undefined;
let instance: KernelInstance | undefined;
let pending: Promise<KernelInstance> | undefined;

/** The compiled module (workers receive it by postMessage instead of recompiling). */
export function kernelModule(): WebAssembly.Module {
  mod ??= new WebAssembly.Module(readFileSync(KERNEL_WASM));
  return mod;
}

/** This thread's kernel instance. */
export function nodeKernel(module: WebAssembly.Module = kernelModule()): Promise<KernelInstance> {
  pending ??= loadKernel(module).then((k) => (instance = k));
  return pending;
}

/** The instance if nodeKernel() has resolved (for synchronous helpers). */
export function loadedKernel(): KernelInstance | undefined {
  return instance;
}
