// Shared kernel tests import from here; vitest resolves `#test-kernel-module`
// to the Node or the workerd loader depending on the project, so the same
// suite runs against the same .wasm in both runtimes.
import { kernelModule, runtime } from '#test-kernel-module';
import { loadKernel, type KernelInstance } from '../../src/kernel/index.ts';

export { runtime };
export const testKernel = (): Promise<KernelInstance> => loadKernel(kernelModule);
