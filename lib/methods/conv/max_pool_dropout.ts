// Max-pooling dropout and probabilistic weighted pooling (Wu & Gu 2015): dropout applied right
// before max pooling, one keep decision per input element shared by every window holding it.
import { PoolGeometry, pooledSize, streamWords } from '../../backends/interface';
import { forEachWindow } from '../../backends/js/conv';
import { dropThreshold } from '../../core/bernoulli';
import { ConvShapeOptions, checkFeatureMap, checkPair, storageShape } from './shape';
import { checkMode, Mode, requireForwardSeed } from '../../core/method';
import { checkArray, checkNoPartialOverlap, checkOneOf, checkOptions, checkProbability, rangeError } from '../../core/errors';
import { StreamOptions, resolveDraw } from '../../core/options';
import { scratch } from '../../core/scratch';
import { Async, callForm } from '../../async/form';

/** Inference of max-pooling dropout: the paper's weighted pooling, or the q·max baseline. */
export type PoolInference = 'weighted' | 'scaled-max';
const POOL_INFERENCES: readonly PoolInference[] = ['weighted', 'scaled-max'];

/** Options of `maxPoolDropout` and `maxPoolDropoutBackward`. */
export interface MaxPoolDropoutOptions extends StreamOptions, ConvShapeOptions {
  /** Drop probability of each input element (quantised to 2^-16). Default 0.5. */
  p?: number;
  /** Pooling window [rows, cols] (or one number for a square). Default 2. Must fit in the map. */
  kernel?: number | readonly [number, number];
  /** Window step [rows, cols]. Default: the kernel (non-overlapping windows). No padding. */
  stride?: number | readonly [number, number];
  /**
   * 'train' (default) and 'mc': max over kept elements (0 when all dropped), no rescaling.
   * 'eval': deterministic, see `inference`.
   */
  mode?: Mode;
  /**
   * 'weighted' (default): probabilistic weighted pooling y = Σ_k q·p^(n−k)·a_(k) over the window
   * sorted ascending. 'scaled-max': y = q·max(a).
   */
  inference?: PoolInference;
  /** Where to write the pooled map (length N·C·OH·OW); must not overlap x. Default: a new array. */
  out?: Float32Array;
}

interface Resolved {
  g: PoolGeometry;
  t: number;
  mode: Mode;
  inference: PoolInference;
  outLength: number;
}

function resolve(opts: Record<string, unknown>, length: number): Resolved {
  const map = checkFeatureMap(opts, length);
  const p = opts.p === undefined ? 0.5 : checkProbability('p', opts.p);
  const [kh, kw] = checkPair('kernel', opts.kernel, [2, 2]);
  const [sh, sw] = checkPair('stride', opts.stride, [kh, kw]);
  if (kh > map.h || kw > map.w) {
    throw new RangeError(`Expected kernel [${kh}, ${kw}] to fit in the ${map.h}×${map.w} map but it is larger`);
  }
  const mode = checkMode(opts.mode);
  const inference = opts.inference === undefined ? 'weighted' : checkOneOf('inference', opts.inference, POOL_INFERENCES);
  const g = { n: map.n, c: map.c, h: map.h, w: map.w, kh, kw, sh, sw, channelsLast: map.channelsLast };
  return {
    g,
    t: dropThreshold(p),
    mode,
    inference,
    outLength: map.n * map.c * pooledSize(map.h, kh, sh) * pooledSize(map.w, kw, sw),
  };
}

/** The storage shape of the pooled map for these options (same layout as the input). */
export function maxPoolDropoutShape(options: MaxPoolDropoutOptions): number[] {
  const opts = checkOptions('options', options);
  const shape = opts.shape as number[] | undefined;
  const { g } = resolve(opts, Array.isArray(shape) ? shape.reduce((a, b) => a * (typeof b === 'number' ? b : NaN), 1) : 0);
  return storageShape(g.n, g.c, pooledSize(g.h, g.kh, g.sh), pooledSize(g.w, g.kw, g.sw), g.channelsLast);
}

/**
 * The weights of probabilistic weighted pooling for a window of n elements, in ascending rank
 * order: w_k = q·p^(n−k), k = 1..n, with p quantised like the mask. They sum to 1 − p^n.
 */
export function weightedPoolingWeights(p: number, n: number): Float64Array {
  const pe = dropThreshold(p) / 65536;
  if (!Number.isInteger(n) || n < 1) throw rangeError('n', 'a positive integer', n);
  const w = new Float64Array(n);
  for (let k = 1; k <= n; k++) w[k - 1] = (1 - pe) * pe ** (n - k);
  return w;
}

function outArray(opts: Record<string, unknown>, length: number, x: Float32Array, xName: string): Float32Array {
  if (opts.out === undefined) return new Float32Array(length);
  const out = checkArray('out', opts.out, Float32Array);
  if (out.length !== length) throw new RangeError(`Expected out.length to be ${length} but received ${out.length}`);
  checkNoPartialOverlap('out', out, xName, x);
  if (out.buffer === x.buffer && out.byteOffset === x.byteOffset && length > 0)
    throw new RangeError(`Expected out not to overlap ${xName}`);
  return out;
}

/** Keep bits of the forward mask (null when p = 0: nothing dropped). */
function keepBits(r: Resolved, n: number, draw: ReturnType<typeof resolveDraw>): Uint32Array | null {
  if (r.t === 0) return null;
  const keep = new Uint32Array(Math.ceil(n / 32));
  draw.backend.bernoulliBits(keep, n, draw.counter, r.t);
  return keep;
}

/**
 * Max-pooling dropout: each input element is kept with probability q = 1 − p, then max pooling
 * runs over kept elements (y = max(m ⊙ a); 0 when the whole window is dropped). For a ≥ 0 the
 * window outputs its k-th smallest value with probability q·p^(n−k). Consumes ceil(x.length / 2)
 * words in 'train' and 'mc' (also at p = 0, so later draws never shift); 'eval' draws nothing.
 * @param x - the map, [N, C, H, W] or [N, H, W, C] per `layout`.
 * @returns the pooled map [N, C, OH, OW] (or [N, OH, OW, C]), OH = ⌊(H − kh)/sh⌋ + 1.
 * @example maxPoolDropout(x, { shape: [8, 16, 32, 32], p: 0.3, kernel: 2, seed: 1 })
 */
export function maxPoolDropout(x: Float32Array, options: MaxPoolDropoutOptions): Float32Array {
  const opts = checkOptions('options', options);
  x = checkArray('x', x, Float32Array);
  const r = resolve(opts, x.length);
  const out = outArray(opts, r.outLength, x, 'x');
  const draw = resolveDraw(opts);
  // an empty map pools nothing and consumes ⌈0 / 2⌉ = 0 words: no walk over its other dimensions
  if (x.length === 0) return out;
  if (r.mode === 'eval') {
    const q = 1 - r.t / 65536;
    if (r.inference === 'scaled-max') {
      draw.backend.maxPool(out, x, null, r.g, Math.fround(q), null);
    } else {
      const w = Float32Array.from(weightedPoolingWeights(r.t / 65536, r.g.kh * r.g.kw));
      draw.backend.weightedPool(out, x, r.g, w);
    }
    return out;
  }
  // Mask with the fused dropout kernel (scale 1: the same keep decisions as bernoulliBits), then
  // pool the masked map: two streaming passes beat testing mask bits inside every window.
  let pooled = x;
  if (r.t !== 0) {
    pooled = scratch('maxPoolDropout', x.length);
    draw.backend.dropout(pooled, x, draw.counter, r.t, 1);
  }
  draw.backend.maxPool(out, pooled, null, r.g, 1, null);
  draw.commit(streamWords.bernoulli(x.length));
  return out;
}

/**
 * The gradient of `maxPoolDropout` with respect to x. Train/'mc': dy goes to the winning kept
 * element of each window (ties: lowest storage index), nothing when all are dropped; the mask is
 * regenerated from the forward call's position. 'eval': weighted pooling sends dy·q·p^(n−k) to
 * the element of rank k (ties ranked by storage index); 'scaled-max' sends dy·q to the arg-max.
 * @param dy - gradient of the pooled output.
 * @param x - the forward input (the arg-max depends on it).
 */
export function maxPoolDropoutBackward(dy: Float32Array, x: Float32Array, options: MaxPoolDropoutOptions): Float32Array {
  const opts = checkOptions('options', options);
  dy = checkArray('dy', dy, Float32Array);
  x = checkArray('x', x, Float32Array);
  const r = resolve(opts, x.length);
  if (dy.length !== r.outLength)
    throw new RangeError(`Expected dy.length to be ${r.outLength} (the pooled map) but received ${dy.length}`);
  if (r.mode !== 'eval') requireForwardSeed('maxPoolDropoutBackward', opts);
  const dx = new Float32Array(x.length);
  const draw = resolveDraw(opts);
  if (x.length === 0) return dx;
  const q = 1 - r.t / 65536;
  if (r.mode === 'eval' && r.inference === 'weighted') {
    const w = weightedPoolingWeights(r.t / 65536, r.g.kh * r.g.kw);
    const at: number[] = [];
    forEachWindow(r.g, (o, start, xh, xw) => {
      at.length = 0;
      for (let i = 0; i < r.g.kh; i++) for (let j = 0; j < r.g.kw; j++) at.push(start + i * xh + j * xw);
      // stable ascending order, ties by storage index: the forward kernel's insertion sort
      at.sort((a, b) => (x[a] < x[b] ? -1 : x[a] > x[b] ? 1 : a - b));
      for (let k = 0; k < at.length; k++) dx[at[k]] = Math.fround(dx[at[k]] + Math.fround(dy[o] * Math.fround(w[k])));
    });
  } else {
    const argmax = new Int32Array(r.outLength);
    const keep = r.mode === 'eval' ? null : keepBits(r, x.length, draw);
    draw.backend.maxPool(new Float32Array(r.outLength), x, keep, r.g, 1, argmax);
    const factor = r.mode === 'eval' ? Math.fround(q) : 1;
    for (let o = 0; o < argmax.length; o++) {
      if (argmax[o] >= 0) dx[argmax[o]] = Math.fround(dx[argmax[o]] + Math.fround(dy[o] * factor));
    }
  }
  draw.commit(streamWords.bernoulli(x.length));
  return dx;
}

// Promise twins of the registry's forms: on Node each runs in a worker, with the bits of the sync form.
export const maxPoolDropoutAsync: Async<typeof maxPoolDropout> = (...a) => callForm('maxPoolDropout', maxPoolDropout, a);
export const maxPoolDropoutBackwardAsync: Async<typeof maxPoolDropoutBackward> = (...a) =>
  callForm('maxPoolDropoutBackward', maxPoolDropoutBackward, a);
