// A small WebAssembly module, assembled byte by byte here (no toolchain), for the two loops that are slow
// in JavaScript and have no one-shot OpenSSL call: XOR of a keystream into a payload, and GHASH (the GCM
// authenticator) with Shoup's 8-bit tables. AES itself stays in OpenSSL (ECB over counter blocks).
//
// The module, as WAT:
//   (module
//     (memory (export "mem") 1)
//     ;; dst[i] ^= src[i] for i < len, 8 bytes at a time then bytewise
//     (func (export "xor") (param $dst i32) (param $src i32) (param $len i32) ...)
//     ;; Y = (Y ^ block) · H for each of n blocks at $data; Y is 16 bytes at $y, H's table at $tbl
//     (func (export "ghash") (param $tbl i32) (param $y i32) (param $data i32) (param $n i32)
//       (local $zh i64) (local $zl i64) (local $xh i64) (local $xl i64) ...))
//
// Representation: a GF(2^128) element is its 16 bytes in GCM order loaded as two little-endian i64
// (bytes 0-7, bytes 8-15). GCM's "multiply by x^8" moves every byte one index up, which for that
// representation is a left shift by 8 across the pair; the byte pushed out (byte 15) is reduced through the
// 256-entry table at REM_TABLE (OpenSSL's rem_8bit values, byte-swapped for the little-endian load).

export const REM_TABLE = 0; // 256 × u16
export const SCRATCH = 1024; // free for callers from here up to ARENA
export const ARENA = 64 * 1024; // per-key tables and per-stream keystream from here (WasmArena)

// ---- a minimal encoder -------------------------------------------------------------------------------

const I32 = 0x7f;
const I64 = 0x7e;
const op = {
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  get: 0x20,
  set: 0x21,
  tee: 0x22,
  i64Load: 0x29,
  i32Load8u: 0x2d,
  i32Load16u: 0x2f,
  i64Store: 0x37,
  i32Store8: 0x3a,
  i32Const: 0x41,
  i64Const: 0x42,
  i32Eqz: 0x45,
  i32LtU: 0x49,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32And: 0x71,
  i32Xor: 0x73,
  i32Shl: 0x74,
  i64And: 0x83,
  i64Or: 0x84,
  i64Xor: 0x85,
  i64Shl: 0x86,
  i64ShrU: 0x88,
  i32WrapI64: 0xa7,
  i64ExtendI32U: 0xad,
} as const;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const str = (s: string) => [...uleb(s.length), ...Buffer.from(s, 'utf8')];

const get = (i: number) => [op.get, i];
const set = (i: number) => [op.set, i];
const i32c = (n: number) => [op.i32Const, ...sleb(n)];
const i64c = (n: number) => [op.i64Const, ...sleb(n)];
const load64 = (offset = 0) => [op.i64Load, 3, ...uleb(offset)];
const store64 = (offset = 0) => [op.i64Store, 3, ...uleb(offset)];

function xorBody(): number[] {
  // params: 0 dst, 1 src, 2 len
  return [
    0, // no extra locals
    op.block, 0x40,
    op.loop, 0x40,
    ...get(2), ...i32c(8), op.i32LtU, op.brIf, 1,
    ...get(0), ...get(0), ...load64(), ...get(1), ...load64(), op.i64Xor, ...store64(),
    ...get(0), ...i32c(8), op.i32Add, ...set(0),
    ...get(1), ...i32c(8), op.i32Add, ...set(1),
    ...get(2), ...i32c(8), op.i32Sub, ...set(2),
    op.br, 0,
    op.end,
    op.end,
    op.block, 0x40,
    op.loop, 0x40,
    ...get(2), op.i32Eqz, op.brIf, 1,
    ...get(0), ...get(0), op.i32Load8u, 0, 0, ...get(1), op.i32Load8u, 0, 0, op.i32Xor, op.i32Store8, 0, 0,
    ...get(0), ...i32c(1), op.i32Add, ...set(0),
    ...get(1), ...i32c(1), op.i32Add, ...set(1),
    ...get(2), ...i32c(1), op.i32Sub, ...set(2),
    op.br, 0,
    op.end,
    op.end,
    op.end,
  ];
}

function ghashBody(): number[] {
  // params: 0 tbl, 1 y, 2 data, 3 n; locals: 4 zh, 5 zl, 6 xh, 7 xl (i64), 8 off (i32)
  const [TBL, Y, DATA, N, ZH, ZL, XH, XL, OFF] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  /** off = tbl + (byte k of X) * 16; Z ^= M[byte] (or Z = M[byte] for the first one) */
  const addEntry = (k: number, first: boolean) => {
    const src = k < 8 ? XH : XL;
    const shift = (k % 8) * 8;
    const byteTimes16 = [...get(src), ...i64c(shift), op.i64ShrU, ...i64c(0xff), op.i64And, ...i64c(4), op.i64Shl, op.i32WrapI64];
    return [
      ...byteTimes16, ...get(TBL), op.i32Add, ...set(OFF),
      ...(first
        ? [...get(OFF), ...load64(), ...set(ZH), ...get(OFF), ...load64(8), ...set(ZL)]
        : [...get(ZH), ...get(OFF), ...load64(), op.i64Xor, ...set(ZH), ...get(ZL), ...get(OFF), ...load64(8), op.i64Xor, ...set(ZL)]),
    ];
  };
  /** Z = Z · x^8 */
  const shift8 = () => [
    // rem index*2 = (zl >> 56) << 1, looked up before zl changes
    ...get(ZH), ...i64c(8), op.i64Shl,
    ...get(ZL), ...i64c(56), op.i64ShrU, op.i32WrapI64, ...i32c(1), op.i32Shl, op.i32Load16u, 1, ...uleb(REM_TABLE),
    op.i64ExtendI32U, op.i64Xor,
    ...get(ZL), ...i64c(8), op.i64Shl, ...get(ZH), ...i64c(56), op.i64ShrU, op.i64Or, ...set(ZL),
    ...set(ZH),
  ];
  const multiply: number[] = [...addEntry(15, true)];
  for (let k = 14; k >= 0; k--) multiply.push(...shift8(), ...addEntry(k, false));
  return [
    2, 4, I64, 1, I32, // locals: 4 × i64, 1 × i32
    ...get(Y), ...load64(), ...set(XH),
    ...get(Y), ...load64(8), ...set(XL),
    op.block, 0x40,
    op.loop, 0x40,
    ...get(N), op.i32Eqz, op.brIf, 1,
    ...get(XH), ...get(DATA), ...load64(), op.i64Xor, ...set(XH),
    ...get(XL), ...get(DATA), ...load64(8), op.i64Xor, ...set(XL),
    ...multiply,
    ...get(ZH), ...set(XH),
    ...get(ZL), ...set(XL),
    ...get(DATA), ...i32c(16), op.i32Add, ...set(DATA),
    ...get(N), ...i32c(1), op.i32Sub, ...set(N),
    op.br, 0,
    op.end,
    op.end,
    ...get(Y), ...get(XH), ...store64(),
    ...get(Y), ...get(XL), ...store64(8),
    op.end,
  ];
}

function assemble(): Uint8Array {
  const funcType = (params: number[]) => [0x60, ...vec(params.map((p) => [p])), 0];
  const types = section(1, vec([funcType([I32, I32, I32]), funcType([I32, I32, I32, I32])]));
  const funcs = section(3, vec([[0], [1]]));
  const memory = section(5, vec([[0x00, ...uleb(2)]])); // 2 pages, grown on demand
  const exports = section(
    7,
    vec([
      [...str('mem'), 0x02, 0],
      [...str('xor'), 0x00, 0],
      [...str('ghash'), 0x00, 1],
    ]),
  );
  const bodies = [xorBody(), ghashBody()].map((b) => [...uleb(b.length), ...b]);
  const code = section(10, vec(bodies));
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...types, ...funcs, ...memory, ...exports, ...code]);
}

/** The part of the WebAssembly JS API used here (@types/node 20 does not declare the global). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports?: object) => { exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export interface SrtpWasm {
  memory: WasmMemory;
  /** dst[i] ^= src[i] for i < len (addresses in the module's memory). */
  xor(dst: number, src: number, len: number): void;
  /** Y ← (Y ⊕ block)·H over n 16-byte blocks at `data`; Y is 16 bytes at `y`, H's table at `tbl`. */
  ghash(tbl: number, y: number, data: number, n: number): void;
}

let instance: SrtpWasm | null = null;
const PAGE = 65536;

/**
 * How many times the module's memory grew (each growth detaches the old ArrayBuffer). Contexts compare it
 * with the count their views were made at: cheaper per packet than reading `memory.buffer`, an API call.
 */
export let memoryGrowths = 0;

/**
 * Fixed-size blocks of module memory above ARENA (GHASH tables, keystream caches), reused after free. The
 * memory only grows; a freed block serves the next allocation of the same size.
 */
class WasmArena {
  private top = ARENA;
  private readonly free = new Map<number, number[]>();
  constructor(private readonly memory: WasmMemory) {}

  alloc(size: number): number {
    const list = this.free.get(size);
    const reused = list?.pop();
    if (reused !== undefined) return reused;
    const at = this.top;
    this.top += size;
    if (this.top > this.memory.buffer.byteLength) {
      this.memory.grow(Math.ceil((this.top - this.memory.buffer.byteLength) / PAGE));
      memoryGrowths++;
    }
    return at;
  }

  release(at: number, size: number): void {
    let list = this.free.get(size);
    if (!list) {
      list = [];
      this.free.set(size, list);
    }
    list.push(at);
  }

  /** Bytes of module memory handed out (live or free for reuse). */
  get reserved(): number {
    return this.top - ARENA;
  }
}

let arena: WasmArena | null = null;
export function srtpArena(): WasmArena {
  srtpWasm();
  return arena!;
}

/** The module, instantiated once per thread (synchronously: it is a few hundred bytes). */
export function srtpWasm(): SrtpWasm {
  if (instance) return instance;
  const mod = new WA.Module(assemble());
  const exp = new WA.Instance(mod).exports as unknown as SrtpWasm & { mem: WasmMemory };
  const rem = new DataView(exp.mem.buffer);
  for (let b = 0; b < 256; b++) {
    let r = 0;
    for (let j = 0; j < 8; j++) if (b & (0x80 >> j)) r ^= 0xe100 >> j;
    // byte 0 of the element is the high byte of r: stored little-endian, it must come first in memory
    rem.setUint16(REM_TABLE + b * 2, r, false);
  }
  instance = { memory: exp.mem, xor: exp.xor, ghash: exp.ghash };
  arena = new WasmArena(exp.mem);
  return instance;
}

/** Bytes of the assembled module and whether the engine accepts them (for tests). */
export const srtpWasmBytes = assemble;
export const validateSrtpWasm = (): boolean => WA.validate(assemble());
