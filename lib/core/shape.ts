// Tensor shapes and TF/Keras-style noise-shape broadcasting for masks.
import { MAX_LENGTH, rangeError, typeError } from './errors';

/** Checks `shape` (default [length]) and that its product equals `length`. */
export function checkShape(name: string, shape: unknown, length: number): number[] {
  if (shape === undefined) return [length];
  if (!Array.isArray(shape)) throw typeError(name, 'an array of non-negative integers', shape);
  if (shape.length === 0) throw rangeError(name, 'at least one dimension', shape);
  let size = 1;
  shape.forEach((d, i) => {
    if (typeof d !== 'number') throw typeError(`${name}[${i}]`, 'a non-negative integer', d);
    if (!Number.isInteger(d) || d < 0 || d > MAX_LENGTH) throw rangeError(`${name}[${i}]`, 'a non-negative integer', d);
    size *= d;
  });
  if (size !== length) {
    throw new RangeError(`Expected ${name} [${shape.join(', ')}] to hold ${length} elements but it holds ${size}`);
  }
  return shape.slice();
}

/**
 * Resolves a noise shape against `shape` as TF/Keras broadcast it: right-aligned, a noise shape
 * of lower rank being padded with leading 1s (TF's `where_v2` broadcasts the random tensor that
 * way); each dimension 1 (the mask is shared along it), equal to the tensor's, or null (= the
 * tensor's aligned dimension). Returns the padded noise shape, of the tensor's rank.
 */
export function checkNoiseShape(noiseShape: unknown, shape: readonly number[]): number[] {
  if (noiseShape === undefined) return shape.slice();
  if (!Array.isArray(noiseShape)) throw typeError('noiseShape', 'an array of dimensions', noiseShape);
  if (noiseShape.length > shape.length) {
    throw new RangeError(
      `Expected noiseShape to have at most rank ${shape.length} like shape [${shape.join(', ')}] but received rank ${noiseShape.length}`,
    );
  }
  const lead = shape.length - noiseShape.length;
  return shape.map((size, i) => {
    if (i < lead) return 1;
    const d: unknown = noiseShape[i - lead];
    if (d === null) return size;
    if (typeof d !== 'number') throw typeError(`noiseShape[${i - lead}]`, 'a number or null', d);
    if (d !== 1 && d !== size) throw rangeError(`noiseShape[${i - lead}]`, `1 or ${size}`, d);
    return d;
  });
}

export const product = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

/**
 * Walks a tensor of `shape` in runs along its last dimension and calls
 * visit(start, length, base, step): elements start .. start + length − 1 of the tensor take
 * elements base, base + step, … of a factor of shape `factorShape` broadcast over it
 * (dimensions of size 1 in factorShape are shared).
 */
export function forEachBroadcastRun(
  shape: readonly number[],
  factorShape: readonly number[],
  visit: (start: number, length: number, base: number, step: number) => void,
): void {
  const total = product(shape);
  if (total === 0) return;
  const rank = shape.length;
  const stride: number[] = new Array(rank);
  for (let d = rank - 1, s = 1; d >= 0; d--) {
    stride[d] = factorShape[d] === 1 ? 0 : s;
    s *= factorShape[d];
  }
  const inner = shape[rank - 1];
  const index: number[] = new Array(rank).fill(0);
  let base = 0;
  for (let i = 0; i < total; i += inner) {
    visit(i, inner, base, stride[rank - 1]);
    for (let d = rank - 2; d >= 0; d--) {
      base += stride[d];
      if (++index[d] < shape[d]) break;
      base -= stride[d] * shape[d];
      index[d] = 0;
    }
  }
}

/** out = keep ? x * scale : 0, with a uint8 keep mask of `maskShape` broadcast over `shape`. */
export function applyBroadcastMask(
  out: Float32Array,
  x: Float32Array,
  shape: readonly number[],
  maskShape: readonly number[],
  keep: Uint8Array,
  scale: number,
): void {
  const f = Math.fround(scale);
  forEachBroadcastRun(shape, maskShape, (start, length, base, step) => {
    for (let j = 0; j < length; j++) out[start + j] = keep[base + j * step] ? Math.fround(x[start + j] * f) : 0;
  });
}

/** out = x · factor (rounded to float32), with `factor` of `factorShape` broadcast over `shape`. */
export function broadcastMultiply(
  out: Float32Array,
  x: Float32Array,
  shape: readonly number[],
  factorShape: readonly number[],
  factor: Float32Array,
): void {
  forEachBroadcastRun(shape, factorShape, (start, length, base, step) => {
    for (let j = 0; j < length; j++) out[start + j] = Math.fround(x[start + j] * factor[base + j * step]);
  });
}

/**
 * The exact element count of `dims` as a bigint: an empty tensor's noise shape (its zero
 * dimensions broadcast) can hold far more than 2^53 decisions, none of them drawn, but the stream
 * still moves past all of them.
 */
export const exactProduct = (dims: readonly number[]): bigint => dims.reduce((a, d) => a * BigInt(d), 1n);

/** Words of `count` Bernoulli decisions (two per word), exact past 2^53. */
export const bernoulliWordsExact = (count: bigint): bigint => (count + 1n) / 2n;
