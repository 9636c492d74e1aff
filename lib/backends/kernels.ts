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

/** The array kernels: they draw nothing and compute on the caller's arrays (products, feature-map and broadcast kernels). */
export const ARRAY_KERNELS = {
  matmul: { family: 'matmul', args: ['c', 'a', 'b', 'bias', 'm', 'n', 'k', 'transA', 'transB', 'accumulate', 'bKeep', 'bScale'] },
  maskedGemv: { family: 'gemv', args: ['y', 'x', 'W', 'biases', 'batch', 'rows', 'din', 'keep', 'keepStride', 'scale'] },
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
