// Cutout on an image tensor: regions erased in every channel, centres drawn from the stream.
import { tf } from '../tf';
import * as dm from '../dropmask';
import { checkOptions } from '../../core/errors';
import { place, streamOf } from '../position';
import { OpOptions, TensorLayout, checkMode, checkTensor, checkTensorLayout, identity, noiseOp } from './op';

/** Options of `ops.cutout`. */
export interface CutoutOpOptions extends OpOptions {
  /** Side L of the square, or [height, width]. Default 16. */
  size?: number | readonly [number, number];
  /** 'rectangle' (default) or 'circle' (the ellipse inscribed in the box). */
  region?: dm.CutoutRegion;
  /** Regions per image. Default 1. */
  holes?: number;
  /** Value written into erased pixels. Default 0. */
  fill?: number;
  /** Probability that an image is augmented at all. Default 1. */
  applyProb?: number;
  /** 'image' (default) or 'padded' (centres up to ⌊L/2⌋ outside the image). */
  centerRange?: dm.CutoutCenterRange;
  /** 'NHWC' (default) or 'NCHW'. */
  layout?: TensorLayout;
}

/**
 * Cutout (DeVries & Taylor 2017) on images [N, H, W, C] or [H, W, C] (or channels first), bit for
 * bit `dropmask.cutout(…).image`; the gradient is dy with the same regions zeroed. Consumes
 * N·(1 + 2·holes) words.
 */
export function cutout(x: tf.Tensor, options: CutoutOpOptions = {}): tf.Tensor {
  const opts = checkOptions('options', options);
  checkTensor('x', x);
  if (x.rank !== 3 && x.rank !== 4) {
    throw new RangeError(`Expected x of rank 3 (one image) or 4 (a batch) but received shape [${x.shape.join(', ')}]`);
  }
  const mode = checkMode(opts.mode);
  const method = {
    shape: x.shape,
    layout: checkTensorLayout(opts.layout),
    size: opts.size as number | undefined,
    region: opts.region as dm.CutoutRegion | undefined,
    holes: opts.holes as number | undefined,
    fill: opts.fill as number | undefined,
    applyProb: opts.applyProb as number | undefined,
    centerRange: opts.centerRange as dm.CutoutCenterRange | undefined,
  };
  if (mode === 'eval') {
    dm.cutout(new Float32Array(x.size), { ...method, mode: 'eval', seed: 0 }); // dropmask's argument checks
    return identity(x);
  }
  const fill = Math.fround(method.fill ?? 0);
  return noiseOp(x, place(opts), {
    forward: (xv, out, generator) => dm.cutout(xv, { ...method, generator, out }),
    backward: (dy, dx, position) => dm.cutoutBackward(dy, { ...method, ...streamOf(position), out: dx }),
    noise: (generator) => {
      // the kept-pixel indicator: cutout of ones with fill 0
      const keep = dm.cutout(new Float32Array(x.size).fill(1), { ...method, fill: 0, generator }).image;
      return { shape: x.shape, factor: keep, addend: fill === 0 ? null : keep.map((k) => (k ? 0 : fill)) };
    },
  });
}
