// SpatialDropout (Tompson et al. 2015): whole feature maps are dropped, one decision per
// (example, channel), because neighbouring activations are too correlated for element dropout.
import { streamWords } from '../../backends/interface';
import { dropThreshold } from '../../core/bernoulli';
import { ConvShapeOptions, checkConvShape } from './shape';
import { bernoulliWordsExact, exactProduct } from '../../core/shape';
import { checkArray, checkOptions } from '../../core/errors';
import { StreamOptions, resolveDraw } from '../../core/options';
import { Async, callForm } from '../../async/form';
import { checkMode, elementwiseOut, Mode, requireForwardSeed } from '../../core/method';

/** Options of `spatialDropout` and `spatialDropoutBackward`. */
export interface SpatialDropoutOptions extends StreamOptions, ConvShapeOptions {
  /** Drop probability of each (example, channel) map (quantised to 2^-16). Default 0.5. */
  p?: number;
  /** 'train' (default) and 'mc' drop maps; 'eval' is the identity. */
  mode?: Mode;
  /** Where to write the result: x itself or an array of x's length. Default: a new array. */
  out?: Float32Array;
}

function apply(x: Float32Array, xName: string, opts: Record<string, unknown>): Float32Array {
  const { shape, layout } = checkConvShape(opts, x.length, null);
  const t = dropThreshold(opts.p === undefined ? 0.5 : (opts.p as number));
  const mode = checkMode(opts.mode);
  const out = elementwiseOut(opts, x, xName);
  const draw = resolveDraw(opts);
  const channelsLast = layout === 'NHWC';
  const n = shape[0],
    c = channelsLast ? shape[shape.length - 1] : shape[1];
  const maps = n * c;
  if (mode === 'eval') {
    if (out !== x) out.set(x);
    return out;
  }
  if (x.length === 0) {
    // nothing to mask: move past the N·C decisions without drawing them (their count can pass 2^53)
    draw.commit(bernoulliWordsExact(exactProduct([n, c])));
    return out;
  }
  const spatial = maps === 0 ? 0 : x.length / maps;
  const keep = new Uint8Array(maps);
  draw.backend.bernoulliU8(keep, draw.counter, t);
  const scale = t === 65536 ? 0 : Math.fround(65536 / (65536 - t));
  if (x.length > 0) draw.backend.maskApply(out, x, keep, spatial, channelsLast ? c : 1, scale, 0);
  draw.commit(streamWords.bernoulli(maps));
  return out;
}

/**
 * SpatialDropout 1-D/2-D/3-D: y[n, c, …] = x[n, c, …] · m[n, c] / q, one keep decision per
 * (example, channel) for all spatial positions. Decision m[n, c] is element n·C + c of the
 * call's mask in either layout. Consumes ceil(N·C / 2) words.
 * @param x - [N, C, ...spatial] ('NCHW') or [N, ...spatial, C] ('NHWC'), given by `shape`.
 * @example spatialDropout(x, { shape: [8, 64, 28, 28], p: 0.2, seed: 3 })
 */
export function spatialDropout(x: Float32Array, options: SpatialDropoutOptions): Float32Array {
  const opts = checkOptions('options', options);
  return apply(checkArray('x', x, Float32Array), 'x', opts);
}

/** The gradient of `spatialDropout`: dx = dy · m[n, c] / q with the forward call's mask (pass its seed, stream, offset). */
export function spatialDropoutBackward(dy: Float32Array, options: SpatialDropoutOptions): Float32Array {
  const opts = checkOptions('options', options);
  dy = checkArray('dy', dy, Float32Array);
  requireForwardSeed('spatialDropoutBackward', opts);
  return apply(dy, 'dy', opts);
}

// Promise twins of the registry's forms: on Node each runs in a worker, with the bits of the sync form.
export const spatialDropoutAsync: Async<typeof spatialDropout> = (...a) => callForm('spatialDropout', spatialDropout, a);
export const spatialDropoutBackwardAsync: Async<typeof spatialDropoutBackward> = (...a) =>
  callForm('spatialDropoutBackward', spatialDropoutBackward, a);
