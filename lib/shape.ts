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
 * Resolves a noise shape against `shape`: same rank, each dimension 1 (the mask is shared
 * along it), equal to the tensor's, or null (= the tensor's).
 */
export function checkNoiseShape(noiseShape: unknown, shape: readonly number[]): number[] {
  if (noiseShape === undefined) return shape.slice();
  if (!Array.isArray(noiseShape)) throw typeError('noiseShape', 'an array of dimensions', noiseShape);
  if (noiseShape.length !== shape.length) {
    throw new RangeError(`Expected noiseShape to have rank ${shape.length} like shape [${shape.join(', ')}] but received rank ${noiseShape.length}`);
  }
  return noiseShape.map((d, i) => {
    if (d === null) return shape[i];
    if (typeof d !== 'number') throw typeError(`noiseShape[${i}]`, 'a number or null', d);
    if (d !== 1 && d !== shape[i]) throw rangeError(`noiseShape[${i}]`, `1 or ${shape[i]}`, d);
    return d;
  });
}

export const product = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

/**
 * out = keep ? x * scale : 0 where keep is a uint8 mask of shape `maskShape` broadcast over
 * `shape` (dimensions of size 1 in maskShape are shared).
 */
export function applyBroadcastMask(
  out: Float32Array, x: Float32Array, shape: readonly number[], maskShape: readonly number[], keep: Uint8Array, scale: number,
): void {
  if (x.length === 0) return;
  const rank = shape.length;
  const stride: number[] = new Array(rank);
  for (let d = rank - 1, s = 1; d >= 0; d--) {
    stride[d] = maskShape[d] === 1 ? 0 : s;
    s *= maskShape[d];
  }
  const inner = shape[rank - 1], innerStride = stride[rank - 1];
  const index: number[] = new Array(rank).fill(0);
  const f = Math.fround(scale);
  let base = 0;
  for (let i = 0; i < x.length; i += inner) {
    for (let j = 0; j < inner; j++) out[i + j] = keep[base + j * innerStride] ? Math.fround(x[i + j] * f) : 0;
    for (let d = rank - 2; d >= 0; d--) {
      base += stride[d];
      if (++index[d] < shape[d]) break;
      base -= stride[d] * shape[d];
      index[d] = 0;
    }
  }
}
