// TensorFlow-compatible stateless dropout: the masks of tf.nn.experimental.stateless_dropout,
// so that a model trained in TensorFlow with stateless dropout replays its masks here. TF keeps an
// element iff its float32 uniform of TF's stateless stream (core/tf_stateless.ts) is ≥ rate, and
// scales the kept ones by 1/(1 − rate) (tensorflow/python/ops/nn_ops.py, _dropout).
import { checkMode, elementwiseOut } from '../../core/method';
import type { Mode } from '../../core/method';
import { checkArray, checkNumber, checkOptions, rangeError, typeError } from '../../core/errors';
import { applyBroadcastMask, checkNoiseShape, checkShape, product } from '../../core/shape';
import { TfStatelessOptions, tfUniforms } from '../../core/tf_stateless';
import { Async, callForm } from '../../async/form';

/** Options of `tfStatelessDropout` and `tfStatelessDropoutBackward`. */
export interface TfStatelessDropoutOptions extends TfStatelessOptions {
  /** Drop rate in [0, 1), TF's `rate` (compared in float32, as TF compares it). */
  rate: number;
  /** Shape of x; its product must equal x.length. Default [x.length]. */
  shape?: readonly number[];
  /**
   * TF's `noise_shape`: the shape of the uniforms, broadcast over `shape` (dimensions 1 or the
   * tensor's, right-aligned when of lower rank, null = the tensor's). Default `shape`.
   */
  noiseShape?: readonly (number | null)[];
  /** 'train' (default) and 'mc' drop; 'eval' returns x unchanged and draws nothing. */
  mode?: Mode;
  /** Where to write the result: x itself or a non-overlapping array of x's length. */
  out?: Float32Array;
}

function checkRate(value: unknown): number {
  if (typeof value !== 'number') throw typeError('rate', 'a number in [0, 1)', value);
  // TF raises a ValueError for rate outside [0, 1): a rate of 1 would divide by zero
  if (!(value >= 0 && value < 1)) throw rangeError('rate', 'a number in [0, 1)', value);
  return checkNumber('rate', value);
}

function apply(x: Float32Array, xName: string, opts: Record<string, unknown>): Float32Array {
  const rate = checkRate(opts.rate);
  if (opts.seed === undefined) throw new TypeError('Expected a seed pair [s0, s1] for seed but received undefined');
  const shape = checkShape('shape', opts.shape, x.length);
  const noiseShape = checkNoiseShape(opts.noiseShape, shape);
  const mode = checkMode(opts.mode);
  const out = elementwiseOut(opts, x, xName);
  if (mode === 'eval') {
    if (out !== x) out.set(x);
    return out;
  }
  const u = tfUniforms(new Float32Array(product(noiseShape)), opts);
  // TF: scale = 1 / (1 − rate) in Python floats, then a float32 constant; the comparison
  // random_tensor >= rate converts rate to float32 first
  const scale = Math.fround(1 / (1 - rate)),
    threshold = Math.fround(rate);
  const keep = new Uint8Array(u.length);
  for (let i = 0; i < u.length; i++) keep[i] = u[i] >= threshold ? 1 : 0;
  applyBroadcastMask(out, x, shape, noiseShape, keep, scale);
  return out;
}

/**
 * Equal bit for bit to `tf.nn.experimental.stateless_dropout(x, rate, seed, noise_shape)` on
 * TF's CPU kernels (float32): element i is kept iff uniform i of `tfStatelessUniform` over the
 * noise shape is ≥ rate, and kept elements become x · (1/(1 − rate)) rounded to float32; dropped
 * ones are +0. Stateless: the same seed gives the same mask, and no generator advances.
 * @example tfStatelessDropout(new Float32Array(15).fill(1), { rate: 0.5, seed: [1, 0] }) // TF's docs: [2,0,2,0,0, 0,0,2,0,2, 0,0,0,0,2]
 */
export function tfStatelessDropout(x: Float32Array, options: TfStatelessDropoutOptions): Float32Array {
  const opts = checkOptions('options', options);
  return apply(checkArray('x', x, Float32Array), 'x', opts);
}

/** The gradient of `tfStatelessDropout` (TF's): dx = dy · keep / (1 − rate), the same mask for the same seed. */
export function tfStatelessDropoutBackward(dy: Float32Array, options: TfStatelessDropoutOptions): Float32Array {
  const opts = checkOptions('options', options);
  return apply(checkArray('dy', dy, Float32Array), 'dy', opts);
}

// Promise twins of the registry's forms: on Node each runs in a worker, with the bits of the sync form.
export const tfStatelessDropoutAsync: Async<typeof tfStatelessDropout> = (...a) =>
  callForm('tfStatelessDropout', tfStatelessDropout, a);
export const tfStatelessDropoutBackwardAsync: Async<typeof tfStatelessDropoutBackward> = (...a) =>
  callForm('tfStatelessDropoutBackward', tfStatelessDropoutBackward, a);
