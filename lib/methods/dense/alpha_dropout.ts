// AlphaDropout (Klambauer et al. 2017): for SELU networks, dropped units take the negative
// saturation value α' and an affine correction keeps mean 0 and variance 1.
import { dropThreshold } from '../../core/bernoulli';
import { checkArray, checkOptions, checkProbability, rangeError } from '../../core/errors';
import { resolveDraw } from '../../core/options';
import { bernoulliWordsExact, checkNoiseShape, checkShape, exactProduct, forEachBroadcastRun, product } from '../../core/shape';
import { streamWords } from '../../backends/interface';
import { Async, callForm } from '../../async/form';
import { checkMode, ElementwiseOptions, elementwiseOut, requireForwardSeed } from '../../core/method';

/** SELU constants: α₀, λ and α' = −λα₀. */
export const SELU_ALPHA = 1.6732632423543772;
export const SELU_LAMBDA = 1.0507009873554805;
export const ALPHA_PRIME = -SELU_LAMBDA * SELU_ALPHA;

/** Options of `alphaDropout`, `featureAlphaDropout` and `alphaDropoutBackward` ('eval' is the identity; `featureAlphaDropout` needs shape [N, C, …]). */
export interface AlphaDropoutOptions extends ElementwiseOptions {
  /** Drop probability (quantised like every mask). Default 0.1. */
  p?: number;
}

/** The affine correction (a, b) for keep probability q: a = (q + α'² q (1 − q))^(−1/2), b = −a (1 − q) α'. */
export function alphaDropoutAffine(p: number): { a: number; b: number; q: number } {
  const q = 1 - dropThreshold(p) / 65536;
  const a = 1 / Math.sqrt(q + ALPHA_PRIME * ALPHA_PRIME * q * (1 - q));
  return { a, b: -a * (1 - q) * ALPHA_PRIME, q };
}

function apply(x: Float32Array, opts: Record<string, unknown>, backward: boolean, noiseOverride?: number[]): Float32Array {
  const p = opts.p === undefined ? 0.1 : checkProbability('p', opts.p);
  const shape = checkShape('shape', opts.shape, x.length);
  const noiseShape = noiseOverride ?? checkNoiseShape(opts.noiseShape, shape);
  const mode = checkMode(opts.mode);
  const out = elementwiseOut(opts, x, backward ? 'dy' : 'x');
  const draw = resolveDraw(opts);
  if (mode === 'eval') {
    if (out !== x) out.set(x);
    return out;
  }
  const { a, b, q } = alphaDropoutAffine(p);
  if (x.length === 0) {
    // nothing to mask: move past the mask's decisions without drawing them (their count can pass 2^53)
    draw.commit(bernoulliWordsExact(exactProduct(noiseShape)));
    return out;
  }
  const n = product(noiseShape);
  const keep = new Uint8Array(n);
  draw.backend.bernoulliU8(keep, draw.counter, dropThreshold(p));
  const dropped = q === 0 ? 0 : Math.fround(a * ALPHA_PRIME + b);
  const af = Math.fround(a),
    bf = Math.fround(b);
  forEachBroadcastRun(shape, noiseShape, (start, length, base, step) => {
    for (let j = 0; j < length; j++) {
      const kept = keep[base + j * step];
      out[start + j] = backward
        ? kept
          ? Math.fround(af * x[start + j])
          : 0
        : kept
          ? Math.fround(Math.fround(af * x[start + j]) + bf)
          : dropped;
    }
  });
  draw.commit(streamWords.bernoulli(n));
  return out;
}

/**
 * AlphaDropout: y = a·(x ⊙ m + α'·(1 − m)) + b with m ~ Bernoulli(1 − p) per element (or per
 * `noiseShape`). Keeps zero mean and unit variance for standard-normal inputs.
 * Consumes ceil(mask size / 2) words.
 */
export function alphaDropout(x: Float32Array, options: AlphaDropoutOptions = {}): Float32Array {
  const opts = checkOptions('options', options);
  return apply(checkArray('x', x, Float32Array), opts, false);
}

/** FeatureAlphaDropout: one AlphaDropout decision per (n, c) of x [N, C, …] (shape required). */
export function featureAlphaDropout(x: Float32Array, options: AlphaDropoutOptions & { shape: readonly number[] }): Float32Array {
  const opts = checkOptions('options', options);
  x = checkArray('x', x, Float32Array);
  const shape = checkShape('shape', opts.shape, x.length);
  if (shape.length < 2) throw rangeError('shape', 'at least two dimensions [N, C, …]', opts.shape);
  return apply(
    x,
    opts,
    false,
    shape.map((d, i) => (i < 2 ? d : 1)),
  );
}

/** The gradient of `alphaDropout` (and of `featureAlphaDropout` with its noiseShape): dx = a·dy ⊙ m. */
export function alphaDropoutBackward(dy: Float32Array, options: AlphaDropoutOptions): Float32Array {
  const opts = checkOptions('options', options);
  dy = checkArray('dy', dy, Float32Array);
  requireForwardSeed('alphaDropoutBackward', opts);
  return apply(dy, opts, true);
}

// Promise twins of the registry's forms: on Node each runs in a worker, with the bits of the sync form.
export const alphaDropoutAsync: Async<typeof alphaDropout> = (...a) => callForm('alphaDropout', alphaDropout, a);
export const alphaDropoutBackwardAsync: Async<typeof alphaDropoutBackward> = (...a) =>
  callForm('alphaDropoutBackward', alphaDropoutBackward, a);
export const featureAlphaDropoutAsync: Async<typeof featureAlphaDropout> = (...a) =>
  callForm('featureAlphaDropout', featureAlphaDropout, a);
