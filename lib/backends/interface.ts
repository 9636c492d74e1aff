// The kernel interface every backend implements (native, wasm, js). Arguments arrive checked:
// counters are [seed lo, seed hi, stream lo, stream hi, block lo, block hi, phase], thresholds
// integers in [0, 65536], lengths consistent. Each kernel fills `out` entirely. kernels.ts lists
// the kernels once; a contract test checks every backend against that list.
import { pooledSize, streamWords } from './kernels';
import type { ArrayKernels, BlockGeometry, PlaneGeometry, PoolGeometry, StreamKernelName, StreamKernels } from './kernels';

export type BackendName = 'native' | 'wasm' | 'js';

/** A backend: the kernels of the table (kernels.ts) and its identity. */
export interface Backend extends StreamKernels, ArrayKernels {
  readonly name: BackendName;
  /** The instruction set the kernels use: avx512, avx2, sse2, neon, scalar, simd128 or none. */
  readonly simd: string;
  /** Present on backends that can run kernels off the JavaScript thread. */
  kernelAsync?: KernelAsync;
  /** Off-thread form of `matmul` into a new array (no accumulate); inputs are copied when it starts. */
  matmulAsync?: (
    a: Float32Array,
    b: Float32Array,
    bias: Float32Array | null,
    m: number,
    n: number,
    k: number,
    transA: boolean,
    transB: boolean,
    bKeep?: Uint32Array | null,
    bScale?: number,
  ) => Promise<Float32Array>;
}

export type { BlockGeometry, PlaneGeometry, PoolGeometry };
export { pooledSize };

/** The kernels that have an off-thread form on backends that support it: the stream kernels (kernels.ts). */
export type AsyncKernelName = StreamKernelName;

/**
 * Off-thread kernel call (native: libuv thread pool). a, b: normal (mean, std), Bernoulli and
 * dropout (threshold, scale), gaussianNoise (unused, std). Inputs are copied when it starts; the
 * result is a new array of n elements (bits: ceil(n / 32) words).
 */
export type KernelAsync = (
  kind: AsyncKernelName,
  n: number,
  counter: Uint32Array,
  a: number,
  b: number,
  x?: Float32Array,
) => Promise<Float32Array | Uint8Array | Uint32Array>;

export { streamWords };
