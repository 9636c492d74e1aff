// Max-Drop on a tensor: with probability p a map (or a position) loses its strongest activation.
// The mask depends on x, so every backend computes it on the host (a download on device backends).
import { tf } from '../tf';
import * as dm from '../dropmask';
import { checkOptions } from '../../core/errors';
import { place, streamOf } from '../position';
import { hostCompute1 } from '../tensor_io';
import { OpOptions, TensorLayout, checkMode, checkRank, checkTensor, checkTensorLayout, identity } from './op';

/** Options of `ops.maxDrop`. */
export interface MaxDropOpOptions extends OpOptions {
  /** Probability that a map (or position) loses its arg-max. Default 0.1. */
  p?: number;
  /** 'feature' (default): per (n, c) map over H×W; 'channel': per (n, h, w) position over channels. */
  granularity?: dm.MaxDropGranularity;
  /** Window [rows, cols] centred on the arg-max that is dropped. Default 1. */
  kernel?: number | readonly [number, number];
  /** 'NHWC' (default) or 'NCHW'. */
  layout?: TensorLayout;
}

/**
 * Max-Drop (Park & Kwak 2016) on x [N, H, W, C] or [N, C, H, W], bit for bit `dropmask.maxDrop`;
 * the gradient dy ⊙ M · s finds M again from x and the forward position. Consumes
 * ceil(decisions / 2) words.
 */
export function maxDrop(x: tf.Tensor, options: MaxDropOpOptions = {}): tf.Tensor {
  const opts = checkOptions('options', options);
  checkRank('x', checkTensor('x', x), 4, '[N, H, W, C] or [N, C, H, W]');
  const mode = checkMode(opts.mode);
  const method = {
    shape: x.shape,
    layout: checkTensorLayout(opts.layout),
    p: opts.p as number | undefined,
    granularity: opts.granularity as dm.MaxDropGranularity | undefined,
    kernel: opts.kernel as number | undefined,
  };
  if (mode === 'eval') {
    dm.maxDrop(new Float32Array(x.size), { ...method, mode: 'eval', seed: 0 }); // dropmask's argument checks
    return identity(x);
  }
  const placement = place(opts);
  const op = tf.customGrad((input, save) => {
    const xt = input as tf.Tensor;
    (save as tf.GradSaveFunc)([xt]);
    const value = hostCompute1([xt], xt.shape, ([xv], out) => dm.maxDrop(xv, { ...method, generator: placement.generator, out }));
    return {
      value,
      gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) =>
        hostCompute1([dy, saved], dy.shape, ([d, xv], dx) =>
          dm.maxDropBackward(d, xv, { ...method, ...streamOf(placement.position), out: dx }),
        ),
    };
  });
  return op(x);
}
