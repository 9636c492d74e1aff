// The native backend: the node-addon-api addon built from native/ by node-gyp, loaded through
// node-gyp-build so that prebuilt binaries in prebuilds/ are used when present.
import * as path from 'path';
import type { Backend, KernelAsync } from './interface';

/** The addon's feature-map bindings take the geometry as positional numbers (see native/kernel_table.h). */
interface ConvAddon {
  maxPool(
    out: Float32Array,
    x: Float32Array,
    keep: Uint32Array | null,
    n: number,
    c: number,
    h: number,
    w: number,
    kh: number,
    kw: number,
    sh: number,
    sw: number,
    channelsLast: boolean,
    scale: number,
    argmax: Int32Array | null,
  ): void;
  weightedPool(
    out: Float32Array,
    x: Float32Array,
    n: number,
    c: number,
    h: number,
    w: number,
    kh: number,
    kw: number,
    sh: number,
    sw: number,
    channelsLast: boolean,
    weights: Float32Array,
  ): void;
  dropBlockMask(
    mask: Uint8Array,
    seeds: Uint8Array,
    n: number,
    c: number,
    h: number,
    w: number,
    size: number,
    channelsLast: boolean,
  ): number;
  argmaxPlanes(
    out: Int32Array,
    x: Float32Array,
    select: Uint8Array | null,
    outer: number,
    inner: number,
    outerStride: number,
    innerStride: number,
    count: number,
    elemStride: number,
  ): void;
}

interface Addon extends Omit<Backend, 'name' | 'simd' | keyof ConvAddon>, ConvAddon {
  simd(): string;
  simdLevels(): string[];
  setSimd(level: string): void;
  setThreads(threads: number): void;
  threads(): number;
  kernelAsync: KernelAsync;
  matmulAsync: NonNullable<Backend['matmulAsync']>;
}

export interface NativeBackend extends Backend {
  /** Instruction sets this CPU can run, widest first. */
  readonly simdLevels: readonly string[];
  /** Uses a narrower instruction set (for tests and benchmarks); returns the backend. */
  useSimd(level: string): NativeBackend;
  /** Threads large calls are split across (results never depend on it). */
  threads: number;
}

/** The package root: dist/backends/ and lib/backends/ both sit two levels below it. */
export const PACKAGE_ROOT = path.join(__dirname, '..', '..');

/** Threads for large native calls by default: the machine's parallelism, at most 4. */
export function defaultThreads(): number {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const os = require('os') as typeof import('os');
  const n = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(4, n));
}

export function loadNativeBackend(): NativeBackend {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = require('node-gyp-build') as (dir: string) => Addon;
  const addon = load(PACKAGE_ROOT);
  addon.setThreads(defaultThreads());
  // Counters are fresh 28-byte arrays, which V8 keeps on its heap; handing one to Node-API
  // moves it off-heap first (an allocation and a copy, most of a small call's cost). One
  // long-lived counter, already off-heap, is copied into instead.
  const ctr = new Uint32Array(7);
  const pin = (c: Uint32Array): Uint32Array => (ctr.set(c), ctr);
  const backend: NativeBackend = {
    name: 'native',
    get simd() {
      return addon.simd();
    },
    simdLevels: addon.simdLevels(),
    useSimd(level: string) {
      addon.setSimd(level);
      return backend;
    },
    get threads() {
      return addon.threads();
    },
    set threads(n: number) {
      addon.setThreads(n);
    },
    randomBits: (out, c) => addon.randomBits(out, pin(c)),
    uniform: (out, c) => addon.uniform(out, pin(c)),
    normal: (out, c, mean, std) => addon.normal(out, pin(c), mean, std),
    bernoulliF32: (out, c, t, s) => addon.bernoulliF32(out, pin(c), t, s),
    bernoulliU8: (out, c, t) => addon.bernoulliU8(out, pin(c), t),
    bernoulliBits: (out, n, c, t) => addon.bernoulliBits(out, n, pin(c), t),
    dropout: (out, x, c, t, s) => addon.dropout(out, x, pin(c), t, s),
    gaussianNoise: (out, x, c, s) => addon.gaussianNoise(out, x, pin(c), s),
    kernelAsync: (kind, n, c, a, b, x) => addon.kernelAsync(kind, n, new Uint32Array(c), a, b, x),
    matmulAsync: (a, b, bias, m, n, k, ta, tb, keep, scale) =>
      addon.matmulAsync(a, b, bias, m, n, k, ta, tb, keep ?? null, scale ?? 1),
    matmul: (c, a, b, bias, m, n, k, ta, tb, acc, keep, scale) =>
      addon.matmul(c, a, b, bias, m, n, k, ta, tb, acc, keep ?? null, scale ?? 1),
    maxPool: (out, x, keep, g, scale, argmax) =>
      addon.maxPool(out, x, keep, g.n, g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.channelsLast, scale, argmax),
    weightedPool: (out, x, g, weights) =>
      addon.weightedPool(out, x, g.n, g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.channelsLast, weights),
    dropBlockMask: (mask, seeds, g) => addon.dropBlockMask(mask, seeds, g.n, g.c, g.h, g.w, g.size, g.channelsLast),
    argmaxPlanes: (out, x, select, g) =>
      addon.argmaxPlanes(out, x, select, g.outer, g.inner, g.outerStride, g.innerStride, g.count, g.elemStride),
    maskApply: (out, x, mask, repeat, inner, scale, fill) => addon.maskApply(out, x, mask, repeat, inner, scale, fill),
    addScaledRows: (out, x, branch, factors, rowLength) => addon.addScaledRows(out, x, branch, factors, rowLength),
    maskedGemv: (y, x, W, biases, batch, rows, din, keep, keepStride, scale) =>
      addon.maskedGemv(y, x, W, biases, batch, rows, din, keep, keepStride, scale),
    dropConnectGemv: (y, x, W, biases, batch, rows, din, c, segmentWords, threshold, scale) =>
      addon.dropConnectGemv(y, x, W, biases, batch, rows, din, pin(c), segmentWords, threshold, scale),
  };
  return backend;
}
