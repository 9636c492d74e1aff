// Max-Drop (Park & Kwak 2016): with probability p, drop the strongest activation of a feature
// map ('feature') or of a position's channels ('channel'), optionally with a window around it.
import { PlaneGeometry, streamWords } from '../../backends/interface';
import { dropThreshold } from '../../core/bernoulli';
import { bernoulliWordsExact, exactProduct } from '../../core/shape';
import { ConvShapeOptions, FeatureMap, checkFeatureMap, checkPair } from './shape';
import { checkArray, checkOneOf, checkOptions, checkProbability } from '../../core/errors';
import { Draw, StreamOptions, resolveDraw } from '../../core/options';
import { Async, callForm } from '../../async/form';
import { checkMode, elementwiseOut, Mode, requireForwardSeed } from '../../core/method';

/** What one Max-Drop decision covers: an (example, channel) map, or an (example, row, column) position. */
export type MaxDropGranularity = 'feature' | 'channel';
const GRANULARITIES: readonly MaxDropGranularity[] = ['feature', 'channel'];

/** Options of `maxDrop` and `maxDropBackward`. */
export interface MaxDropOptions extends StreamOptions, ConvShapeOptions {
  /** Probability that a map (or position) loses its arg-max (quantised to 2^-16). Default 0.1. */
  p?: number;
  /**
   * 'feature' (default): per (n, c) map, the arg-max over H×W (first in row-major order).
   * 'channel': per (n, h, w) position, the arg-max over channels (lowest channel index).
   */
  granularity?: MaxDropGranularity;
  /** Window [rows, cols] centred on the arg-max that is dropped, clipped to the map. Default [1, 1]. */
  kernel?: number | readonly [number, number];
  /** 'train' (default) and 'mc' drop; 'eval' is the identity. */
  mode?: Mode;
  /** Where to write the result: x itself or an array of x's length. Default: a new array. */
  out?: Float32Array;
}

/** The planes each decision searches, in decision order (n-major). */
function planes(map: FeatureMap, channel: boolean): PlaneGeometry {
  const { n, c, h, w } = map;
  if (!channel) {
    return map.channelsLast
      ? { outer: n, inner: c, outerStride: h * w * c, innerStride: 1, count: h * w, elemStride: c }
      : { outer: n * c, inner: 1, outerStride: h * w, innerStride: 0, count: h * w, elemStride: 1 };
  }
  return map.channelsLast
    ? { outer: n * h * w, inner: 1, outerStride: c, innerStride: 0, count: c, elemStride: 1 }
    : { outer: n, inner: h * w, outerStride: c * h * w, innerStride: 1, count: c, elemStride: h * w };
}

function apply(x: Float32Array, xName: string, source: Float32Array, opts: Record<string, unknown>, draw: Draw): Float32Array {
  const map = checkFeatureMap(opts, x.length);
  const t = dropThreshold(opts.p === undefined ? 0.1 : checkProbability('p', opts.p));
  const channel =
    (opts.granularity === undefined ? 'feature' : checkOneOf('granularity', opts.granularity, GRANULARITIES)) === 'channel';
  const [kh, kw] = checkPair('kernel', opts.kernel, [1, 1]);
  const mode = checkMode(opts.mode);
  const span = channel ? map.c : map.h * map.w;
  const pe = t / 65536;
  if (pe * kh * kw >= span && x.length > 0) {
    throw new RangeError(
      `Expected p·kh·kw < ${channel ? 'C' : 'H·W'} (${span}) so that the scale 1/(1 − p·kh·kw/${span}) is finite, but p·kh·kw = ${pe * kh * kw}`,
    );
  }
  const out = elementwiseOut(opts, x, xName);
  if (mode === 'eval') {
    if (out !== x) out.set(x);
    return out;
  }
  const g = planes(map, channel);
  if (x.length === 0) {
    // nothing to drop: move past the decisions without drawing them (their count can pass 2^53)
    draw.commit(bernoulliWordsExact(exactProduct(channel ? [map.n, map.h, map.w] : [map.n, map.c])));
    return out;
  }
  const decisions = g.outer * g.inner;
  const keep = new Uint8Array(decisions);
  draw.backend.bernoulliU8(keep, draw.counter, t);
  for (let i = 0; i < decisions; i++) keep[i] ^= 1; // selected = not kept: probability p
  const argmax = new Int32Array(decisions);
  if (x.length > 0) draw.backend.argmaxPlanes(argmax, source, keep, g);
  const scale = Math.fround(1 / (1 - (pe * kh * kw) / span));
  if (x.length > 0) draw.backend.maskApply(out, x, null, 1, 1, scale, 0);
  const top = Math.floor(kh / 2),
    left = Math.floor(kw / 2);
  for (const at of argmax) {
    if (at < 0) continue;
    const n = Math.floor(at / map.sn),
      rest = at - n * map.sn;
    const [c, y, xx] = map.channelsLast
      ? [rest % map.c, Math.floor(rest / map.sh), Math.floor(rest / map.c) % map.w]
      : [Math.floor(rest / map.sc), Math.floor((rest % map.sc) / map.w), rest % map.w];
    for (let i = Math.max(0, y - top); i < Math.min(map.h, y - top + kh); i++) {
      for (let j = Math.max(0, xx - left); j < Math.min(map.w, xx - left + kw); j++)
        out[n * map.sn + c * map.sc + i * map.sh + j * map.sw] = 0;
    }
  }
  draw.commit(streamWords.bernoulli(decisions));
  return out;
}

/**
 * Max-Drop: each map ('feature') or position ('channel') is selected with probability p, its
 * first arg-max found, and the kh×kw window centred on it zeroed (in the arg-max's channel);
 * everything is scaled by s = 1/(1 − p·kh·kw/span), span = H·W or C (window overlaps ignored).
 * Decision order: (n, c) maps or (n, h, w) positions, n-major, in both layouts. Consumes
 * ceil(decisions / 2) words.
 * @example maxDrop(x, { shape: [8, 64, 28, 28], p: 0.2, seed: 5 })
 */
export function maxDrop(x: Float32Array, options: MaxDropOptions): Float32Array {
  const opts = checkOptions('options', options);
  x = checkArray('x', x, Float32Array);
  return apply(x, 'x', x, opts, resolveDraw(opts));
}

/**
 * The gradient of `maxDrop`: dx = dy ⊙ M · s with the forward call's mask, found again from the
 * forward input x and the forward call's seed, stream and offset.
 */
export function maxDropBackward(dy: Float32Array, x: Float32Array, options: MaxDropOptions): Float32Array {
  const opts = checkOptions('options', options);
  dy = checkArray('dy', dy, Float32Array);
  x = checkArray('x', x, Float32Array);
  if (dy.length !== x.length)
    throw new RangeError(`Expected dy.length to equal x.length (${x.length}) but received ${dy.length}`);
  requireForwardSeed('maxDropBackward', opts);
  return apply(dy, 'dy', x, opts, resolveDraw(opts));
}

// Promise twins of the registry's forms: on Node each runs in a worker, with the bits of the sync form.
export const maxDropAsync: Async<typeof maxDrop> = (...a) => callForm('maxDrop', maxDrop, a);
export const maxDropBackwardAsync: Async<typeof maxDropBackward> = (...a) => callForm('maxDropBackward', maxDropBackward, a);
