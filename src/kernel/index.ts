// The typed API over build/kernel.wasm. Nothing outside src/kernel touches WASM memory.
export { loadKernel, KernelInstance } from './instance.ts';
export { Status } from './status.ts';
