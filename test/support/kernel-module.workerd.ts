// workerd side of the test kernel: import the compiled module, exactly as the
// Worker does (runtime compilation from bytes is refused there).
import mod from '../../build/kernel.wasm';

export const runtime = 'workerd' as const;
export const kernelModule: WebAssembly.Module = mod;
