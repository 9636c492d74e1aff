// Fused dropout and its backward pass, and multiplicative Gaussian noise. The fused kernels
// never materialise the mask; the backward pass regenerates it from the forward position.
import { streamWords } from '../../backends/interface';
import { dropThreshold } from '../../core/bernoulli';
import { checkArray, checkOneOf, checkOptions, checkFloat32 } from '../../core/errors';
import { StreamOptions, resolveDraw } from '../../core/options';
import { applyBroadcastMask, bernoulliWordsExact, checkNoiseShape, checkShape, exactProduct, product } from '../../core/shape';
import { Async, callForm } from '../../async/form';
import { checkMode, ElementwiseOptions, elementwiseOut, Mode, requireForwardSeed } from '../../core/method';

/** Options of `dropout` and `dropoutBackward`. */
export interface DropoutOptions extends ElementwiseOptions {
  /** Drop probability in [0, 1] (quantised to 2^-16; see `effectiveP`). 'eval' returns x ('inverted') or q·x ('test-time'). */
  p: number;
  /**
   * 'inverted' (default): train y = x·m/q, eval y = x. 'test-time' (Srivastava et al.): train
   * y = x·m, eval y = q·x, with q = 1 − effectiveP(p).
   */
  scaling?: DropoutScaling;
}

/** Where dropout puts the 1/q: at training ('inverted') or as q at inference ('test-time'). */
export type DropoutScaling = 'inverted' | 'test-time';
export const DROPOUT_SCALINGS: readonly DropoutScaling[] = ['inverted', 'test-time'];

/** Options of `gaussianNoise`. */
export interface GaussianNoiseOptions extends StreamOptions {
  /** Standard deviation σ of the multiplicative noise ξ ~ N(1, σ²); >= 0. */
  std: number;
  /** Where to write the result: x itself or an array of the same length. */
  out?: Float32Array;
  /** 'train' (default) or 'mc' apply the noise; 'eval' returns x unchanged. */
  mode?: Mode;
}

function applyDropout(x: Float32Array, xName: string, opts: Record<string, unknown>): Float32Array {
  const t = dropThreshold(opts.p as number);
  const shape = checkShape('shape', opts.shape, x.length);
  const noiseShape = checkNoiseShape(opts.noiseShape, shape);
  const mode = checkMode(opts.mode);
  const testTime =
    (opts.scaling === undefined ? 'inverted' : checkOneOf('scaling', opts.scaling, DROPOUT_SCALINGS)) === 'test-time';
  const out = elementwiseOut(opts, x, xName);
  const draw = resolveDraw(opts);
  if (mode === 'eval') {
    if (testTime) {
      const q = Math.fround(1 - t / 65536);
      for (let i = 0; i < x.length; i++) out[i] = Math.fround(x[i] * q);
    } else if (out !== x) {
      out.set(x);
    }
    return out;
  }
  const scale = testTime ? 1 : t === 65536 ? 0 : Math.fround(65536 / (65536 - t));
  if (x.length === 0) {
    // nothing to mask: move past the mask's decisions without drawing them (their count can pass 2^53)
    draw.commit(bernoulliWordsExact(exactProduct(noiseShape)));
    return out;
  }
  const maskSize = product(noiseShape);
  if (maskSize === x.length) {
    draw.backend.dropout(out, x, draw.counter, t, scale);
  } else {
    const keep = new Uint8Array(maskSize);
    draw.backend.bernoulliU8(keep, draw.counter, t);
    applyBroadcastMask(out, x, shape, noiseShape, keep, scale);
  }
  draw.commit(streamWords.bernoulli(maskSize));
  return out;
}

/**
 * Inverted dropout, fused: y = x · m / (1 − p) with m the Bernoulli keep mask of the stream
 * position; the mask is never stored. Consumes ceil(mask size / 2) words.
 * @param x - the input, any shape (give it with `shape` when using `noiseShape`).
 * @example dropout(x, { p: 0.1, seed: 42 })
 */
export function dropout(x: Float32Array, options: DropoutOptions): Float32Array {
  const opts = checkOptions('options', options);
  return applyDropout(checkArray('x', x, Float32Array), 'x', opts);
}

/**
 * The gradient of `dropout`: dx = dy · m / (1 − p), regenerating m from the forward call's
 * position. Pass the same p, shape and noiseShape, and the forward call's {seed, stream, offset}
 * (take `generator.position()` before the forward call when it drew from a generator).
 */
export function dropoutBackward(dy: Float32Array, options: DropoutOptions): Float32Array {
  const opts = checkOptions('options', options);
  dy = checkArray('dy', dy, Float32Array);
  requireForwardSeed('dropoutBackward', opts);
  return applyDropout(dy, 'dy', opts);
}

/**
 * Multiplicative Gaussian noise y = x · ξ, ξ = 1 + σ z, z ~ N(0, 1) from the stream: the building
 * block of Gaussian dropout (σ² = p / (1 − p)). Consumes 2 · ceil(n / 2) words.
 */
export function gaussianNoise(x: Float32Array, options: GaussianNoiseOptions): Float32Array {
  const opts = checkOptions('options', options);
  x = checkArray('x', x, Float32Array);
  const std = checkFloat32('std', opts.std, 0);
  const mode = checkMode(opts.mode);
  const out = elementwiseOut(opts, x, 'x');
  const draw = resolveDraw(opts);
  if (mode === 'eval') {
    if (out !== x) out.set(x);
    return out;
  }
  draw.backend.gaussianNoise(out, x, draw.counter, Math.fround(std));
  draw.commit(streamWords.normal(x.length));
  return out;
}

// Promise twins of the registry's forms: on Node each runs in a worker, with the bits of the sync form.
export const dropoutBackwardAsync: Async<typeof dropoutBackward> = (...a) => callForm('dropoutBackward', dropoutBackward, a);
