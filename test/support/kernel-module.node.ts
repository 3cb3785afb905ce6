// Node side of the test kernel: compile build/kernel.wasm from its bytes,
// exactly as offline/ does.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const path = fileURLToPath(new URL('../../build/kernel.wasm', import.meta.url));
export const runtime = 'node' as const;
export const kernelModule: WebAssembly.Module = await WebAssembly.compile(await readFile(path));
