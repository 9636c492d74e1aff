// The kernel interface every backend implements (native, wasm, js). Arguments arrive checked:
// counters are [seed lo, seed hi, stream lo, stream hi, block lo, block hi, phase], thresholds
// integers in [0, 65536], lengths consistent. Each kernel fills `out` entirely. kernels.ts lists
// the kernels once; a contract test checks every backend against that list.
import { streamWords } from './kernels';
import type { StreamKernelName } from './kernels';

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
  /**
   * c[m x n] = op(a)[m x k] · op(b)[k x n] (+ bias[j] per column) (+ c when accumulate), row-major,
   * op(x) = xᵀ when its trans flag is set (a stored k x m, b stored n x k). Not bit-identical
   * across backends: summation order and FMA differ. With `bKeep` (bits over b's storage, bit
   * i % 32 of word i / 32 for b[i]) each b[i] is read as keep ? b[i] · bScale : 0, exactly as the
   * dropout kernel would mask it, without materialising the masked matrix.
   */
  matmul(
    c: Float32Array,
    a: Float32Array,
    b: Float32Array,
    bias: Float32Array | null,
    m: number,
    n: number,
    k: number,
    transA: boolean,
    transB: boolean,
    accumulate: boolean,
    bKeep?: Uint32Array | null,
    bScale?: number,
  ): void;

  /**
   * DropConnect's per-example products: y[b, j] = biases[b, j] + Σ_i (keep ? W[j, i] · scale : 0) · x[b, i],
   * keep = bit j·din + i of segment b, which starts at word b · keepStride of `keep`. Like matmul,
   * not bit-identical across backends (summation order); the keep decisions are.
   */
  maskedGemv(
    y: Float32Array,
    x: Float32Array,
    W: Float32Array,
    biases: Float32Array | null,
    batch: number,
    rows: number,
    din: number,
    keep: Uint32Array,
    keepStride: number,
    scale: number,
  ): void;

  // Feature-map kernels of the convolutional methods (conv.inc, assembly/conv.ts, backends/js_conv.ts).
  // They draw nothing: masks come in from the Bernoulli kernels, so results are exact and
  // bit-identical on every backend.
  /**
   * Max pooling of keep ? x : 0 over each window: out[window] = scale · max, argmax[window] = the
   * storage index of the first (row-major) winner, or −1 when the winner was dropped or the
   * window is all dropped. keep: bits over x's storage, or null (all kept). Windows never leave
   * the map (no padding); out is [n, c, oh, ow] in x's layout, oh = ⌊(h − kh)/sh⌋ + 1.
   */
  maxPool(
    out: Float32Array,
    x: Float32Array,
    keep: Uint32Array | null,
    g: PoolGeometry,
    scale: number,
    argmax: Int32Array | null,
  ): void;
  /**
   * Probabilistic weighted pooling: each window's n values sorted ascending (stable: ties keep
   * storage order, insertion sort), out = Σ_k weights[k] · a_(k) summed in float32 from k = 0.
   */
  weightedPool(out: Float32Array, x: Float32Array, g: PoolGeometry, weights: Float32Array): void;
  /**
   * DropBlock's block expansion: mask = 1 except where some seed's size×size block covers the
   * cell (seed at top-left corner). mask.length must be exactly n·c·h·w. seeds: 0/1 over [n, c, h − size + 1, w − size + 1], mask over
   * [n, c, h, w], both in the geometry's layout. Returns the number of ones written.
   */
  dropBlockMask(mask: Uint8Array, seeds: Uint8Array, g: BlockGeometry): number;
  /**
   * out[p] = storage index of the first maximum of plane p (−1 when select is given and
   * select[p] = 0). Comparisons are `>`, so a NaN never wins unless it comes first.
   */
  argmaxPlanes(out: Int32Array, x: Float32Array, select: Uint8Array | null, g: PlaneGeometry): void;
  /**
   * out[i] = m ? x[i] · scale : fill with m = mask[⌊i / (repeat · inner)⌋ · inner + i mod inner]
   * (a mask broadcast along an axis of size `repeat` whose inner block is `inner` elements);
   * mask null keeps everything. out may be x.
   */
  maskApply(
    out: Float32Array,
    x: Float32Array,
    mask: Uint8Array | null,
    repeat: number,
    inner: number,
    scale: number,
    fill: number,
  ): void;
  /**
   * out[i] = x[i] + branch[i] · factors[⌊i / rowLength⌋], each product and sum rounded to
   * float32 (DropPath's residual join). out may be x or branch.
   */
  addScaledRows(out: Float32Array, x: Float32Array, branch: Float32Array, factors: Float32Array, rowLength: number): void;
}

/** A pooling window walk over a map [n, c, h, w] stored NCHW or NHWC (kernel kh×kw, stride sh×sw). */
export interface PoolGeometry {
  n: number;
  c: number;
  h: number;
  w: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  channelsLast: boolean;
}

/** DropBlock planes: [n, c, h, w] in either layout (c = 1 when one mask is shared by all channels). */
export interface BlockGeometry {
  n: number;
  c: number;
  h: number;
  w: number;
  size: number;
  channelsLast: boolean;
}

/**
 * Planes for an arg-max search: plane p = o · inner + i (o < outer, i < inner) has `count`
 * elements, `elemStride` apart, from o · outerStride + i · innerStride.
 */
export interface PlaneGeometry {
  outer: number;
  inner: number;
  outerStride: number;
  innerStride: number;
  count: number;
  elemStride: number;
}

/** Pooled map size along one axis: ⌊(size − kernel) / stride⌋ + 1. */
export const pooledSize = (size: number, kernel: number, stride: number): number => Math.floor((size - kernel) / stride) + 1;

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
