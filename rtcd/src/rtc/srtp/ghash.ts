// GHASH keys in the WebAssembly module's memory: each key H gets a 4 KiB slot holding M[b] = b·H for every
// byte value b (GCM bit order: b = 0x80 is H itself), computed once per key.
import { srtpArena, srtpWasm, type SrtpWasm } from './wasm.js';

const SLOT = 4096;

/** GCM's multiply-by-x on a 16-byte element: shift right one bit across the bytes, reduce by 0xE1. */
function timesX(v: Uint8Array): Uint8Array {
  const out = new Uint8Array(16);
  let carry = 0;
  for (let i = 0; i < 16; i++) {
    out[i] = (v[i]! >>> 1) | carry;
    carry = (v[i]! & 1) << 7;
  }
  if (v[15]! & 1) out[0]! ^= 0xe1;
  return out;
}

export class GhashKey {
  private readonly wasm: SrtpWasm;
  readonly table: number;
  private released = false;

  constructor(h: Uint8Array) {
    this.wasm = srtpWasm();
    this.table = srtpArena().alloc(SLOT);
    const m = new Uint8Array(this.wasm.memory.buffer, this.table, SLOT);
    m.fill(0, 0, 16);
    let v: Uint8Array = Uint8Array.from(h);
    // Powers: M[0x80] = H, M[0x40] = H·x, ..., M[0x01] = H·x^7; the rest by linearity.
    for (let bit = 0x80; bit >= 1; bit >>= 1) {
      m.set(v, bit * 16);
      v = timesX(v);
    }
    for (let b = 2; b < 256; b <<= 1) {
      for (let j = 1; j < b; j++) {
        for (let k = 0; k < 16; k++) m[(b + j) * 16 + k] = m[b * 16 + k]! ^ m[j * 16 + k]!;
      }
    }
  }

  /** Y ← GHASH over `blocks` 16-byte blocks already laid out at `data` (module memory), Y at `y`. */
  run(y: number, data: number, blocks: number): void {
    this.wasm.ghash(this.table, y, data, blocks);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    srtpArena().release(this.table, SLOT);
  }
}
