// Gaussian dropout (Srivastava et al. 2014, §10): multiplicative noise ξ ~ N(1, p / (1 − p)),
// the first two moments of inverted Bernoulli dropout with drop probability p.
import { checkArray, checkNumber, checkOptions } from '../../core/errors';
import { resolveDraw } from '../../core/options';
import { broadcastMultiply, checkNoiseShape, checkShape, exactProduct, product } from '../../core/shape';
import { streamWords } from '../../backends/interface';
import { Async, callForm } from '../../async/form';
import { checkMode, ElementwiseOptions, elementwiseOut, requireForwardSeed } from '../../core/method';

/** Options of `gaussianDropout` and `gaussianDropoutBackward` ('eval' is the identity). */
export interface GaussianDropoutOptions extends ElementwiseOptions {
  /** The matched drop probability p in [0, 1): σ² = p / (1 − p). */
  p: number;
}

/** σ of Gaussian dropout for drop probability p: sqrt(p / (1 − p)) (Keras GaussianDropout). */
export function gaussianDropoutStd(p: number): number {
  return Math.sqrt(checkNumber('p', p, 0, 1 - Number.EPSILON) / (1 - p));
}

function apply(x: Float32Array, opts: Record<string, unknown>): Float32Array {
  const std = Math.fround(gaussianDropoutStd(opts.p as number));
  const shape = checkShape('shape', opts.shape, x.length);
  const noiseShape = checkNoiseShape(opts.noiseShape, shape);
  const mode = checkMode(opts.mode);
  const out = elementwiseOut(opts, x, 'x');
  const draw = resolveDraw(opts);
  if (mode === 'eval') {
    if (out !== x) out.set(x);
    return out;
  }
  if (x.length === 0) {
    // nothing to perturb: move past the noise's word pairs without drawing them (their count can pass 2^53)
    draw.commit(((exactProduct(noiseShape) + 1n) / 2n) * 2n);
    return out;
  }
  const n = product(noiseShape);
  if (n === x.length) {
    draw.backend.gaussianNoise(out, x, draw.counter, std);
  } else {
    // ξ for the noise shape (x = 1 gives ξ itself), then broadcast with the fused kernel's rounding
    const noise = new Float32Array(n);
    draw.backend.gaussianNoise(noise, new Float32Array(n).fill(1), draw.counter, std);
    broadcastMultiply(out, x, shape, noiseShape, noise);
  }
  draw.commit(streamWords.normal(n));
  return out;
}

/**
 * Gaussian dropout: y = x · ξ, ξ = 1 + σ z, σ² = p / (1 − p), z ~ N(0, 1) from the stream.
 * Consumes 2·ceil(noise size / 2) words.
 */
export function gaussianDropout(x: Float32Array, options: GaussianDropoutOptions): Float32Array {
  const opts = checkOptions('options', options);
  return apply(checkArray('x', x, Float32Array), opts);
}

/** The gradient of `gaussianDropout`: dx = dy · ξ with ξ regenerated from the forward position. */
export function gaussianDropoutBackward(dy: Float32Array, options: GaussianDropoutOptions): Float32Array {
  const opts = checkOptions('options', options);
  dy = checkArray('dy', dy, Float32Array);
  requireForwardSeed('gaussianDropoutBackward', opts);
  return apply(dy, opts);
}

// Promise twins of the registry's forms: on Node each runs in a worker, with the bits of the sync form.
export const gaussianDropoutAsync: Async<typeof gaussianDropout> = (...a) => callForm('gaussianDropout', gaussianDropout, a);
export const gaussianDropoutBackwardAsync: Async<typeof gaussianDropoutBackward> = (...a) =>
  callForm('gaussianDropoutBackward', gaussianDropoutBackward, a);
