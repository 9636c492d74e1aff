// The wasm backend's memory: one module memory, laid out as [static data | chunk in | chunk out |
// heap]. Stream kernels go a chunk at a time through the fixed in/out regions; products and
// feature-map kernels place their operands on the heap, which grows when a call needs more and
// never shrinks. Growing detaches every view, so views are taken after `reserve`.
import { advanceCounter } from '../../core/stream';

/** Elements per stream kernel call: a multiple of 64 so bit masks and word pairs align across chunks. */
export const CHUNK = 1 << 15;
/** Kernels write whole vectors past n: every region has this much slack. */
export const SLACK = 256;
/** Bytes of operands one heap kernel call aims at: large enough to amortise the call, small enough for the cache. */
export const GROUP_BYTES = 1 << 22;

/** What every family adapter needs of the module: its memory, setCounter and scratchBase. */
export interface ArenaExports {
  memory: WebAssembly.Memory;
  scratchBase(): number;
  setCounter(k0: number, k1: number, s0: number, s1: number, b0: number, b1: number, phase: number): void;
}

export interface Arena {
  /** Chunk regions of CHUNK elements (plus slack) for the stream kernels. */
  readonly inPtr: number;
  readonly outPtr: number;
  /** First byte of the heap. */
  readonly heapPtr: number;
  /** Grows the memory to hold `end` bytes. */
  reserve(end: number): void;
  /** Lays out regions of these byte sizes from the heap (64-byte aligned), grows memory, returns their pointers. */
  place(...bytes: number[]): number[];
  f32(ptr: number, n: number): Float32Array;
  u32(ptr: number, n: number): Uint32Array;
  i32(ptr: number, n: number): Int32Array;
  u8(ptr: number, n: number): Uint8Array;
  /** Runs `call(n, first)` over chunks of `total` elements, each at its own counter. */
  chunks(total: number, counter: Uint32Array, wordsPerChunk: number, call: (n: number, first: number) => void): void;
}

export function createArena(k: ArenaExports): Arena {
  const inPtr = k.scratchBase();
  const outPtr = inPtr + CHUNK * 4 + SLACK;
  const heapPtr = outPtr + CHUNK * 4 + SLACK;
  const reserve = (end: number): void => {
    const have = k.memory.buffer.byteLength;
    if (end > have) k.memory.grow(Math.ceil((end - have) / 65536));
  };
  reserve(heapPtr);
  return {
    inPtr,
    outPtr,
    heapPtr,
    reserve,
    place(...bytes) {
      let at = heapPtr;
      const ptrs = bytes.map((b) => {
        const p = at;
        at = Math.ceil((at + b + 16) / 64) * 64;
        return p;
      });
      reserve(at);
      return ptrs;
    },
    f32: (ptr, n) => new Float32Array(k.memory.buffer, ptr, n),
    u32: (ptr, n) => new Uint32Array(k.memory.buffer, ptr, n),
    i32: (ptr, n) => new Int32Array(k.memory.buffer, ptr, n),
    u8: (ptr, n) => new Uint8Array(k.memory.buffer, ptr, n),
    chunks(total, counter, wordsPerChunk, call) {
      let c = counter;
      for (let first = 0; first < total; first += CHUNK) {
        k.setCounter(c[0], c[1], c[2], c[3], c[4], c[5], c[6]);
        call(Math.min(CHUNK, total - first), first);
        c = advanceCounter(c, wordsPerChunk);
      }
    },
  };
}
