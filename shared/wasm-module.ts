// The WebAssembly JS API as the app's embedded modules use it (the SHA-crypt rounds, the pflogsumm
// counter). The node tsconfig has no DOM lib, where its types live: what is used is declared here once.

/** A compiled module (structured-cloneable: it can be posted to worker threads). */
export type CompiledWasm = { readonly __compiledWasm?: never }

interface WasmApi {
  Module: new (bytes: Uint8Array) => CompiledWasm
  Instance: new (module: CompiledWasm, imports?: object) => { exports: unknown }
}
export const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly

/** A module embedded as base64 (the generated *-wasm-binary.ts and *.generated.ts files), compiled. */
export function compileBase64Wasm(base64: string): CompiledWasm {
  const text = atob(base64)
  const bytes = new Uint8Array(text.length)
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i)
  return new wasmApi.Module(bytes)
}
