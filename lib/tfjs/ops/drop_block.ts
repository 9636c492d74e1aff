// DropBlock on a tensor: contiguous blocks of each feature map dropped, the survivors renormalised.
import { tf } from '../tf';
import * as dm from '../dropmask';
import { checkOptions } from '../../core/errors';
import { place, streamOf } from '../position';
import { OpOptions, TensorLayout, checkMode, checkRank, checkTensor, checkTensorLayout, identity, noiseOp } from './op';

/** Options of `ops.dropBlock`. */
export interface DropBlockOpOptions extends OpOptions {
  /** Target keep probability. Default 0.9. */
  keepProb?: number;
  /** Side of the square block; clipped to the map. Default 7. */
  blockSize?: number;
  /** One block mask per example for all channels. Default false. */
  shareAcrossChannels?: boolean;
  /** 'NHWC' (default) or 'NCHW'. */
  layout?: TensorLayout;
}

/**
 * DropBlock (Ghiasi et al. 2018) on x [N, H, W, C] or [N, C, H, W]: bit for bit
 * `dropmask.dropBlock` with the same options; the gradient is dy ⊙ M · scale with M regenerated.
 * Consumes ceil(seeds / 2) words.
 */
export function dropBlock(x: tf.Tensor, options: DropBlockOpOptions = {}): tf.Tensor {
  const opts = checkOptions('options', options);
  checkRank('x', checkTensor('x', x), 4, '[N, H, W, C] or [N, C, H, W]');
  const layout = checkTensorLayout(opts.layout);
  const mode = checkMode(opts.mode);
  const common = {
    shape: x.shape,
    layout,
    keepProb: opts.keepProb as number | undefined,
    blockSize: opts.blockSize as number | undefined,
    shareAcrossChannels: opts.shareAcrossChannels as boolean | undefined,
  };
  if (mode === 'eval') {
    dm.dropBlock(new Float32Array(x.size), { ...common, mode: 'eval', seed: 0 }); // dropmask's argument checks
    return identity(x);
  }
  return noiseOp(x, place(opts), {
    forward: (xv, out, generator) => dm.dropBlock(xv, { ...common, generator, out }),
    backward: (dy, dx, position) => dm.dropBlockBackward(dy, { ...common, ...streamOf(position), out: dx }),
    noise: (generator) => ({
      shape: x.shape,
      factor: dm.dropBlock(new Float32Array(x.size).fill(1), { ...common, generator }),
      addend: null,
    }),
  });
}
