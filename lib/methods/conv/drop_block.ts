// DropBlock (Ghiasi, Lin & Le 2018): contiguous blocks of each feature map are dropped, seeded
// only where a whole block fits (the official code), and the survivors renormalised.
import { BlockGeometry, streamWords } from '../../backends/interface';
import { dropThreshold } from '../../core/bernoulli';
import { ConvShapeOptions, checkFeatureMap } from './shape';
import { checkArray, checkCount, checkNumber, checkOptions, checkProbability, rangeError, typeError } from '../../core/errors';
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
  /** One spatial mask per example shared by all channels. Default false (one per (example, channel)). */
  shareAcrossChannels?: boolean;
  /** 'train' (default) and 'mc' drop blocks; 'eval' is the identity. */
  mode?: Mode;
  /** Where to write the result: x itself or an array of x's length. Default: a new array. */
  out?: Float32Array;
}

/**
 * The seed rate γ = (1 − keepProb)/bs² · HW/((H − bs + 1)(W − bs + 1)), bs = min(blockSize, H, W),
 * before quantisation to 2^-16 (the seeds are ordinary keep decisions).
 */
export function dropBlockGamma(keepProb: number, blockSize: number, height: number, width: number): number {
  checkProbability('keepProb', keepProb);
  const bs = Math.min(checkBlockSize(blockSize), checkCount('height', height), checkCount('width', width));
  if (bs === 0) return 0;
  return Math.min(1, ((1 - keepProb) / (bs * bs)) * ((height * width) / ((height - bs + 1) * (width - bs + 1))));
}

function checkBlockSize(value: unknown): number {
  if (typeof value !== 'number') throw typeError('blockSize', 'a positive integer', value);
  if (!Number.isInteger(value) || value < 1) throw rangeError('blockSize', 'a positive integer', value);
  return value;
}

function apply(x: Float32Array, xName: string, opts: Record<string, unknown>): Float32Array {
  const map = checkFeatureMap(opts, x.length);
  const keepProb = opts.keepProb === undefined ? 0.9 : checkProbability('keepProb', opts.keepProb);
  const blockSize = opts.blockSize === undefined ? 7 : checkBlockSize(opts.blockSize);
  if (opts.shareAcrossChannels !== undefined && typeof opts.shareAcrossChannels !== 'boolean') {
    throw typeError('shareAcrossChannels', 'a boolean', opts.shareAcrossChannels);
  }
  const shared = opts.shareAcrossChannels === true;
  const mode = checkMode(opts.mode);
  const out = elementwiseOut(opts, x, xName);
  if (mode === 'eval' || x.length === 0) {
    if (out !== x) out.set(x);
    return out;
  }
  const draw = resolveDraw(opts);
  const bs = Math.min(blockSize, map.h, map.w);
  const g: BlockGeometry = { n: map.n, c: shared ? 1 : map.c, h: map.h, w: map.w, size: bs, channelsLast: map.channelsLast };
  const seedCount = g.n * g.c * (map.h - bs + 1) * (map.w - bs + 1);
  // A seed is a keep decision at drop probability 1 − γ: kept (= seed) with probability γ.
  const t = dropThreshold(1 - dropBlockGamma(keepProb, bs, map.h, map.w));
  if (t === 65536) {
    if (out !== x) out.set(x);
  } else {
    const seeds = scratchBytes('dropBlockSeeds', seedCount);
    draw.backend.bernoulliU8(seeds, draw.counter, t);
    const mask = scratchBytes('dropBlockMask', g.n * g.c * map.h * map.w);
    const ones = draw.backend.dropBlockMask(mask, seeds, g);
    const scale = ones === 0 ? 0 : Math.fround(mask.length / ones);
    // shared: the mask [N, 1, H, W] (or [N, H, W, 1]) repeats over C
    const inner = shared && !map.channelsLast ? map.h * map.w : 1;
    draw.backend.maskApply(out, x, mask, shared ? map.c : 1, inner, scale, 0);
  }
  draw.commit(streamWords.bernoulli(seedCount));
  return out;
}

/**
 * DropBlock: block seeds ~ Bernoulli(γ) at every top-left corner where a bs×bs block fits
 * (seeds over [N, C, H − bs + 1, W − bs + 1] in the tensor's layout, or [N, 1, …] shared); each
 * seed zeroes its block; y = x ⊙ M · numel(M)/ΣM (zeros when everything is dropped).
 * Consumes ceil(seeds / 2) words.
 * @example dropBlock(x, { shape: [8, 64, 14, 14], keepProb: 0.9, blockSize: 7, seed: 2 })
 */
export function dropBlock(x: Float32Array, options: DropBlockOptions): Float32Array {
  const opts = checkOptions('options', options);
  return apply(checkArray('x', x, Float32Array), 'x', opts);
}

/** The gradient of `dropBlock`: dy ⊙ M · scale with the forward call's M and scale (pass its seed, stream, offset). */
export function dropBlockBackward(dy: Float32Array, options: DropBlockOptions): Float32Array {
  const opts = checkOptions('options', options);
  checkArray('dy', dy, Float32Array);
  requireForwardSeed('dropBlockBackward', opts);
  return apply(dy, 'dy', opts);
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
