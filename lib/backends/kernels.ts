// The kernel table of the TypeScript side: every kernel of the Backend interface, once. The
// stream word counts, the async kernel names, the wasm adapter's generic stream kernels and the
// contract test that compares the native, wasm and js backends are all derived from it; the C++
// side has the same table as an X-macro list (native/kernel_table.h), and its `kernelTable()`
// export is checked against this one.

/** The distributions of the stream: how many 32-bit words a call over n elements consumes. */
export const streamWords = {
  /** One word per element. */
  randomBits: (n: number): number => n,
  /** One word per element: u = (word >>> 8) · 2^-24. */
  uniform: (n: number): number => n,
  /** Box–Muller on word pairs: an odd count wastes the last word of its pair. */
  normal: (n: number): number => 2 * Math.ceil(n / 2),
  /** 16 bits per keep decision, two decisions per word: an odd count wastes the last half. */
  bernoulli: (n: number): number => Math.ceil(n / 2),
} as const;

export type Distribution = keyof typeof streamWords;

/** The element type a stream kernel writes: float32, 0/1 bytes, raw words or packed keep bits. */
export type StreamOutput = 'f32' | 'u8' | 'u32' | 'bits';

/** A kernel that draws from the stream: out (and x) are arrays, the counter comes after them. */
export interface StreamKernelSpec {
  family: string;
  /** The Backend method's parameters, in order. */
  args: readonly string[];
  /** The distribution whose word count the kernel consumes. */
  draws: Distribution;
  out: StreamOutput;
  /** Reads an input x of out's length (fused apply). */
  input: boolean;
  /** The scalar parameters after the counter, in order. */
  scalars: readonly string[];
  /** Elements per unit of the native split and the words a unit consumes (a thread starts on a unit boundary). */
  unit: number;
  wordsPerUnit: number;
}

/** An array kernel: it draws nothing; products, feature-map and broadcast kernels take their masks as arguments. */
export interface ArrayKernelSpec {
  family: string;
  /** The Backend method's parameters, in order. */
  args: readonly string[];
  /** The addon binding's parameters where they differ (geometry objects passed as positional numbers). */
  nativeArgs?: readonly string[];
  /** false: the wasm adapter composes the kernel from the module's other exports, so the module has no export of it. */
  wasmExport?: false;
}

// Object literals only, no calls: a bundle that never reads the table drops it.
/** The kernels that draw from the stream; each has an off-thread form (`kernelAsync`). */
export const STREAM_KERNELS = {
  randomBits: {
    family: 'philox',
    args: ['out', 'counter'],
    draws: 'randomBits',
    out: 'u32',
    input: false,
    scalars: [],
    unit: 1,
    wordsPerUnit: 1,
  },
  uniform: {
    family: 'uniform',
    args: ['out', 'counter'],
    draws: 'uniform',
    out: 'f32',
    input: false,
    scalars: [],
    unit: 1,
    wordsPerUnit: 1,
  },
  normal: {
    family: 'normal',
    args: ['out', 'counter', 'mean', 'std'],
    draws: 'normal',
    out: 'f32',
    input: false,
    scalars: ['mean', 'std'],
    unit: 2,
    wordsPerUnit: 2,
  },
  gaussianNoise: {
    family: 'normal',
    args: ['out', 'x', 'counter', 'std'],
    draws: 'normal',
    out: 'f32',
    input: true,
    scalars: ['std'],
    unit: 2,
    wordsPerUnit: 2,
  },
  bernoulliF32: {
    family: 'bernoulli',
    args: ['out', 'counter', 'threshold', 'scale'],
    draws: 'bernoulli',
    out: 'f32',
    input: false,
    scalars: ['threshold', 'scale'],
    unit: 2,
    wordsPerUnit: 1,
  },
  bernoulliU8: {
    family: 'bernoulli',
    args: ['out', 'counter', 'threshold'],
    draws: 'bernoulli',
    out: 'u8',
    input: false,
    scalars: ['threshold'],
    unit: 2,
    wordsPerUnit: 1,
  },
  // units of 32 elements: a thread's range starts on an output word
  bernoulliBits: {
    family: 'bernoulli',
    args: ['out', 'n', 'counter', 'threshold'],
    draws: 'bernoulli',
    out: 'bits',
    input: false,
    scalars: ['threshold'],
    unit: 32,
    wordsPerUnit: 16,
  },
  dropout: {
    family: 'dropout',
    args: ['out', 'x', 'counter', 'threshold', 'scale'],
    draws: 'bernoulli',
    out: 'f32',
    input: true,
    scalars: ['threshold', 'scale'],
    unit: 2,
    wordsPerUnit: 1,
  },
} as const satisfies Record<string, StreamKernelSpec>;

/**
 * The array kernels: they compute on the caller's arrays (products, feature-map and broadcast
 * kernels) with positional geometry. Only the fused DropConnect products (dropConnectMatmul,
 * dropConnectGemv) draw, at the counter they are given; the others take masks from the stream kernels.
 */
export const ARRAY_KERNELS = {
  matmul: { family: 'matmul', args: ['c', 'a', 'b', 'bias', 'm', 'n', 'k', 'transA', 'transB', 'accumulate', 'bKeep', 'bScale'] },
  dropConnectMatmul: {
    family: 'matmul',
    args: ['y', 'x', 'W', 'bias', 'batch', 'rows', 'din', 'keep', 'counter', 'threshold', 'scale', 'packed'],
  },
  // wasm keeps no packed form: its matmulPacked is the module's matmul over W
  packWeights: { family: 'matmul', args: ['W', 'rows', 'din'], wasmExport: false },
  matmulPacked: { family: 'matmul', args: ['y', 'x', 'W', 'bias', 'batch', 'rows', 'din', 'packed'], wasmExport: false },
  maskedGemv: { family: 'gemv', args: ['y', 'x', 'W', 'biases', 'batch', 'rows', 'din', 'keep', 'keepStride', 'scale'] },
  dropConnectGemv: {
    family: 'gemv',
    args: ['y', 'x', 'W', 'biases', 'batch', 'rows', 'din', 'counter', 'segmentWords', 'threshold', 'scale'],
  },
  maxPool: {
    family: 'conv',
    args: ['out', 'x', 'keep', 'g', 'scale', 'argmax'],
    nativeArgs: ['out', 'x', 'keep', 'n', 'c', 'h', 'w', 'kh', 'kw', 'sh', 'sw', 'channelsLast', 'scale', 'argmax'],
  },
  weightedPool: {
    family: 'conv',
    args: ['out', 'x', 'g', 'weights'],
    nativeArgs: ['out', 'x', 'n', 'c', 'h', 'w', 'kh', 'kw', 'sh', 'sw', 'channelsLast', 'weights'],
  },
  dropBlockMask: {
    family: 'conv',
    args: ['mask', 'seeds', 'g'],
    nativeArgs: ['mask', 'seeds', 'n', 'c', 'h', 'w', 'size', 'channelsLast'],
  },
  argmaxPlanes: {
    family: 'conv',
    args: ['out', 'x', 'select', 'g'],
    nativeArgs: ['out', 'x', 'select', 'outer', 'inner', 'outerStride', 'innerStride', 'count', 'elemStride'],
  },
  maskApply: { family: 'broadcast', args: ['out', 'x', 'mask', 'repeat', 'inner', 'scale', 'fill'] },
  addScaledRows: { family: 'broadcast', args: ['out', 'x', 'branch', 'factors', 'rowLength'] },
} as const satisfies Record<string, ArrayKernelSpec>;

export type StreamKernelName = keyof typeof STREAM_KERNELS;

type StreamArrays = { f32: Float32Array; u8: Uint8Array; u32: Uint32Array; bits: Uint32Array };
type StreamParam<Name, Out extends StreamOutput> = Name extends 'out'
  ? StreamArrays[Out]
  : Name extends 'x'
    ? Float32Array
    : Name extends 'counter'
      ? Uint32Array
      : number;
// homomorphic over the tuple A (a type parameter), so the result is a tuple too
type StreamParamList<A extends readonly string[], Out extends StreamOutput> = {
  -readonly [K in keyof A]: StreamParam<A[K], Out>;
};
type StreamParams<S extends { args: readonly string[]; out: StreamOutput }> = StreamParamList<S['args'], S['out']>;

/**
 * The stream kernels' signatures, derived from their rows: out (a typed array of the row's output
 * type, filled entirely; bits: ⌈n / 32⌉ words, bits past n zero), x (Float32Array of out's length),
 * n (bits only), the counter [seed lo, seed hi, stream lo, stream hi, block lo, block hi, phase],
 * then the scalars (thresholds are integers in [0, 65536]).
 */
export type StreamKernels = { [K in StreamKernelName]: (...args: StreamParams<(typeof STREAM_KERNELS)[K]>) => void };

/**
 * The array kernels' signatures (the Backend interface's part that the table's rows cannot type).
 * Arguments arrive checked; see each kernel.
 */
export interface ArrayKernels {
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
   * DropConnect's product with one mask for every example, drawn inside it: keep is first filled
   * with bernoulliBits(keep, rows·din, counter, threshold) — bit for bit, words past
   * ⌈rows·din / 32⌉ untouched — and then y [batch, rows] = x [batch, din] · (keep ⊙ W · scale)ᵀ
   * + bias, W [rows, din]: matmul(y, x, W, bias, batch, rows, din, false, true, false, keep, scale),
   * sums not bit-identical across backends, like matmul's. Native draws each thread's share of the
   * bits inside the product's own threads; the others draw, then multiply. With `packed` =
   * packWeights(W, rows, din) on this backend, native masks copies of the packed panels instead of
   * packing W (the same bits and sums; a RangeError when packed is stale, like matmulPacked's); wasm
   * and js read W.
   */
  dropConnectMatmul(
    y: Float32Array,
    x: Float32Array,
    W: Float32Array,
    bias: Float32Array | null,
    batch: number,
    rows: number,
    din: number,
    keep: Uint32Array,
    counter: Uint32Array,
    threshold: number,
    scale: number,
    packed?: Float32Array | null,
  ): void;

  /**
   * W [rows, din] packed ahead for matmulPacked, in the layout this backend's product reads at its
   * current instruction set (native: op(B) = Wᵀ's micro-panels for this ISA's register tile and
   * the run-time depth block, behind a header recording them). Empty on wasm and js, whose
   * matmulPacked reads W itself.
   */
  packWeights(W: Float32Array, rows: number, din: number): Float32Array;

  /**
   * y [batch, rows] = x [batch, din] · Wᵀ + bias (W [rows, din]) from `packed` = packWeights(W,
   * rows, din) on this backend, in dropConnectMatmul's layout: bit for bit matmul(y, x, W, bias,
   * batch, rows, din, false, true, false), without packing W. Native throws a RangeError when
   * `packed` was made for another shape or instruction set (after useSimd).
   */
  matmulPacked(
    y: Float32Array,
    x: Float32Array,
    W: Float32Array,
    bias: Float32Array | null,
    batch: number,
    rows: number,
    din: number,
    packed: Float32Array,
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

  /**
   * maskedGemv with the keep decisions drawn inside the product instead of read from bits: example
   * b's weight mask is the Bernoulli decisions at `counter` advanced by b · segmentWords words
   * (segmentWords >= ceil(rows·din / 2)), weight (j, i) deciding on 16-bit half j·din + i, kept iff
   * it is >= threshold — bit for bit bernoulliBits at that offset. y[b, j] = biases[b, j] +
   * scale · Σ_i keep · W[j, i] · x[b, i]; like matmul, the sums are not bit-identical across
   * backends, the decisions are. Nothing is written but y.
   */
  dropConnectGemv(
    y: Float32Array,
    x: Float32Array,
    W: Float32Array,
    biases: Float32Array | null,
    batch: number,
    rows: number,
    din: number,
    counter: Uint32Array,
    segmentWords: number,
    threshold: number,
    scale: number,
  ): void;

  // Feature-map kernels of the convolutional methods (native/conv.inc, assembly/conv.ts, js/conv.ts).
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

export type ArrayKernelName = keyof typeof ARRAY_KERNELS;
export type KernelName = StreamKernelName | ArrayKernelName;

/** The spec of any kernel. */
export const kernelSpec = (name: KernelName): StreamKernelSpec | ArrayKernelSpec =>
  (STREAM_KERNELS as Record<string, StreamKernelSpec>)[name] ?? (ARRAY_KERNELS as Record<string, ArrayKernelSpec>)[name];

/** Every kernel, stream kernels first. */
export const kernelNames = (): KernelName[] => [...Object.keys(STREAM_KERNELS), ...Object.keys(ARRAY_KERNELS)] as KernelName[];

/** Words of the stream a stream kernel consumes for n elements. */
export const kernelWords = (kind: StreamKernelName, n: number): number => streamWords[STREAM_KERNELS[kind].draws](n);

/** Length of a stream kernel's output for n elements (bits: ⌈n / 32⌉ words). */
export const outputLength = (kind: StreamKernelName, n: number): number =>
  STREAM_KERNELS[kind].out === 'bits' ? Math.ceil(n / 32) : n;
