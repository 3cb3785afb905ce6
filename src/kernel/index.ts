// The typed API over build/kernel.wasm. Nothing outside src/kernel touches WASM memory.
export { loadKernel, KernelInstance } from './instance.ts';
export { Status } from './status.ts';
export * from './keys.ts';
export * from './codec.ts';
export * from './sort.ts';
export * from './pit-join.ts';
export * from './stats.ts';
export * from './parquet.ts';
