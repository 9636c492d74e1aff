// AlphaDropout on a tensor (SELU networks): dropped units take α' and an affine correction keeps
// mean 0 and variance 1; feature alpha dropout decides per (example, channel).
import { tf } from '../tf';
import * as dm from '../dropmask';
import { checkOptions, checkProbability } from '../../core/errors';
import { checkNoiseShape, product } from '../../core/shape';
import { place, streamOf } from '../position';
import { OpOptions, TensorLayout, checkMode, checkTensor, checkTensorLayout, identity, noiseOp } from './op';
import { shapeOf } from './dropout';

/** Options of `ops.alphaDropout`. */
export interface AlphaDropoutOpOptions extends OpOptions {
  /** Drop probability. Default 0.1. */
  p?: number;
  /** Shape of the mask, broadcast over x as in `ops.dropout`. Default x's shape. */
  noiseShape?: readonly (number | null)[];
}

/** SELU's negative saturation α' = −λα₀. */
const ALPHA_PRIME = -1.0507009873554805 * 1.6732632423543772;

/**
 * AlphaDropout: y = a·(x ⊙ m + α'(1 − m)) + b, bit for bit `dropmask.alphaDropout` with the same
 * noiseShape. Consumes ceil(mask size / 2) words; dx = a·dy ⊙ m with m regenerated.
 */
export function alphaDropout(x: tf.Tensor, options: AlphaDropoutOpOptions = {}): tf.Tensor {
  const opts = checkOptions('options', options);
  checkTensor('x', x);
  const p = opts.p === undefined ? 0.1 : checkProbability('p', opts.p);
  const mode = checkMode(opts.mode);
  const shape = shapeOf(x);
  const noiseShape = checkNoiseShape(opts.noiseShape, shape);
  if (mode === 'eval') return identity(x);
  const common = { p, shape, noiseShape };
  return noiseOp(x, place(opts), {
    forward: (xv, out, generator) => dm.alphaDropout(xv, { ...common, generator, out }),
    backward: (dy, dx, position) => dm.alphaDropoutBackward(dy, { ...common, ...streamOf(position), out: dx }),
    noise: (generator) => {
      const keep = dm.bernoulliMask(product(noiseShape), { p, layout: 'uint8', generator });
      const { a, b, q } = dm.alphaDropoutAffine(p);
      const af = Math.fround(a),
        bf = Math.fround(b);
      const dropped = q === 0 ? 0 : Math.fround(a * ALPHA_PRIME + b);
      return {
        shape: noiseShape,
        factor: Float32Array.from(keep, (k) => (k ? af : 0)),
        addend: Float32Array.from(keep, (k) => (k ? bf : dropped)),
      };
    },
  });
}

/** Options of `ops.featureAlphaDropout`. */
export interface FeatureAlphaDropoutOpOptions extends AlphaDropoutOpOptions {
  /** Where the channels are: 'NHWC' (default, last axis) or 'NCHW' (axis 1). */
  layout?: TensorLayout;
}

/** AlphaDropout with one decision per (example, channel) of x [N, …, C] ('NHWC') or [N, C, …] ('NCHW'). */
export function featureAlphaDropout(x: tf.Tensor, options: FeatureAlphaDropoutOpOptions = {}): tf.Tensor {
  const opts = checkOptions('options', options);
  checkTensor('x', x);
  if (x.rank < 2) throw new RangeError(`Expected x of rank 2 or more ([N, …, C]) but received shape [${x.shape.join(', ')}]`);
  const channelsLast = checkTensorLayout(opts.layout) === 'NHWC';
  const noiseShape = x.shape.map((d, i) => (i === 0 || i === (channelsLast ? x.rank - 1 : 1) ? d : 1));
  const { layout: _layout, ...rest } = opts;
  return alphaDropout(x, { ...(rest as AlphaDropoutOpOptions), noiseShape });
}
