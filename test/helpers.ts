// Shared test fixtures: the backends (and native instruction sets) to run every test on, the
// Philox known answers, exact comparisons, and the small numeric and layout helpers that the
// method tests share.
import * as fs from 'fs';
import * as path from 'path';
import { availableBackends, loadBackend } from '../lib/index';
import type { Backend, BackendName, ConvLayout } from '../lib/index';
import type { NativeBackend } from '../lib/backends/native';

/** A backend to test, with a label that names the native instruction set too. */
export interface Variant {
  label: string;
  name: BackendName;
  /** Runs fn with this variant active (selects the native SIMD level first). */
  run<T>(fn: () => T): T;
}

export function variants(): Variant[] {
  const out: Variant[] = [];
  for (const name of availableBackends()) {
    if (name === 'native') {
      const native = loadBackend('native') as NativeBackend;
      const best = native.simdLevels[0];
      for (const level of native.simdLevels) {
        out.push({
          label: `native/${level}`,
          name,
          run: (fn) => {
            native.useSimd(level);
            try {
              return fn();
            } finally {
              native.useSimd(best);
            }
          },
        });
      }
    } else {
      out.push({ label: name, name, run: (fn) => fn() });
    }
  }
  return out;
}

/** Backends other than the js reference, for comparisons against it. */
export const compiled = (): Variant[] => variants().filter((v) => v.name !== 'js');

export const backend = (name: BackendName): Backend => loadBackend(name);

export interface Kat {
  ctr: number[];
  key: number[];
  expected: number[];
}

/** The philox4x32 10-round Random123 known answers of test/fixtures/philox_kat.txt. */
export function philoxKats(): Kat[] {
  const file = path.join(__dirname, 'fixtures', 'philox_kat.txt');
  if (!fs.existsSync(file)) throw new Error('philox_kat.txt not found');
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => /^philox4x32 10 /.test(l))
    .map((l) => {
      const w = l
        .trim()
        .split(/\s+/)
        .slice(2)
        .map((h) => parseInt(h, 16));
      return { ctr: w.slice(0, 4), key: w.slice(4, 6), expected: w.slice(6, 10) };
    });
}

/** Bit patterns of a float array, for exact comparisons that also see -0 and NaN payloads. */
export const bitsOf = (a: Float32Array): Uint32Array => new Uint32Array(a.buffer, a.byteOffset, a.length);

/**
 * Asserts byte-identical views. Reports the first differing element instead of a full diff:
 * jest's deep equality and diff are far too slow for million-element arrays.
 */
export function expectSameBits(actual: ArrayBufferView, expected: ArrayBufferView, what = ''): void {
  const a = Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength);
  const b = Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength);
  if (a.length === b.length && a.equals(b)) return;
  const width = (actual as unknown as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
  let i = 0;
  while (i < Math.min(a.length, b.length) && a[i] === b[i]) i++;
  const el = Math.floor(i / width);
  const show = (v: ArrayBufferView): string => {
    const arr = v as unknown as ArrayLike<number>;
    return Array.from({ length: Math.min(4, Math.max(0, arr.length - el)) }, (_, k) => arr[el + k]).join(', ');
  };
  throw new Error(
    `${what} differ: ${actual.byteLength} vs ${expected.byteLength} bytes; first difference at element ${el}: [${show(actual)}] vs [${show(expected)}]`,
  );
}

/** Central finite difference of L(θ) = Σ g ⊙ f(θ) at coordinate i of theta ; theta is restored. */
export function finiteDifference(theta: Float32Array, i: number, h: number, loss: () => number): number {
  const keep = theta[i];
  theta[i] = keep + h;
  const up = loss();
  theta[i] = keep - h;
  const down = loss();
  theta[i] = keep;
  return (up - down) / (2 * h);
}

// Statistics

/** z-score of a count k against a binomial(n, r). */
export const binomialZ = (k: number, n: number, r: number): number => (k - n * r) / Math.sqrt(n * r * (1 - r));

export const sum = (a: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
};

export const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/** Sample mean and variance of column j of a rows × cols matrix. */
export function columnMoments(y: Float32Array, rows: number, cols: number, j: number): { mean: number; variance: number } {
  let m = 0;
  for (let r = 0; r < rows; r++) m += y[r * cols + j];
  m /= rows;
  let v = 0;
  for (let r = 0; r < rows; r++) v += (y[r * cols + j] - m) ** 2;
  return { mean: m, variance: v / (rows - 1) };
}

// Inputs

/**
 * Small dyadic rationals, k/denom for integers k in [−8, 8]: every product of them is exact in
 * float32, so outputs expose the mask decisions and can be compared bit for bit.
 */
export const dyadic = (n: number, seed: number, denom = 8): Float32Array =>
  Float32Array.from({ length: n }, (_, i) => (((i * 7919 + seed * 104729) % 17) - 8) / denom);

/** `times` copies of row, one after the other. */
export const repeat = (row: Float32Array, times: number): Float32Array => {
  const out = new Float32Array(row.length * times);
  for (let t = 0; t < times; t++) out.set(row, t * row.length);
  return out;
};

// Feature-map layouts

export const LAYOUTS: ConvLayout[] = ['NCHW', 'NHWC'];

/** Storage index of (n, c, h, w) in a map [N, C, H, W] stored in `layout`. */
export const indexer =
  (C: number, H: number, W: number, layout: ConvLayout) =>
  (n: number, c: number, h: number, w: number): number =>
    layout === 'NCHW' ? ((n * C + c) * H + h) * W + w : ((n * H + h) * W + w) * C + c;

/** The shape of a map [N, C, H, W] stored in `layout`. */
export const shapeOf = (N: number, C: number, H: number, W: number, layout: ConvLayout): number[] =>
  layout === 'NCHW' ? [N, C, H, W] : [N, H, W, C];

/** Copies an NCHW tensor into the given layout. */
export function toLayout(x: Float32Array, N: number, C: number, H: number, W: number, layout: ConvLayout): Float32Array {
  if (layout === 'NCHW') return x.slice();
  const at = indexer(C, H, W, 'NHWC'),
    out = new Float32Array(x.length);
  for (let n = 0, i = 0; n < N; n++)
    for (let c = 0; c < C; c++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) out[at(n, c, h, w)] = x[i++];
  return out;
}
