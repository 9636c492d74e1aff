// DropPath / stochastic depth (Huang et al. 2016; FractalNet's name): the residual branch F(x)
// of a block is dropped as a whole, the identity path never.
import { streamWords } from '../../backends/interface';
import { dropThreshold } from '../../core/bernoulli';
import { DROPOUT_SCALINGS, DropoutScaling } from '../dense/dropout';
import {
  checkArray,
  checkCount,
  checkNoPartialOverlap,
  checkOneOf,
  checkOptions,
  checkProbability,
  rangeError,
} from '../../core/errors';
import { StreamOptions, resolveDraw } from '../../core/options';
import { checkShape } from '../../core/shape';
import { Async, callForm } from '../../async/form';
import { checkMode, Mode, requireForwardSeed } from '../../core/method';

/**
 * Where the branch's 1/q goes. 'inverted': train x + (b/q)·F, eval x + F. 'test-time': train
 * x + b·F, eval x + q·F. 'none': train x + b·F, eval x + F (timm's `scale_by_keep=False`).
 */
export type DropPathScaling = DropoutScaling | 'none';
const DROP_PATH_SCALINGS: readonly DropPathScaling[] = [...DROPOUT_SCALINGS, 'none'];

/** One decision per example ('row', timm/torchvision) or one for the whole batch ('batch', the original paper). */
export type DropPathGranularity = 'row' | 'batch';
const GRANULARITIES: readonly DropPathGranularity[] = ['row', 'batch'];

/** Options of `dropPath` and `dropPathBackward`. */
export interface DropPathOptions extends StreamOptions {
  /** Drop probability of the branch, 1 − survival (quantised to 2^-16). */
  p: number;
  /** Shape of x and of the branch output, [N, …]; decisions are per example along dim 0. Default [x.length]. */
  shape?: readonly number[];
  /** 'row' (default): one decision per example. 'batch': one for the whole batch. */
  granularity?: DropPathGranularity;
  /**
   * 'inverted' (default): train x + (b/q)·F, eval x + F. 'test-time': train x + b·F, eval
   * x + q·F. 'none': train x + b·F, eval x + F, timm's `drop_path(…, scale_by_keep=False)`.
   */
  scaling?: DropPathScaling;
  /** 'train' (default) and 'mc' drop; 'eval' is deterministic (see scaling). */
  mode?: Mode;
  /** Where to write y: x, the branch, or an array of their length. Default: a new array. */
  out?: Float32Array;
}

/** True for one decision per batch (granularity 'batch'), false for one per example. */
const perBatch = (opts: Record<string, unknown>): boolean =>
  (opts.granularity === undefined ? 'row' : checkOneOf('granularity', opts.granularity, GRANULARITIES)) === 'batch';

/** The keep decisions of a call at its position: one per example, or one for the whole batch. */
function keepDecisions(batch: boolean, rows: number, t: number, draw: ReturnType<typeof resolveDraw>): Uint8Array {
  const keep = new Uint8Array(batch ? 1 : rows);
  draw.backend.bernoulliU8(keep, draw.counter, t);
  return keep;
}

/** The branch factor b/q (or b, or q) of every example for this call. */
function branchFactors(opts: Record<string, unknown>, rows: number, draw: ReturnType<typeof resolveDraw>): Float32Array {
  const t = dropThreshold(opts.p as number);
  const scaling = opts.scaling === undefined ? 'inverted' : checkOneOf('scaling', opts.scaling, DROP_PATH_SCALINGS);
  const batch = perBatch(opts);
  const mode = checkMode(opts.mode);
  const factors = new Float32Array(rows);
  if (mode === 'eval') return factors.fill(scaling === 'test-time' ? 1 - t / 65536 : 1);
  const scale = scaling !== 'inverted' ? 1 : t === 65536 ? 0 : Math.fround(65536 / (65536 - t));
  const keep = keepDecisions(batch, rows, t, draw);
  draw.commit(streamWords.bernoulli(keep.length));
  for (let n = 0; n < rows; n++) factors[n] = keep[batch ? 0 : n] ? scale : 0;
  return factors;
}

/**
 * An empty tensor with `rows` examples (a zero dimension after the first): no factor is needed, so
 * none is drawn or stored, but the options are checked and the stream moves as the call defines.
 */
function emptyCall(
  opts: Record<string, unknown>,
  rows: number,
  draw: ReturnType<typeof resolveDraw>,
  out: Float32Array,
): Float32Array {
  if (opts.scaling !== undefined) checkOneOf('scaling', opts.scaling, DROP_PATH_SCALINGS);
  const batch = perBatch(opts);
  if (checkMode(opts.mode) !== 'eval') draw.commit(batch ? streamWords.bernoulli(1) : streamWords.bernoulli(rows));
  return out;
}

function rowsOf(opts: Record<string, unknown>, length: number): number {
  const shape = checkShape('shape', opts.shape, length);
  return shape[0];
}

/**
 * DropPath: y = x + (b/q)·F with b ~ Bernoulli(q), one b per example (row of `shape`) or per
 * batch. Example n uses decision n of the call (batch: decision 0). Consumes ceil(N / 2) words
 * ('batch': 1). In batch mode a caller may skip computing F when `dropPathKeep` says dropped.
 * @param x - the identity path.
 * @param branch - the residual branch output F(x), same length.
 * @example dropPath(x, fx, { p: 0.1, shape: [32, 256], seed: 9 })
 */
export function dropPath(x: Float32Array, branch: Float32Array, options: DropPathOptions): Float32Array {
  const opts = checkOptions('options', options);
  x = checkArray('x', x, Float32Array);
  branch = checkArray('branch', branch, Float32Array);
  if (branch.length !== x.length)
    throw new RangeError(`Expected branch.length to equal x.length (${x.length}) but received ${branch.length}`);
  checkProbability('p', opts.p);
  const rows = rowsOf(opts, x.length);
  let out: Float32Array;
  if (opts.out === undefined) out = new Float32Array(x.length);
  else {
    out = checkArray('out', opts.out, Float32Array);
    if (out.length !== x.length) throw new RangeError(`Expected out.length to be ${x.length} but received ${out.length}`);
    checkNoPartialOverlap('out', out, 'x', x);
    checkNoPartialOverlap('out', out, 'branch', branch);
  }
  const draw = resolveDraw(opts);
  if (x.length === 0) return emptyCall(opts, rows, draw, out);
  const factors = branchFactors(opts, rows, draw);
  draw.backend.addScaledRows(out, x, branch, factors, x.length / rows);
  return out;
}

/**
 * The gradient of `dropPath` with respect to the branch: dF = dy · b/q with the forward call's
 * decisions (pass its seed, stream, offset). The identity path's gradient is dy itself.
 */
export function dropPathBackward(dy: Float32Array, options: DropPathOptions): Float32Array {
  const opts = checkOptions('options', options);
  dy = checkArray('dy', dy, Float32Array);
  checkProbability('p', opts.p);
  requireForwardSeed('dropPathBackward', opts);
  const rows = rowsOf(opts, dy.length);
  const out = opts.out === undefined ? new Float32Array(dy.length) : checkArray('out', opts.out, Float32Array);
  if (out.length !== dy.length) throw new RangeError(`Expected out.length to be ${dy.length} but received ${out.length}`);
  checkNoPartialOverlap('out', out, 'dy', dy);
  const draw = resolveDraw(opts);
  if (dy.length === 0) return emptyCall(opts, rows, draw, out);
  const factors = branchFactors(opts, rows, draw);
  // dF = 0 + dy · factor, rounded like the forward product
  draw.backend.addScaledRows(out, new Float32Array(dy.length), dy, factors, dy.length / rows);
  return out;
}

/**
 * The keep decision of each example (or of the batch, one element) for a dropPath call at this
 * position, so that a caller can skip computing F for dropped examples.
 */
export function dropPathKeep(options: DropPathOptions): Uint8Array {
  const opts = checkOptions('options', options);
  checkProbability('p', opts.p);
  const batch = perBatch(opts);
  if (opts.shape === undefined)
    throw new TypeError('Expected shape (its first dimension is the batch) for dropPathKeep but received undefined');
  const shape = opts.shape as unknown[];
  const rows = checkCount('shape[0]', Array.isArray(shape) ? shape[0] : undefined);
  return keepDecisions(batch, rows, dropThreshold(opts.p as number), resolveDraw(opts));
}

/** Options of `stochasticDepthRates`. */
export interface StochasticDepthOptions {
  /** Survival probability q_L of the last block. Default 0.5 (the paper's). */
  finalSurvival?: number;
  /** Instead of finalSurvival: the last block's drop probability 1 − q_L (timm's `drop_path_rate`). */
  maxRate?: number;
  /**
   * 'huang' (default): p_l = (l/L)(1 − q_L) for l = 1..L, Huang et al.'s linear rule, the first
   * block already dropped. 'timm': p_l = (l − 1)/(L − 1)·(1 − q_L), timm's
   * `calculate_drop_path_rates` (torch.linspace(0, drop_path_rate, L)), the first block never
   * dropped, in float32 as torch computes it.
   */
  rule?: 'huang' | 'timm';
}

/**
 * Drop probabilities p_l = 1 − q_l of blocks l = 1..L under a linear depth rule: Huang et al.
 * 2016's q_l = 1 − (l/L)(1 − q_L) (default), or timm's linspace(0, 1 − q_L, L)
 * (`rule: 'timm'`; for timm's list of stage depths pass their sum and split the result). Pass p_l
 * as dropPath's p for block l.
 * @example stochasticDepthRates(4, { finalSurvival: 0.5, rule: 'timm' }) // [0, 1/6, 1/3, 0.5] in float32
 */
export function stochasticDepthRates(blocks: number, options: StochasticDepthOptions = {}): Float64Array {
  const opts = checkOptions('options', options);
  const L = checkCount('blocks', blocks);
  if (L === 0) throw rangeError('blocks', 'a positive integer', blocks);
  if (opts.finalSurvival !== undefined && opts.maxRate !== undefined)
    throw new TypeError('Expected either finalSurvival or maxRate but received both');
  const maxRate =
    opts.maxRate !== undefined
      ? checkProbability('maxRate', opts.maxRate)
      : 1 - (opts.finalSurvival === undefined ? 0.5 : checkProbability('finalSurvival', opts.finalSurvival));
  const rule = opts.rule === undefined ? 'huang' : checkOneOf('rule', opts.rule, ['huang', 'timm'] as const);
  const rates = new Float64Array(L);
  if (rule === 'huang') {
    for (let l = 1; l <= L; l++) rates[l - 1] = (l / L) * maxRate;
    return rates;
  }
  // torch.linspace(0, end, L) in float32 on the CPU: step = end/(L − 1); below L/2 step·i, above
  // end − step·(L − 1 − i), each with one rounding as the wheel's fused multiply-add gives it (the
  // products are exact in a double)
  const end = Math.fround(maxRate);
  if (L === 1) return rates;
  const step = Math.fround(end / (L - 1));
  for (let i = 0; i < L; i++) rates[i] = Math.fround(i < L >> 1 ? step * i : end - step * (L - 1 - i));
  return rates;
}

// Promise twins of the registry's forms: on Node each runs in a worker, with the bits of the sync form.
export const dropPathAsync: Async<typeof dropPath> = (...a) => callForm('dropPath', dropPath, a);
export const dropPathBackwardAsync: Async<typeof dropPathBackward> = (...a) => callForm('dropPathBackward', dropPathBackward, a);
