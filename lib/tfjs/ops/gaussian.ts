// Gaussian noise on tensors: Gaussian dropout (multiplicative, σ² = p/(1 − p)), dropmask's
// multiplicative gaussianNoise, and the additive noise of tf.layers.gaussianNoise.
import { tf } from '../tf';
import * as dm from '../dropmask';
import { checkFloat32, checkNumber, checkOptions } from '../../core/errors';
import { checkNoiseShape, product } from '../../core/shape';
import { place, streamOf } from '../position';
import { OpOptions, checkMode, checkTensor, identity, noiseOp } from './op';
import { shapeOf } from './dropout';

/** Options of `ops.gaussianDropout`. */
export interface GaussianDropoutOpOptions extends OpOptions {
  /** The matched drop probability p in [0, 1): ξ ~ N(1, p / (1 − p)). */
  p: number;
  /** Shape of the noise, broadcast over x as in `ops.dropout`. Default x's shape. */
  noiseShape?: readonly (number | null)[];
}

/** Multiplicative noise ξ = 1 + σz of `count` elements at the generator's position (ones through dropmask's kernel). */
const unitNoise = (count: number, fill: (ones: Float32Array, out: Float32Array) => void): Float32Array => {
  const out = new Float32Array(count);
  fill(new Float32Array(count).fill(1), out);
  return out;
};

/**
 * Gaussian dropout: y = x ⊙ ξ, ξ ~ N(1, p/(1 − p)) from the stream (Keras GaussianDropout), bit for
 * bit `dropmask.gaussianDropout`. Consumes 2·ceil(noise size / 2) words; dx = dy ⊙ ξ.
 */
export function gaussianDropout(x: tf.Tensor, options: GaussianDropoutOpOptions): tf.Tensor {
  const opts = checkOptions('options', options);
  checkTensor('x', x);
  const p = checkNumber('p', opts.p, 0, 1 - Number.EPSILON);
  const mode = checkMode(opts.mode);
  const shape = shapeOf(x);
  const noiseShape = checkNoiseShape(opts.noiseShape, shape);
  if (mode === 'eval') return identity(x);
  const common = { p, shape, noiseShape };
  return noiseOp(x, place(opts), {
    forward: (xv, out, generator) => dm.gaussianDropout(xv, { ...common, generator, out }),
    backward: (dy, dx, position) => dm.gaussianDropoutBackward(dy, { ...common, ...streamOf(position), out: dx }),
    noise: (generator) => {
      const n = product(noiseShape);
      const factor = unitNoise(n, (ones, out) => dm.gaussianDropout(ones, { p, generator, out }));
      return { shape: noiseShape, factor, addend: null };
    },
  });
}

/** Options of `ops.gaussianNoise`. */
export interface GaussianNoiseOpOptions extends OpOptions {
  /** σ ≥ 0 of the multiplicative noise ξ ~ N(1, σ²). */
  std: number;
}

/**
 * dropmask's multiplicative Gaussian noise: y = x ⊙ (1 + σz), z ~ N(0, 1), bit for bit
 * `dropmask.gaussianNoise`. Consumes 2·ceil(n / 2) words; dx = dy ⊙ (1 + σz). (The additive noise
 * of tf.layers.gaussianNoise is `ops.additiveGaussianNoise`.)
 */
export function gaussianNoise(x: tf.Tensor, options: GaussianNoiseOpOptions): tf.Tensor {
  const opts = checkOptions('options', options);
  checkTensor('x', x);
  const std = checkFloat32('std', opts.std, 0);
  const mode = checkMode(opts.mode);
  if (mode === 'eval') return identity(x);
  const placement = place(opts);
  return noiseOp(x, placement, {
    forward: (xv, out, generator) => dm.gaussianNoise(xv, { std, generator, out }),
    backward: (dy, dx, position) => dm.gaussianNoise(dy, { std, ...streamOf(position), out: dx }),
    noise: (generator) => {
      const factor = unitNoise(x.size, (ones, out) => dm.gaussianNoise(ones, { std, generator, out }));
      return { shape: shapeOf(x), factor, addend: null };
    },
  });
}

/** Options of `ops.additiveGaussianNoise`. */
export interface AdditiveGaussianNoiseOpOptions extends OpOptions {
  /** Standard deviation σ ≥ 0 of the added noise. */
  stddev: number;
}

/**
 * Additive Gaussian noise, the tf.layers.gaussianNoise rule: y = x + z, z ~ N(0, σ²) from the
 * stream, z = `dropmask.normal(x.size, { std: σ, seed, stream, offset })` (y rounded to float32).
 * Consumes 2·ceil(n / 2) words; dx = dy.
 */
export function additiveGaussianNoise(x: tf.Tensor, options: AdditiveGaussianNoiseOpOptions): tf.Tensor {
  const opts = checkOptions('options', options);
  checkTensor('x', x);
  const std = checkFloat32('stddev', opts.stddev, 0);
  const mode = checkMode(opts.mode);
  if (mode === 'eval') return identity(x);
  return noiseOp(x, place(opts), {
    forward: (xv, out, generator) => {
      dm.normal(out, { std, generator });
      for (let i = 0; i < out.length; i++) out[i] += xv[i];
    },
    backward: null,
    noise: (generator) => ({ shape: shapeOf(x), factor: null, addend: dm.normal(x.size, { std, generator }) }),
  });
}
