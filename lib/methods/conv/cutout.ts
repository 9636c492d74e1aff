// Cutout (DeVries & Taylor 2017): data augmentation that erases regions of the input image in
// every channel. Centres come from the stream, so the same seed erases the same pixels everywhere.
import { streamWords } from '../../backends/interface';
import { ConvLayout, checkLayout, checkPair, featureMap } from './shape';
import {
  MAX_LENGTH,
  checkArray,
  checkCount,
  checkFloat32,
  checkOneOf,
  checkOptions,
  checkProbability,
  rangeError,
} from '../../core/errors';
import { StreamOptions, resolveDraw } from '../../core/options';
import { checkShape } from '../../core/shape';
import { Async, callForm } from '../../async/form';
import { checkMode, elementwiseOut, Mode, requireForwardSeed } from '../../core/method';

/** The erased region: the size×size box, or the ellipse (circle for a square size) inscribed in it. */
export type CutoutRegion = 'rectangle' | 'circle';
const REGIONS: readonly CutoutRegion[] = ['rectangle', 'circle'];
/** Where centres may fall: any pixel ('image', the reference code), or up to ⌊L/2⌋ outside ('padded'). */
export type CutoutCenterRange = 'image' | 'padded';
const CENTER_RANGES: readonly CutoutCenterRange[] = ['image', 'padded'];

/**
 * How the box follows from L: 'exact' covers rows [c − ⌊L/2⌋, c − ⌊L/2⌋ + L), L×L for every L;
 * 'reference' covers [c − ⌊L/2⌋, c + ⌊L/2⌋) as uoguelph-mlrg/Cutout does, (L − 1)×(L − 1) for odd L.
 */
export type CutoutBoxRule = 'exact' | 'reference';
const BOX_RULES: readonly CutoutBoxRule[] = ['exact', 'reference'];

/** Options of `cutout` and `cutoutBackward`. */
export interface CutoutOptions extends StreamOptions {
  /** [C, H, W] (one image) or [N, C, H, W]; channels last ([H, W, C], [N, H, W, C]) with layout 'NHWC'. */
  shape: readonly number[];
  /** Channel axis position. Default 'NCHW'. */
  layout?: ConvLayout;
  /** Side L of the square, or [height, width] of a rectangle. Default 16 (the paper's CIFAR-10 value). */
  size?: number | readonly [number, number];
  /** 'rectangle' (default) or 'circle' (the ellipse inscribed in the size box). */
  region?: CutoutRegion;
  /** Regions per image, a non-negative integer. Default 1. */
  holes?: number;
  /** Value written into erased pixels (0 = the dataset mean after normalisation). Default 0. */
  fill?: number;
  /** Probability that an image is augmented at all. Default 1. */
  applyProb?: number;
  /** 'image' (default): centres on any pixel; 'padded': centres uniform over [−⌊L/2⌋, H + ⌊L/2⌋). */
  centerRange?: CutoutCenterRange;
  /**
   * 'exact' (default): an L×L box for every L. 'reference': the reference code's
   * clip(c ± ⌊L/2⌋), a (L − 1)×(L − 1) box for odd L (each side of a rectangle alike).
   */
  boxRule?: CutoutBoxRule;
  /** 'train' (default) and 'mc' erase; 'eval' is the identity. */
  mode?: Mode;
  /** Where to write the image: the input itself or an array of its length. Default: a new array. */
  out?: Float32Array;
}

/** What `cutout` returns. */
export interface CutoutResult {
  /** The augmented images. */
  image: Float32Array;
  /** `[N, holes, 2]`: centre row and column of every region drawn (drawn even for skipped images). */
  centres: Int32Array;
  /** `[N]`: 1 where the image was augmented (applyProb), else 0. */
  applied: Uint8Array;
}

/** Stream words per image: one for the applyProb decision, then (row, column) per hole. */
const wordsPerImage = (holes: number): number => 1 + 2 * holes;

/** A uniform integer in [0, range) from one 32-bit word: ⌊word · range / 2^32⌋ (exact in float64 for range < 2^21). */
export const uniformInt = (word: number, range: number): number => Math.floor((word * range) / 2 ** 32);

function apply(x: Float32Array, xName: string, opts: Record<string, unknown>, fill: number): CutoutResult {
  const layout = checkLayout(opts.layout);
  if (opts.shape === undefined)
    throw new TypeError('Expected shape ([C, H, W] or [N, C, H, W] in layout order) but received undefined');
  const raw = checkShape('shape', opts.shape, x.length);
  if (raw.length !== 3 && raw.length !== 4) throw rangeError('shape', 'rank 3 (one image) or 4 (a batch)', opts.shape);
  const shape = raw.length === 3 ? [1, ...raw] : raw;
  const map = featureMap(shape, layout === 'NHWC');
  const [sh, sw] = checkPair('size', opts.size, [16, 16]);
  const reference = (opts.boxRule === undefined ? 'exact' : checkOneOf('boxRule', opts.boxRule, BOX_RULES)) === 'reference';
  // the reference's box [c − ⌊L/2⌋, c + ⌊L/2⌋) is 2⌊L/2⌋ wide and starts where the exact one does
  const [lh, lw] = reference ? [2 * Math.floor(sh / 2), 2 * Math.floor(sw / 2)] : [sh, sw];
  const region = opts.region === undefined ? 'rectangle' : checkOneOf('region', opts.region, REGIONS);
  const holes = opts.holes === undefined ? 1 : checkCount('holes', opts.holes);
  const applyProb = opts.applyProb === undefined ? 1 : checkProbability('applyProb', opts.applyProb);
  const padded =
    (opts.centerRange === undefined ? 'image' : checkOneOf('centerRange', opts.centerRange, CENTER_RANGES)) === 'padded';
  const mode = checkMode(opts.mode);
  const out = elementwiseOut(opts, x, xName);
  // centres ([N, holes, 2]) and the call's words must be arrays: refuse before allocating either
  if (map.n * wordsPerImage(holes) > MAX_LENGTH)
    throw new RangeError(
      `Expected N · (1 + 2 · holes) (the call's words) to be at most ${MAX_LENGTH} but shape[0] is ${map.n} and holes is ${holes}`,
    );
  const draw = resolveDraw(opts);
  const centres = new Int32Array(map.n * holes * 2);
  const applied = new Uint8Array(map.n);
  if (out !== x) out.set(x);
  if (mode === 'eval') return { image: out, centres, applied };
  const per = wordsPerImage(holes);
  const words = new Uint32Array(map.n * per);
  draw.backend.randomBits(words, draw.counter);
  draw.commit(streamWords.randomBits(words.length));
  const oh = Math.floor(sh / 2),
    ow = Math.floor(sw / 2);
  const rows = map.h + (padded ? 2 * oh : 0),
    cols = map.w + (padded ? 2 * ow : 0);
  // Pixel centres of an ellipse inscribed in the lh × lw box: ((y − yc)/(lh/2))² + ((x − xc)/(lw/2))² ≤ 1.
  const inside = (dy: number, dx: number): boolean =>
    region === 'rectangle' || (lh > 0 && lw > 0 && (dy / lh) ** 2 + (dx / lw) ** 2 <= 0.25);
  const f = Math.fround(fill);
  for (let n = 0; n < map.n; n++) {
    const w0 = n * per;
    // (word >>> 8) · 2^-24 < applyProb, the stream's uniform transform (docs/architecture.md)
    applied[n] = (words[w0] >>> 8) * 2 ** -24 < applyProb ? 1 : 0;
    for (let k = 0; k < holes; k++) {
      const cy = uniformInt(words[w0 + 1 + 2 * k], rows) - (padded ? oh : 0);
      const cx = uniformInt(words[w0 + 2 + 2 * k], cols) - (padded ? ow : 0);
      centres[(n * holes + k) * 2] = cy;
      centres[(n * holes + k) * 2 + 1] = cx;
      if (!applied[n]) continue;
      const top = cy - oh,
        left = cx - ow;
      for (let y = Math.max(0, top); y < Math.min(map.h, top + lh); y++) {
        for (let xx = Math.max(0, left); xx < Math.min(map.w, left + lw); xx++) {
          if (!inside(y - top - (lh - 1) / 2, xx - left - (lw - 1) / 2)) continue;
          const base = n * map.sn + y * map.sh + xx * map.sw;
          for (let c = 0; c < map.c; c++) out[base + c * map.sc] = f;
        }
      }
    }
  }
  return { image: out, centres, applied };
}

/**
 * Cutout: per image, with probability applyProb, erase `holes` regions (all channels) centred on
 * pixels drawn from the stream; the box covers rows [cy − ⌊Lh/2⌋, cy − ⌊Lh/2⌋ + Lh) clipped to the
 * image (exactly L×L inside it, also for odd L; `boxRule: 'reference'`: [cy − ⌊Lh/2⌋, cy + ⌊Lh/2⌋),
 * the reference code's), same for columns. No rescaling. Image i uses words
 * i·(1 + 2·holes) … : one for the applyProb decision ((word >>> 8)·2^-24 < applyProb), then row
 * and column per hole (⌊word · range / 2^32⌋). Consumes N·(1 + 2·holes) words.
 * @example cutout(img, { shape: [3, 32, 32], size: 16, seed: 7 }).image
 */
export function cutout(image: Float32Array, options: CutoutOptions): CutoutResult {
  const opts = checkOptions('options', options);
  image = checkArray('image', image, Float32Array);
  const fill = opts.fill === undefined ? 0 : checkFloat32('fill', opts.fill);
  return apply(image, 'image', opts, fill);
}

/**
 * The gradient of cutout used on activations: dx = dy with the forward call's regions zeroed
 * (pass its seed, stream, offset and the same options).
 */
export function cutoutBackward(dy: Float32Array, options: CutoutOptions): Float32Array {
  const opts = checkOptions('options', options);
  dy = checkArray('dy', dy, Float32Array);
  requireForwardSeed('cutoutBackward', opts);
  return apply(dy, 'dy', opts, 0).image;
}

// Promise twins of the registry's forms: on Node each runs in a worker, with the bits of the sync form.
export const cutoutAsync: Async<typeof cutout> = (...a) => callForm('cutout', cutout, a);
export const cutoutBackwardAsync: Async<typeof cutoutBackward> = (...a) => callForm('cutoutBackward', cutoutBackward, a);
