// wrangler (and the vitest Workers plugin) turn `import m from './x.wasm'` into a compiled Module.
declare module '*.wasm' {
  const mod: WebAssembly.Module;
  export default mod;
}
