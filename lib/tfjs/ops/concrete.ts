// Concrete dropout on tensors (Gal, Hron & Kendall 2017): a relaxed Bernoulli mask whose drop
// probability p = sigm(pLogit) is a trainable scalar, differentiable in x and pLogit.
import { tf } from '../tf';
import * as dm from '../dropmask';
import { checkOptions, typeError } from '../../core/errors';
import { place, streamOf } from '../position';
import { hostCompute, hostCompute1, scalarValue } from '../tensor_io';
import { OpOptions, TensorLayout, checkMode, checkTensor, checkTensorLayout, identity } from './op';

/** Options of `ops.concreteDropout`. */
export interface ConcreteDropoutOpOptions extends OpOptions {
  /** Temperature t of the relaxation. Default 0.1. */
  temperature?: number;
  /** eps inside the logarithms. Default 1e−7. */
  eps?: number;
  /** One relaxed indicator per (example, channel) instead of per element. Default false. */
  spatial?: boolean;
  /** With `spatial`: 'NHWC' (default, channels last) or 'NCHW'. */
  layout?: TensorLayout;
  /** In 'mc' mode keep the relaxed sample (the reference code) instead of a hard Bernoulli mask. Default false. */
  mcRelaxed?: boolean;
}

/**
 * Concrete dropout: x̃ = x ⊙ (1 − z̃)/(1 − p), p = sigm(pLogit), z̃ the relaxed drop indicator of
 * the stream's uniforms, bit for bit `dropmask.concreteDropout(x, pLogit, …)` ('spatial' with
 * 'NHWC' runs it on the channels-first transpose). 'train' is differentiable in x and pLogit
 * (dropmask's concreteDropoutBackward, u regenerated); hard 'mc' is not. Consumes n words in
 * 'train' (n = elements, or N·C with spatial), ceil(n / 2) in hard 'mc'.
 * @param pLogit - a scalar tensor (usually a trainable variable).
 */
export function concreteDropout(x: tf.Tensor, pLogit: tf.Tensor, options: ConcreteDropoutOpOptions = {}): tf.Tensor {
  const opts = checkOptions('options', options);
  checkTensor('x', x);
  checkTensor('pLogit', pLogit);
  if (pLogit.size !== 1) throw typeError('pLogit', 'a scalar tensor', pLogit);
  if (opts.spatial !== undefined && typeof opts.spatial !== 'boolean') throw typeError('spatial', 'a boolean', opts.spatial);
  const mode = checkMode(opts.mode);
  if (opts.spatial && x.rank < 3)
    throw new RangeError(`Expected x of rank 3 or more with spatial but received shape [${x.shape.join(', ')}]`);
  if (opts.spatial && checkTensorLayout(opts.layout) === 'NHWC') {
    const toFirst = [0, x.rank - 1, ...x.shape.slice(1, -1).map((_, i) => i + 1)];
    const toLast = [0, ...x.shape.slice(2).map((_, i) => i + 2), 1];
    return tf.transpose(concreteDropout(tf.transpose(x, toFirst), pLogit, { ...opts, layout: 'NCHW' }), toLast);
  }
  const method = {
    shape: x.rank === 0 ? [1] : x.shape,
    temperature: opts.temperature as number | undefined,
    eps: opts.eps as number | undefined,
    spatial: opts.spatial as boolean | undefined,
    mcRelaxed: opts.mcRelaxed as boolean | undefined,
    mode,
  };
  if (mode === 'eval') return identity(x);
  const placement = place(opts);
  if (mode === 'mc') {
    const logit = scalarValue(pLogit);
    return hostCompute1([x], x.shape, ([xv], out) =>
      dm.concreteDropout(xv, logit, { ...method, generator: placement.generator, out }),
    );
  }
  const op = tf.customGrad((xIn, pIn, save) => {
    const xt = xIn as tf.Tensor,
      pt = pIn as tf.Tensor;
    (save as tf.GradSaveFunc)([xt]);
    const logit = scalarValue(pt);
    const value = hostCompute1([xt], xt.shape, ([xv], out) =>
      dm.concreteDropout(xv, logit, { ...method, generator: placement.generator, out }),
    );
    return {
      value,
      gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) => {
        let dp = 0;
        const [dx] = hostCompute([dy, saved], [saved.shape], ([d, xv], [dxv]) => {
          const g = dm.concreteDropoutBackward(d, xv, logit, { ...method, ...streamOf(placement.position) });
          dxv.set(g.dx);
          dp = g.dpLogit;
        });
        return [dx, tf.fill(pt.shape, dp)];
      },
    };
  });
  return op(x, pLogit);
}
