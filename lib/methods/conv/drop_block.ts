// DropBlock (Ghiasi, Lin & Le 2018): contiguous blocks of each feature map are dropped, seeded
// only where a whole block fits (the official code), and the survivors renormalised.
import { BlockGeometry, streamWords } from '../../backends/interface';
import { dropThreshold } from '../../core/bernoulli';
import { ConvShapeOptions, FeatureMap, checkFeatureMap } from './shape';
import { advanceCounter } from '../../core/stream';
import {
  checkArray,
  checkCount,
  checkNumber,
  checkOneOf,
  checkOptions,
  checkProbability,
  rangeError,
  typeError,
} from '../../core/errors';
import { StreamOptions, resolveDraw } from '../../core/options';
import { scratchBytes } from '../../core/scratch';
import { Async, callForm } from '../../async/form';
import { checkMode, elementwiseOut, Mode, requireForwardSeed } from '../../core/method';

/** Options of `dropBlock` and `dropBlockBackward`. */
export interface DropBlockOptions extends StreamOptions, ConvShapeOptions {
  /** Target keep probability (1 − fraction of units dropped before overlaps). Default 0.9. */
  keepProb?: number;
  /** Side of the square block, a positive integer; clipped to min(H, W). Default 7. */
  blockSize?: number;
  /**
   * One spatial mask per example shared by all channels. Default false (one per (example,
   * channel), the TF official code's); timm couples channels by default (`couple_channels=True`).
   */
  shareAcrossChannels?: boolean;
  /** One mask for the whole batch (older timm's `batchwise=True`). Default false. */
  shareAcrossBatch?: boolean;
  /**
   * Where blocks are seeded. 'valid' (default, the TF official `dropblock()`): at every top-left
   * corner where a whole bs×bs block fits, bs = min(blockSize, H, W). 'full' (timm ≥ 1.0.23):
   * at every position, each seed dropping the kh×kw block of rows [y − ⌊kh/2⌋, y − ⌊kh/2⌋ + kh)
   * (columns alike) clipped to the map, kh = min(blockSize, H), kw = min(blockSize, W) — about
   * 2.2× as many units dropped at the same keepProb for 14×14 maps and blockSize 7.
   */
  seedRegion?: DropBlockSeedRegion;
  /** Factor on the seed rate γ (timm's `gamma_scale`). Default 1. */
  gammaScale?: number;
  /** Rescale the kept units by numel(M)/ΣM. Default true; false is timm's `scale_by_keep=False`. */
  scaleByKeep?: boolean;
  /**
   * Dropped units become N(0, 1) noise (one per mask element, shared like the mask) instead of 0,
   * and nothing is rescaled: timm's `with_noise=True`. Default false.
   */
  withNoise?: boolean;
  /** 'train' (default) and 'mc' drop blocks; 'eval' is the identity. */
  mode?: Mode;
  /** Where to write the result: x itself or an array of x's length. Default: a new array. */
  out?: Float32Array;
}

/** Where DropBlock seeds its blocks: where a whole block fits ('valid') or everywhere ('full'). */
export type DropBlockSeedRegion = 'valid' | 'full';
const SEED_REGIONS: readonly DropBlockSeedRegion[] = ['valid', 'full'];

/** The block sides: bs × bs ('valid', bs = min(blockSize, H, W)) or kh × kw ('full', each side clipped alone). */
function blockSides(blockSize: number, h: number, w: number, full: boolean): [number, number] {
  return full ? [Math.min(blockSize, h), Math.min(blockSize, w)] : [Math.min(blockSize, h, w), Math.min(blockSize, h, w)];
}

/**
 * The seed rate γ = (1 − keepProb)/(kh·kw) · HW/((H − kh + 1)(W − kw + 1)) · gammaScale, at most 1,
 * before quantisation to 2^-16 (the seeds are ordinary keep decisions); kh = kw = min(blockSize,
 * H, W) by default, kh = min(blockSize, H), kw = min(blockSize, W) with seedRegion 'full' (timm's).
 */
export function dropBlockGamma(
  keepProb: number,
  blockSize: number,
  height: number,
  width: number,
  options: Pick<DropBlockOptions, 'seedRegion' | 'gammaScale'> = {},
): number {
  checkProbability('keepProb', keepProb);
  const opts = checkOptions('options', options);
  const [kh, kw] = blockSides(
    checkBlockSize(blockSize),
    checkCount('height', height),
    checkCount('width', width),
    checkSeedRegion(opts.seedRegion) === 'full',
  );
  const scale = opts.gammaScale === undefined ? 1 : checkNumber('gammaScale', opts.gammaScale, 0);
  if (kh === 0 || kw === 0) return 0;
  return Math.min(1, scale * ((1 - keepProb) / (kh * kw)) * ((height * width) / ((height - kh + 1) * (width - kw + 1))));
}

const checkSeedRegion = (value: unknown): DropBlockSeedRegion =>
  value === undefined ? 'valid' : checkOneOf('seedRegion', value, SEED_REGIONS);

function checkFlag(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw typeError(name, 'a boolean', value);
  return value;
}

/**
 * The 'full' region's mask (timm's max_pool2d of the seeds with padding ⌊k/2⌋, stride 1, and the
 * even-size crop): unit (r, q) is dropped iff a seed lies in rows [r + ⌊kh/2⌋ − kh + 1, r + ⌊kh/2⌋]
 * and columns alike. Two passes of running window counts, O(1) per unit whatever the block size.
 * Integer work, so every backend gets the same mask. Returns the number of kept units.
 */
function fullBlockMask(mask: Uint8Array, seeds: Uint8Array, g: BlockGeometry, kh: number, kw: number): number {
  const [sn, sc, sh, sw] = g.channelsLast ? [g.h * g.w * g.c, 1, g.w * g.c, g.c] : [g.c * g.h * g.w, g.h * g.w, g.w, 1];
  const rows = new Uint8Array(g.h * g.w); // rows[y·w + q]: a seed of row y covers column q
  const hw = Math.floor(kw / 2),
    hh = Math.floor(kh / 2);
  let ones = 0;
  for (let n = 0; n < g.n; n++)
    for (let c = 0; c < g.c; c++) {
      const base = n * sn + c * sc;
      for (let y = 0; y < g.h; y++) {
        // columns q covered by a seed at xs iff q ∈ [xs − ⌊kw/2⌋, xs − ⌊kw/2⌋ + kw)
        let count = 0;
        for (let xs = 0; xs < Math.min(g.w, hw); xs++) count += seeds[base + y * sh + xs * sw];
        for (let q = 0; q < g.w; q++) {
          const enter = q + hw,
            leave = q + hw - kw;
          if (enter < g.w) count += seeds[base + y * sh + enter * sw];
          if (leave >= 0) count -= seeds[base + y * sh + leave * sw];
          rows[y * g.w + q] = count > 0 ? 1 : 0;
        }
      }
      for (let q = 0; q < g.w; q++) {
        let count = 0;
        for (let ys = 0; ys < Math.min(g.h, hh); ys++) count += rows[ys * g.w + q];
        for (let r = 0; r < g.h; r++) {
          const enter = r + hh,
            leave = r + hh - kh;
          if (enter < g.h) count += rows[enter * g.w + q];
          if (leave >= 0) count -= rows[leave * g.w + q];
          const keep = count > 0 ? 0 : 1;
          mask[base + r * sh + q * sw] = keep;
          ones += keep;
        }
      }
    }
  return ones;
}

function checkBlockSize(value: unknown): number {
  if (typeof value !== 'number') throw typeError('blockSize', 'a positive integer', value);
  if (!Number.isInteger(value) || value < 1) throw rangeError('blockSize', 'a positive integer', value);
  return value;
}

function apply(x: Float32Array, xName: string, opts: Record<string, unknown>, backward: boolean): Float32Array {
  const map = checkFeatureMap(opts, x.length);
  const keepProb = opts.keepProb === undefined ? 0.9 : checkProbability('keepProb', opts.keepProb);
  const blockSize = opts.blockSize === undefined ? 7 : checkBlockSize(opts.blockSize);
  const shared = checkFlag('shareAcrossChannels', opts.shareAcrossChannels, false);
  const batchShared = checkFlag('shareAcrossBatch', opts.shareAcrossBatch, false);
  const full = checkSeedRegion(opts.seedRegion) === 'full';
  const gammaScale = opts.gammaScale === undefined ? 1 : checkNumber('gammaScale', opts.gammaScale, 0);
  const scaleByKeep = checkFlag('scaleByKeep', opts.scaleByKeep, true);
  const withNoise = checkFlag('withNoise', opts.withNoise, false);
  const mode = checkMode(opts.mode);
  const out = elementwiseOut(opts, x, xName);
  if (mode === 'eval' || x.length === 0) {
    if (out !== x) out.set(x);
    return out;
  }
  const draw = resolveDraw(opts);
  const [kh, kw] = blockSides(blockSize, map.h, map.w, full);
  const g: BlockGeometry = {
    n: batchShared ? 1 : map.n,
    c: shared ? 1 : map.c,
    h: map.h,
    w: map.w,
    size: kh,
    channelsLast: map.channelsLast,
  };
  const seedCount = full ? g.n * g.c * map.h * map.w : g.n * g.c * (map.h - kh + 1) * (map.w - kw + 1);
  const maskSize = g.n * g.c * map.h * map.w;
  // A seed is a keep decision at drop probability 1 − γ: kept (= seed) with probability γ.
  const t = dropThreshold(
    1 - dropBlockGamma(keepProb, blockSize, map.h, map.w, { seedRegion: full ? 'full' : 'valid', gammaScale }),
  );
  const words = streamWords.bernoulli(seedCount);
  if (t === 65536) {
    if (out !== x) out.set(x);
  } else {
    const seeds = scratchBytes('dropBlockSeeds', seedCount);
    draw.backend.bernoulliU8(seeds, draw.counter, t);
    const mask = scratchBytes('dropBlockMask', maskSize);
    const ones = full ? fullBlockMask(mask, seeds, g, kh, kw) : draw.backend.dropBlockMask(mask, seeds, g);
    if (withNoise && !backward) {
      const noise = new Float32Array(maskSize);
      draw.backend.normal(noise, advanceCounter(draw.counter, words), 0, 1);
      fillDropped(out, x, mask, noise, map, g);
    } else {
      // with noise the output is x·M + noise·(1 − M): its gradient is dy·M, unscaled
      const scale = !scaleByKeep || withNoise ? 1 : ones === 0 ? 0 : Math.fround(mask.length / ones);
      // shared: the mask [N, 1, H, W] (or [N, H, W, 1]) repeats over C
      const inner = shared && !map.channelsLast ? map.h * map.w : 1;
      const per = batchShared ? x.length / map.n : x.length;
      for (let at = 0; at < x.length; at += per)
        draw.backend.maskApply(out.subarray(at, at + per), x.subarray(at, at + per), mask, shared ? map.c : 1, inner, scale, 0);
    }
  }
  draw.commit(words + (withNoise ? streamWords.normal(maskSize) : 0));
  return out;
}

/** out = kept ? x : the noise of the unit's mask element (timm's x·keep + noise·block, without its 0·x). */
function fillDropped(
  out: Float32Array,
  x: Float32Array,
  mask: Uint8Array,
  noise: Float32Array,
  map: FeatureMap,
  g: BlockGeometry,
) {
  const [mn, mc, mh, mw] = g.channelsLast ? [g.h * g.w * g.c, 1, g.w * g.c, g.c] : [g.c * g.h * g.w, g.h * g.w, g.w, 1];
  for (let n = 0; n < map.n; n++)
    for (let c = 0; c < map.c; c++)
      for (let y = 0; y < map.h; y++)
        for (let q = 0; q < map.w; q++) {
          const i = n * map.sn + c * map.sc + y * map.sh + q * map.sw;
          const m = (g.n === 1 ? 0 : n) * mn + (g.c === 1 ? 0 : c) * mc + y * mh + q * mw;
          out[i] = mask[m] ? x[i] : noise[m];
        }
}

/**
 * DropBlock: block seeds ~ Bernoulli(γ) at every top-left corner where a bs×bs block fits
 * (seeds over [N, C, H − bs + 1, W − bs + 1] in the tensor's layout, or [N, 1, …] shared, [1, …]
 * with shareAcrossBatch); each seed zeroes its block; y = x ⊙ M · numel(M)/ΣM (zeros when
 * everything is dropped). seedRegion 'full' seeds [N, C, H, W] with centred, clipped blocks
 * (timm's); scaleByKeep false leaves y = x ⊙ M; withNoise puts N(0, 1) noise, drawn after the
 * seeds (one per mask element), in the dropped units. Consumes ceil(seeds / 2) words, plus
 * 2·ceil(mask / 2) with withNoise.
 * @example dropBlock(x, { shape: [8, 64, 14, 14], keepProb: 0.9, blockSize: 7, seed: 2 })
 */
export function dropBlock(x: Float32Array, options: DropBlockOptions): Float32Array {
  const opts = checkOptions('options', options);
  return apply(checkArray('x', x, Float32Array), 'x', opts, false);
}

/**
 * The gradient of `dropBlock`: dy ⊙ M · scale with the forward call's M and scale (pass its seed,
 * stream, offset); with withNoise, dy ⊙ M (the noise does not depend on x).
 */
export function dropBlockBackward(dy: Float32Array, options: DropBlockOptions): Float32Array {
  const opts = checkOptions('options', options);
  dy = checkArray('dy', dy, Float32Array);
  requireForwardSeed('dropBlockBackward', opts);
  return apply(dy, 'dy', opts, true);
}

/** Options of `dropBlockSchedule`. */
export interface DropBlockScheduleOptions {
  /** The current training step (≥ 0). */
  step: number;
  /** Steps over which keepProb falls linearly; after them it stays at the target. */
  totalSteps: number;
  /** Final keep probability. Default 0.9 (the paper's ResNet-50 value). */
  targetKeepProb?: number;
  /** Keep probability at step 0. Default 1 (nothing dropped). */
  startKeepProb?: number;
}

/**
 * The keepProb for this step under the paper's linear schedule: from startKeepProb at step 0 to
 * targetKeepProb at totalSteps, constant afterwards.
 * @example dropBlock(x, { shape, keepProb: dropBlockSchedule({ step, totalSteps: 10000 }) })
 */
export function dropBlockSchedule(options: DropBlockScheduleOptions): number {
  const opts = checkOptions('options', options);
  const step = checkNumber('step', opts.step, 0);
  const total = checkNumber('totalSteps', opts.totalSteps, 0);
  const target = opts.targetKeepProb === undefined ? 0.9 : checkProbability('targetKeepProb', opts.targetKeepProb);
  const start = opts.startKeepProb === undefined ? 1 : checkProbability('startKeepProb', opts.startKeepProb);
  const f = total === 0 ? 1 : Math.min(1, step / total);
  return start + (target - start) * f;
}

// Promise twins of the registry's forms: on Node each runs in a worker, with the bits of the sync form.
export const dropBlockAsync: Async<typeof dropBlock> = (...a) => callForm('dropBlock', dropBlock, a);
export const dropBlockBackwardAsync: Async<typeof dropBlockBackward> = (...a) =>
  callForm('dropBlockBackward', dropBlockBackward, a);
