// DropConnect on tensors (Wan et al. 2013): Bernoulli masks on a dense layer's weights and
// biases, per example or shared, drawn from the stream and regenerated for the gradient; and the
// paper's Gaussian moment-matching inference.
import { tf } from '../tf';
import * as dm from '../dropmask';
import { checkOneOf, checkOptions, checkProbability } from '../../core/errors';
import { OpStreamOptions, place, streamOf } from '../position';
import { hostCompute, hostCompute1 } from '../tensor_io';
import { OpOptions, checkMode } from './op';
import { checkDense, denseInputs, transpose } from './dense';

/** Options of `ops.dropConnect`. */
export interface DropConnectOpOptions extends OpOptions {
  /** Drop probability of each weight and bias. Default 0.5. */
  p?: number;
  /** A fresh mask per example (default, the paper) or one mask for the batch (false: much faster). */
  perExample?: boolean;
  /** 'none' (default, the paper: y = (M ⊙ W)x + m ⊙ b) or 'inverted' (kept weights ÷ q). */
  scaling?: dm.DropConnectScaling;
}

/**
 * DropConnect, pre-activation: y_b = x_b (M_b ⊙ kernel) + m_b ⊙ bias with kernel [inFeatures,
 * outFeatures] (tf's layout; dropmask's W is its transpose, so the masks are those of
 * `dropmask.dropConnect(x, kernelᵀ, bias, …)`). 'eval' is the weight-scaled layer
 * q·(x·kernel + bias) ('none') or x·kernel + bias ('inverted'), in tf ops. Gradients in x, kernel
 * and bias regenerate the masks. Consumes S·(ceil(Dout·Din / 2) + ceil(Dout / 2)) words (S = batch,
 * or 1 when perExample is false).
 */
export function dropConnect(
  x: tf.Tensor,
  kernel: tf.Tensor,
  bias: tf.Tensor | null,
  options: DropConnectOpOptions = {},
): tf.Tensor {
  const opts = checkOptions('options', options);
  const { batch, din, dout } = checkDense(x, kernel, bias);
  const p = opts.p === undefined ? 0.5 : checkProbability('p', opts.p);
  const scaling = opts.scaling === undefined ? 'none' : checkOneOf('scaling', opts.scaling, ['none', 'inverted'] as const);
  if (opts.perExample !== undefined && typeof opts.perExample !== 'boolean')
    throw new TypeError('Expected a boolean for perExample');
  const mode = checkMode(opts.mode);
  if (mode === 'eval') {
    const y = bias ? tf.add(tf.matMul(x, kernel), bias) : tf.matMul(x, kernel);
    return scaling === 'none' ? tf.mul(y, tf.scalar(1 - dm.effectiveP(p))) : y;
  }
  const method = { inFeatures: din, outFeatures: dout, p, scaling, perExample: opts.perExample as boolean | undefined };
  const placement = place(opts);
  const op = tf.customGrad((...args) => {
    const save = args.pop() as tf.GradSaveFunc;
    const inputs = args as tf.Tensor[];
    save(inputs);
    const value = hostCompute1(inputs, [batch, dout], ([xv, kv, bv], out) =>
      dm.dropConnect(xv, transpose(kv, din, dout), bv ?? null, { ...method, generator: placement.generator, out }),
    );
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const shapes = saved.map((t) => t.shape);
        return hostCompute([dy, ...saved], shapes, ([d, xv, kv, bv], [dx, dk, db]) => {
          const g = dm.dropConnectBackward(d, xv, transpose(kv, din, dout), bv ?? null, {
            ...method,
            ...streamOf(placement.position),
          });
          dx.set(g.dx);
          transpose(g.dW, dout, din, dk);
          if (db && g.dbias) db.set(g.dbias);
        });
      },
    };
  });
  return op(...denseInputs(x, kernel, bias));
}

/** Options of `ops.dropConnectInference`. */
export interface DropConnectInferenceOpOptions extends OpStreamOptions {
  /** The drop probability the layer was trained with. Default 0.5. */
  p?: number;
  /** Activation applied to each Gaussian sample before averaging. Default 'identity'. */
  activation?: dm.DenseActivation;
  /** Gaussian samples per output unit. Default 1000. */
  samples?: number;
  /** 'gaussian' (default, moment matching) or 'mean' (a(μ)). */
  inference?: 'gaussian' | 'mean';
  /** The scaling the layer was trained with. Default 'none'. */
  scaling?: dm.DropConnectScaling;
}

/**
 * DropConnect inference by Gaussian moment matching, bit for bit
 * `dropmask.dropConnectInference(x, kernelᵀ, bias, …)`: per example and unit, u ~ N(μ, v) with the
 * layer's mean and variance under the masks, r = (1/Z) Σ a(u_z). Not differentiable. Consumes
 * batch · 2·ceil(Dout·Z / 2) words ('mean': none).
 */
export function dropConnectInference(
  x: tf.Tensor,
  kernel: tf.Tensor,
  bias: tf.Tensor | null,
  options: DropConnectInferenceOpOptions = {},
): tf.Tensor {
  const opts = checkOptions('options', options);
  const { batch, din, dout } = checkDense(x, kernel, bias);
  const placement = place(opts);
  const method = {
    inFeatures: din,
    outFeatures: dout,
    p: opts.p as number | undefined,
    activation: opts.activation as dm.DenseActivation | undefined,
    samples: opts.samples as number | undefined,
    inference: opts.inference as 'gaussian' | 'mean' | undefined,
    scaling: opts.scaling as dm.DropConnectScaling | undefined,
  };
  return hostCompute1(denseInputs(x, kernel, bias), [batch, dout], ([xv, kv, bv], out) =>
    dm.dropConnectInference(xv, transpose(kv, din, dout), bv ?? null, { ...method, generator: placement.generator, out }),
  );
}
