// Standout on tensors (Ba & Frey 2013): a dense layer whose units are kept with their own
// input-dependent probability π = sigm(α·s + β), s = x·kernel + bias.
import { tf } from '../tf';
import * as dm from '../dropmask';
import { checkOptions } from '../../core/errors';
import { place, streamOf } from '../position';
import { hostCompute, hostCompute1 } from '../tensor_io';
import { OpOptions, checkMode } from './op';
import { checkDense, denseInputs, transpose } from './dense';

/** Options of `ops.standout`. */
export interface StandoutOpOptions extends OpOptions {
  /** α, the slope of the keep probability in the pre-activation. Default 1. */
  alpha?: number;
  /** β, its offset. Default 0. */
  beta?: number;
  /** The layer's activation g. Default 'relu'. */
  activation?: dm.DenseActivation;
}

/**
 * Standout: a = m ⊙ g(x·kernel + bias), m_e ~ Bernoulli(sigm(α s_e + β)) ('eval': π ⊙ g(s)), bit
 * for bit `dropmask.standout(x, kernelᵀ, bias, …)` whenever the products round alike (the keep
 * decisions compare π against the stream). The gradient treats m as a constant. Consumes
 * ceil(batch·Dout / 2) words in 'train' and 'mc'.
 */
export function standout(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor | null, options: StandoutOpOptions = {}): tf.Tensor {
  const opts = checkOptions('options', options);
  const { batch, din, dout } = checkDense(x, kernel, bias);
  const mode = checkMode(opts.mode);
  const method = {
    inFeatures: din,
    outFeatures: dout,
    alpha: opts.alpha as number | undefined,
    beta: opts.beta as number | undefined,
    activation: opts.activation as dm.DenseActivation | undefined,
    mode,
  };
  const placement = mode === 'eval' ? null : place(opts);
  const op = tf.customGrad((...args) => {
    const save = args.pop() as tf.GradSaveFunc;
    const inputs = args as tf.Tensor[];
    save(inputs);
    const stream = placement ? { generator: placement.generator } : { seed: 0 };
    const value = hostCompute1(inputs, [batch, dout], ([xv, kv, bv], out) =>
      dm.standout(xv, transpose(kv, din, dout), bv ?? null, { ...method, ...stream, out }),
    );
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        hostCompute(
          [dy, ...saved],
          saved.map((t) => t.shape),
          ([d, xv, kv, bv], [dx, dk, db]) => {
            const at = placement ? streamOf(placement.position) : { seed: 0 };
            const g = dm.standoutBackward(d, xv, transpose(kv, din, dout), bv ?? null, { ...method, ...at });
            dx.set(g.dx);
            transpose(g.dW, dout, din, dk);
            if (db && g.dbias) db.set(g.dbias);
          },
        ),
    };
  });
  return op(...denseInputs(x, kernel, bias));
}
