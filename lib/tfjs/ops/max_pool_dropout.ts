// Max-pooling dropout on a tensor: dropout right before max pooling, and probabilistic weighted
// pooling at inference. The output depends on x's order statistics, so every backend computes it
// on the host (a download on device backends).
import { tf } from '../tf';
import * as dm from '../dropmask';
import { checkOptions } from '../../core/errors';
import { place, streamOf } from '../position';
import { hostCompute1 } from '../tensor_io';
import { OpOptions, TensorLayout, checkMode, checkRank, checkTensor, checkTensorLayout } from './op';

/** Options of `ops.maxPoolDropout`. */
export interface MaxPoolDropoutOpOptions extends OpOptions {
  /** Drop probability of each input element. Default 0.5. */
  p?: number;
  /** Pooling window (a number or [rows, cols]). Default 2. */
  kernel?: number | readonly [number, number];
  /** Window step. Default: the kernel. No padding ('valid'). */
  stride?: number | readonly [number, number];
  /** 'eval' rule: 'weighted' (default, probabilistic weighted pooling) or 'scaled-max' (q·max). */
  inference?: dm.PoolInference;
  /** 'NHWC' (default) or 'NCHW'. */
  layout?: TensorLayout;
}

/**
 * Max-pooling dropout (Wu & Gu 2015) on x [N, H, W, C] or [N, C, H, W]: 'train'/'mc' pool the
 * kept elements (y = max(m ⊙ x)), 'eval' pools by the rule of `inference`; bit for bit
 * `dropmask.maxPoolDropout`, with its backward as the gradient in every mode. Consumes
 * ceil(x.size / 2) words in 'train' and 'mc'.
 * @returns the pooled map [N, OH, OW, C] (or [N, C, OH, OW]), OH = ⌊(H − kh)/sh⌋ + 1.
 */
export function maxPoolDropout(x: tf.Tensor, options: MaxPoolDropoutOpOptions = {}): tf.Tensor {
  const opts = checkOptions('options', options);
  checkRank('x', checkTensor('x', x), 4, '[N, H, W, C] or [N, C, H, W]');
  const mode = checkMode(opts.mode);
  const method = {
    shape: x.shape,
    layout: checkTensorLayout(opts.layout),
    p: opts.p as number | undefined,
    kernel: opts.kernel as number | undefined,
    stride: opts.stride as number | undefined,
    inference: opts.inference as dm.PoolInference | undefined,
    mode,
  };
  const outShape = dm.maxPoolDropoutShape(method);
  const placement = mode === 'eval' ? null : place(opts);
  const op = tf.customGrad((input, save) => {
    const xt = input as tf.Tensor;
    (save as tf.GradSaveFunc)([xt]);
    const stream = placement ? { generator: placement.generator } : {};
    const value = hostCompute1([xt], outShape, ([xv], out) => dm.maxPoolDropout(xv, { ...method, ...stream, out }));
    return {
      value,
      gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) =>
        hostCompute1([dy, saved], saved.shape, ([d, xv], dx) =>
          dx.set(dm.maxPoolDropoutBackward(d, xv, { ...method, ...(placement ? streamOf(placement.position) : {}) })),
        ),
    };
  });
  return op(x);
}
