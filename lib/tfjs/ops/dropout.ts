// Standard (inverted) dropout on a tensor: dropmask's dropout over the tensor's memory, with
// TF/Keras noise shapes; the gradient regenerates the mask.
import { tf } from '../tf';
import * as dm from '../dropmask';
import { checkOneOf, checkOptions, checkProbability } from '../../core/errors';
import { checkNoiseShape, product } from '../../core/shape';
import { place, streamOf } from '../position';
import { OpOptions, checkMode, checkTensor, identity, noiseOp } from './op';

/** Options of `ops.dropout`. */
export interface DropoutOpOptions extends OpOptions {
  /** Drop probability in [0, 1] (quantised to 2^-16 like every dropmask mask). */
  p: number;
  /** Shape of the mask, broadcast over x: each dimension 1 (shared), x's own, or null (= x's). Default x's shape. */
  noiseShape?: readonly (number | null)[];
  /** 'inverted' (default): y = x·m/q in training, x at inference. 'test-time': x·m in training, q·x at inference. */
  scaling?: dm.DropoutScaling;
}

/** A tensor's shape as dropmask's `shape` option (a scalar is one element). */
export const shapeOf = (x: tf.Tensor): number[] => (x.rank === 0 ? [1] : x.shape.slice());

/**
 * Dropout on a tensor: y = x ⊙ m / (1 − p), m ~ Bernoulli(1 − p) from the stream, bit for bit
 * `dropmask.dropout(x.dataSync(), { p, shape: x.shape, noiseShape, seed, stream, offset })`.
 * Consumes ceil(mask size / 2) words. The gradient is dy ⊙ m / (1 − p) with m regenerated.
 * @example ops.dropout(x, { p: 0.5, seed: 42 })
 */
export function dropout(x: tf.Tensor, options: DropoutOpOptions): tf.Tensor {
  const opts = checkOptions('options', options);
  checkTensor('x', x);
  const p = checkProbability('p', opts.p);
  const mode = checkMode(opts.mode);
  const shape = shapeOf(x);
  const noiseShape = checkNoiseShape(opts.noiseShape, shape);
  const scaling =
    opts.scaling === undefined ? 'inverted' : checkOneOf('scaling', opts.scaling, ['inverted', 'test-time'] as const);
  if (mode === 'eval') return scaling === 'test-time' ? tf.mul(x, tf.scalar(1 - dm.effectiveP(p))) : identity(x);
  const placement = place(opts);
  const common = { p, shape, noiseShape, scaling };
  return noiseOp(x, placement, {
    forward: (xv, out, generator) => dm.dropout(xv, { ...common, generator, out }),
    backward: (dy, dx, position) => dm.dropoutBackward(dy, { ...common, ...streamOf(position), out: dx }),
    noise: (generator) => {
      const keep = dm.bernoulliMask(product(noiseShape), { p, layout: 'uint8', generator });
      const scale = scaling === 'test-time' ? 1 : dm.maskScale(p);
      return { shape: noiseShape, factor: Float32Array.from(keep, (k) => (k ? scale : 0)), addend: null };
    },
  });
}
