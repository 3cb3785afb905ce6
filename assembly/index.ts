// The only exports of build/kernel.wasm. One module, no imports: the Worker and
// the Node component load the same bytes. Every kernel takes pointers and
// lengths into linear memory and returns an i32 status (assembly/status.ts).
export { alloc, reset, heapTop } from "./arena";
export * from "./keys";
export * from "./codec";
export * from "./sort";
export * from "./pit-join";
export * from "./stats";
export * from "./parquet";
