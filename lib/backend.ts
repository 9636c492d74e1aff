// The kernel interface every backend implements (native, wasm, js). Arguments arrive checked:
// counters are [seed lo, seed hi, stream lo, stream hi, block lo, block hi, phase], thresholds
// integers in [0, 65536], lengths consistent. Each kernel fills `out` entirely.

export type BackendName = 'native' | 'wasm' | 'js';

export interface Backend {
  readonly name: BackendName;
  /** The instruction set the kernels use: avx512, avx2, sse2, neon, scalar, simd128 or none. */
  readonly simd: string;
  randomBits(out: Uint32Array, counter: Uint32Array): void;
  uniform(out: Float32Array, counter: Uint32Array): void;
  normal(out: Float32Array, counter: Uint32Array, mean: number, std: number): void;
  bernoulliF32(out: Float32Array, counter: Uint32Array, threshold: number, scale: number): void;
  bernoulliU8(out: Uint8Array, counter: Uint32Array, threshold: number): void;
  /** Writes ceil(n / 32) words of keep bits; bits past n are zero. */
  bernoulliBits(out: Uint32Array, n: number, counter: Uint32Array, threshold: number): void;
  dropout(out: Float32Array, x: Float32Array, counter: Uint32Array, threshold: number, scale: number): void;
  gaussianNoise(out: Float32Array, x: Float32Array, counter: Uint32Array, std: number): void;
  /** Present on backends that can run kernels off the JavaScript thread. */
  kernelAsync?: KernelAsync;
  /** Off-thread form of `matmul` into a new array (no accumulate); inputs are copied when it starts. */
  matmulAsync?: (a: Float32Array, b: Float32Array, bias: Float32Array | null, m: number, n: number, k: number,
    transA: boolean, transB: boolean, bKeep?: Uint32Array | null, bScale?: number) => Promise<Float32Array>;
  /**
   * c[m x n] = op(a)[m x k] · op(b)[k x n] (+ bias[j] per column) (+ c when accumulate), row-major,
   * op(x) = xᵀ when its trans flag is set (a stored k x m, b stored n x k). Not bit-identical
   * across backends: summation order and FMA differ. With `bKeep` (bits over b's storage, bit
   * i % 32 of word i / 32 for b[i]) each b[i] is read as keep ? b[i] · bScale : 0, exactly as the
   * dropout kernel would mask it, without materialising the masked matrix.
   */
  matmul(c: Float32Array, a: Float32Array, b: Float32Array, bias: Float32Array | null, m: number, n: number, k: number,
    transA: boolean, transB: boolean, accumulate: boolean, bKeep?: Uint32Array | null, bScale?: number): void;
}

/** The kernels that have an off-thread form on backends that support it. */
export type AsyncKernelName = 'randomBits' | 'uniform' | 'normal' | 'bernoulliF32' | 'bernoulliU8' | 'bernoulliBits' | 'dropout' | 'gaussianNoise';

/**
 * Off-thread kernel call (native: libuv thread pool). a, b: normal (mean, std), Bernoulli and
 * dropout (threshold, scale), gaussianNoise (unused, std). Inputs are copied when it starts; the
 * result is a new array of n elements (bits: ceil(n / 32) words).
 */
export type KernelAsync = (kind: AsyncKernelName, n: number, counter: Uint32Array, a: number, b: number, x?: Float32Array) =>
  Promise<Float32Array | Uint8Array | Uint32Array>;

/** 32-bit words of the stream each kernel consumes for n elements. */
export const streamWords = {
  randomBits: (n: number): number => n,
  uniform: (n: number): number => n,
  normal: (n: number): number => 2 * Math.ceil(n / 2),
  bernoulli: (n: number): number => Math.ceil(n / 2),
} as const;
