// The WebAssembly backend: kernels compiled from assembly/ by AssemblyScript with SIMD128.
// The module owns one memory; this adapter copies inputs into a fixed scratch arena, runs the
// kernel on pointers and copies results out, CHUNK elements at a time. The stream is
// counter-based, so chunking changes nothing in the results.
import type { Backend } from '../backend';
import { advanceCounter } from '../stream';
import { WasmConvExports, wasmConvKernels } from './wasm_conv';

/** The raw exports of dropmask.wasm (pointers are byte addresses in `memory`). */
export interface WasmExports extends WasmConvExports {
  memory: WebAssembly.Memory;
  scratchBase(): number;
  setCounter(k0: number, k1: number, s0: number, s1: number, b0: number, b1: number, phase: number): void;
  randomBits(out: number, n: number): void;
  uniform(out: number, n: number): void;
  normal(out: number, n: number, mean: number, std: number): void;
  gaussianNoise(out: number, x: number, n: number, std: number): void;
  bernoulliF32(out: number, n: number, threshold: number, scale: number): void;
  bernoulliU8(out: number, n: number, threshold: number): void;
  bernoulliBits(out: number, n: number, threshold: number): void;
  dropout(out: number, x: number, n: number, threshold: number, scale: number): void;
  matmul(c: number, a: number, b: number, bias: number, m: number, n: number, k: number,
    transA: number, transB: number, accumulate: number, work: number): void;
  matmulScratchBytes(): number;
  setMatmulMask(bits: number, scale: number): void;
  maskedGemv(y: number, x: number, w: number, bias: number, batch: number, rows: number, din: number,
    keep: number, keepStride: number, scale: number): void;
}

/** Elements per kernel call: a multiple of 64 so bit masks and word pairs align across chunks. */
const CHUNK = 1 << 15;
/** Kernels write whole vectors past n: every region has this much slack. */
const SLACK = 256;

export const WASM_IMPORTS = {
  env: {
    abort(): never {
      throw new Error('dropmask.wasm aborted');
    },
  },
};

/** The wasm backend, with the size of its memory (one arena: it grows when a call needs more, never shrinks). */
export interface WasmBackend extends Backend {
  memoryBytes(): number;
}

export function createWasmBackend(module: WebAssembly.Module): WasmBackend {
  const instance = new WebAssembly.Instance(module, WASM_IMPORTS);
  const k = instance.exports as unknown as WasmExports;
  const inPtr = k.scratchBase();
  const outPtr = inPtr + CHUNK * 4 + SLACK;
  /** Where calls that need more than a chunk (matmul) place their operands. */
  const heapPtr = outPtr + CHUNK * 4 + SLACK;

  /** Grows the memory to hold `end` bytes. Growing detaches old views: take views after this. */
  function reserve(end: number): void {
    const have = k.memory.buffer.byteLength;
    if (end > have) k.memory.grow(Math.ceil((end - have) / 65536));
  }
  reserve(heapPtr);
  const f32 = (ptr: number, n: number): Float32Array => new Float32Array(k.memory.buffer, ptr, n);
  let inF32 = f32(inPtr, CHUNK), outF32 = f32(outPtr, CHUNK);
  let outU32 = new Uint32Array(k.memory.buffer, outPtr, CHUNK), outU8 = new Uint8Array(k.memory.buffer, outPtr, CHUNK);
  /** Re-creates the chunk views if a matmul grew the memory since they were made. */
  function views(): void {
    if (inF32.buffer === k.memory.buffer) return;
    inF32 = f32(inPtr, CHUNK);
    outF32 = f32(outPtr, CHUNK);
    outU32 = new Uint32Array(k.memory.buffer, outPtr, CHUNK);
    outU8 = new Uint8Array(k.memory.buffer, outPtr, CHUNK);
  }
  const align = (x: number): number => Math.ceil(x / 64) * 64;

  /** Runs `call(n, first)` over chunks of `total` elements, each at its own counter. */
  function chunks(total: number, counter: Uint32Array, wordsPerChunk: number, call: (n: number, first: number) => void): void {
    views();
    let c = counter;
    for (let first = 0; first < total; first += CHUNK) {
      k.setCounter(c[0], c[1], c[2], c[3], c[4], c[5], c[6]);
      call(Math.min(CHUNK, total - first), first);
      c = advanceCounter(c, wordsPerChunk);
    }
  }

  return {
    name: 'wasm',
    simd: 'simd128',
    memoryBytes: () => k.memory.buffer.byteLength,
    ...wasmConvKernels(k, heapPtr, reserve),

    randomBits(out, counter) {
      chunks(out.length, counter, CHUNK, (n, first) => {
        k.randomBits(outPtr, n);
        out.set(outU32.subarray(0, n), first);
      });
    },

    uniform(out, counter) {
      chunks(out.length, counter, CHUNK, (n, first) => {
        k.uniform(outPtr, n);
        out.set(outF32.subarray(0, n), first);
      });
    },

    normal(out, counter, mean, std) {
      chunks(out.length, counter, CHUNK, (n, first) => {
        k.normal(outPtr, n, mean, std);
        out.set(outF32.subarray(0, n), first);
      });
    },

    gaussianNoise(out, x, counter, std) {
      chunks(x.length, counter, CHUNK, (n, first) => {
        inF32.set(x.subarray(first, first + n));
        k.gaussianNoise(outPtr, inPtr, n, std);
        out.set(outF32.subarray(0, n), first);
      });
    },

    bernoulliF32(out, counter, threshold, scale) {
      chunks(out.length, counter, CHUNK / 2, (n, first) => {
        k.bernoulliF32(outPtr, n, threshold, scale);
        out.set(outF32.subarray(0, n), first);
      });
    },

    bernoulliU8(out, counter, threshold) {
      chunks(out.length, counter, CHUNK / 2, (n, first) => {
        k.bernoulliU8(outPtr, n, threshold);
        out.set(outU8.subarray(0, n), first);
      });
    },

    bernoulliBits(out, n, counter, threshold) {
      chunks(n, counter, CHUNK / 2, (m, first) => {
        k.bernoulliBits(outPtr, m, threshold);
        out.set(outU32.subarray(0, Math.ceil(m / 32)), first / 32);
      });
    },

    dropout(out, x, counter, threshold, scale) {
      chunks(x.length, counter, CHUNK / 2, (n, first) => {
        inF32.set(x.subarray(first, first + n));
        k.dropout(outPtr, inPtr, n, threshold, scale);
        out.set(outF32.subarray(0, n), first);
      });
    },

    maskedGemv(y, x, W, biases, batch, rows, din, keep, keepStride, scale) {
      // W goes in once; examples in groups whose x, biases, keep segments and y fit beside it
      const segWords = Math.ceil((rows * din) / 32);
      const per = 4 * din + 8 * rows + 4 * keepStride;
      const group = Math.max(1, Math.floor((1 << 24) / per));
      const wPtr = heapPtr;
      const xPtr = align(wPtr + W.byteLength + 16);
      const bPtr = align(xPtr + 4 * group * din + 16);
      const kPtr = align(bPtr + 4 * group * rows + 16);
      const yPtr = align(kPtr + 4 * ((group - 1) * keepStride + segWords) + 16);
      reserve(yPtr + 4 * group * rows + SLACK);
      f32(wPtr, W.length).set(W);
      for (let b0 = 0; b0 < batch; b0 += group) {
        const n = Math.min(group, batch - b0);
        f32(xPtr, n * din).set(x.subarray(b0 * din, (b0 + n) * din));
        if (biases) f32(bPtr, n * rows).set(biases.subarray(b0 * rows, (b0 + n) * rows));
        const words = (n - 1) * keepStride + segWords;
        new Uint32Array(k.memory.buffer, kPtr, words).set(keep.subarray(b0 * keepStride, b0 * keepStride + words));
        k.maskedGemv(yPtr, xPtr, wPtr, biases ? bPtr : 0, n, rows, din, kPtr, keepStride, scale);
        y.set(f32(yPtr, n * rows), b0 * rows);
      }
    },

    matmul(c, a, b, bias, m, n, kk, transA, transB, accumulate, bKeep, bScale) {
      const work = heapPtr;
      const aPtr = align(work + k.matmulScratchBytes());
      const bPtr = align(aPtr + a.byteLength);
      const biasPtr = align(bPtr + b.byteLength);
      const keepPtr = align(biasPtr + (bias ? bias.byteLength : 0));
      const cPtr = align(keepPtr + (bKeep ? bKeep.byteLength : 0));
      reserve(cPtr + c.byteLength + SLACK);
      f32(aPtr, a.length).set(a);
      f32(bPtr, b.length).set(b);
      if (bias) f32(biasPtr, bias.length).set(bias);
      if (bKeep) new Uint32Array(k.memory.buffer, keepPtr, bKeep.length).set(bKeep);
      if (accumulate) f32(cPtr, c.length).set(c);
      k.setMatmulMask(bKeep ? keepPtr : 0, bKeep ? (bScale ?? 1) : 1);
      k.matmul(cPtr, aPtr, bPtr, bias ? biasPtr : 0, m, n, kk, +transA, +transB, +accumulate, work);
      k.setMatmulMask(0, 1);
      c.set(f32(cPtr, c.length));
    },
  };
}
