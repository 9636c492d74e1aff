// Spatial dropout on a tensor: one decision per (example, channel), shared by every position of
// a 1-D, 2-D or 3-D feature map.
import { tf } from '../tf';
import * as dm from '../dropmask';
import { checkOptions, checkProbability } from '../../core/errors';
import { place, streamOf } from '../position';
import { OpOptions, TensorLayout, checkMode, checkTensor, checkTensorLayout, identity, noiseOp } from './op';

/** Options of `ops.spatialDropout`. */
export interface SpatialDropoutOpOptions extends OpOptions {
  /** Drop probability of each (example, channel) map. Default 0.5. */
  p?: number;
  /** 'NHWC' (default: [N, …spatial, C], tfjs' order) or 'NCHW' ([N, C, …spatial]). */
  layout?: TensorLayout;
}

/**
 * Spatial dropout: y[n, …, c] = x[n, …, c] · m[n, c] / q, bit for bit `dropmask.spatialDropout`
 * with the same shape and layout (decision n·C + c). x has rank 3 to 5. Consumes ceil(N·C / 2) words.
 */
export function spatialDropout(x: tf.Tensor, options: SpatialDropoutOpOptions = {}): tf.Tensor {
  const opts = checkOptions('options', options);
  checkTensor('x', x);
  if (x.rank < 3 || x.rank > 5) {
    throw new RangeError(
      `Expected x of rank 3, 4 or 5 (a 1-D, 2-D or 3-D feature map) but received shape [${x.shape.join(', ')}]`,
    );
  }
  const p = opts.p === undefined ? 0.5 : checkProbability('p', opts.p);
  const layout = checkTensorLayout(opts.layout);
  const mode = checkMode(opts.mode);
  if (mode === 'eval') return identity(x);
  const channelAxis = layout === 'NHWC' ? x.rank - 1 : 1;
  const common = { p, shape: x.shape, layout };
  return noiseOp(x, place(opts), {
    forward: (xv, out, generator) => dm.spatialDropout(xv, { ...common, generator, out }),
    backward: (dy, dx, position) => dm.spatialDropoutBackward(dy, { ...common, ...streamOf(position), out: dx }),
    noise: (generator) => {
      const keep = dm.bernoulliMask(x.shape[0] * x.shape[channelAxis], { p, layout: 'uint8', generator });
      const scale = dm.maskScale(p);
      return {
        shape: x.shape.map((d, i) => (i === 0 || i === channelAxis ? d : 1)),
        factor: Float32Array.from(keep, (k) => (k ? scale : 0)),
        addend: null,
      };
    },
  });
}
