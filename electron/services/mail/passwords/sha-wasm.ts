// SHA-256 / SHA-512 and the SHA-crypt round loop in WebAssembly (wasm/sha256.wat, wasm/sha512.wat):
// the 5,000 rounds of a SHA*-CRYPT hash run without leaving WebAssembly.
import { compileBase64Wasm, wasmApi, type CompiledWasm } from '../../../../shared/wasm-module'
import { sha256WasmBase64 } from './wasm/sha256-wasm-binary'
import { sha512WasmBase64 } from './wasm/sha512-wasm-binary'

interface ShaExports {
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number }
  ioBase: { readonly value: number }
  init(): void
  update(ptr: number, len: number): void
  final(out: number): void
  rounds(rounds: number, p: number, plen: number, s: number, slen: number, c: number): void
}

export type ShaWasmBits = 256 | 512
const compiled = new Map<ShaWasmBits, CompiledWasm>()

export function shaWasmModule(bits: ShaWasmBits): CompiledWasm {
  let m = compiled.get(bits)
  if (!m) {
    m = compileBase64Wasm(bits === 512 ? sha512WasmBase64 : sha256WasmBase64)
    compiled.set(bits, m)
  }
  return m
}

/** One instance: not re-entrant, one per thread is enough. */
export class ShaWasm {
  readonly digestLength: 32 | 64
  private readonly x: ShaExports
  private readonly io: number

  constructor(readonly bits: ShaWasmBits, module: CompiledWasm = shaWasmModule(bits)) {
    this.digestLength = bits === 512 ? 64 : 32
    this.x = new wasmApi.Instance(module).exports as ShaExports
    this.io = this.x.ioBase.value
  }

  private heap(bytesNeeded: number): Uint8Array {
    const need = this.io + bytesNeeded
    const have = this.x.memory.buffer.byteLength
    if (need > have) this.x.memory.grow(Math.ceil((need - have) / 65536))
    return new Uint8Array(this.x.memory.buffer)
  }

  /** The digest of the concatenation of `parts`. */
  digest(parts: readonly Uint8Array[]): Uint8Array {
    const chunk = 32768
    const heap = this.heap(chunk + 64)
    this.x.init()
    for (const part of parts) {
      for (let off = 0; off < part.length; off += chunk) {
        const piece = part.subarray(off, Math.min(part.length, off + chunk))
        heap.set(piece, this.io)
        this.x.update(this.io, piece.length)
      }
    }
    this.x.final(this.io)
    return heap.slice(this.io, this.io + this.digestLength)
  }

  /** SHA-crypt step 21: `count` rounds over digest `a` with the P and S sequences. Returns C. */
  rounds(count: number, p: Uint8Array, s: Uint8Array, a: Uint8Array): Uint8Array {
    const len = this.digestLength
    const c = this.io
    const sp = c + len
    const pp = sp + s.length
    const heap = this.heap(len + s.length + p.length)
    heap.set(a, c)
    heap.set(s, sp)
    heap.set(p, pp)
    this.x.rounds(count, pp, p.length, sp, s.length, c)
    return new Uint8Array(this.x.memory.buffer).slice(c, c + len)
  }
}
