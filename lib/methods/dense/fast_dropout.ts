// Fast dropout (Wang & Manning 2013): one Gaussian per pre-activation instead of many Bernoulli
// input masks, by the central limit theorem: u ~ N(q·Wx + b, q(1−q)·(W⊙W)(x⊙x)).
import { dropThreshold } from '../../core/bernoulli';
import type { Backend } from '../../backends/interface';
import { checkArray, checkOptions, checkProbability } from '../../core/errors';
import { DenseShapeOptions, DenseShapes, denseOut, denseShapes } from './linear';
import { StreamOptions, resolveDraw } from '../../core/options';
import { getBackend } from '../../backends/select';
import { sampleGaussian } from './reparam';
import { Async, callForm } from '../../async/form';
import { checkMode, Mode, requireForwardSeed } from '../../core/method';

/** Options of `fastDropout`, `fastDropoutBackward` and `fastDropoutMoments`. */
export interface FastDropoutOptions extends StreamOptions, DenseShapeOptions {
  /** Drop probability of the inputs. Default 0.5. */
  p?: number;
  /** 'train' / 'mc' sample u; 'eval' returns the deterministic q·Wx + b. */
  mode?: Mode;
  /** Where to write u [batch, outFeatures]. */
  out?: Float32Array;
}

interface Moments extends DenseShapes {
  mu: Float32Array;
  v: Float32Array;
  q: number;
  backend: Backend;
}

const square = (a: Float32Array): Float32Array => a.map((e) => e * e);

function moments(
  opts: Record<string, unknown>,
  x: Float32Array,
  W: Float32Array,
  bias: Float32Array | null,
  backend: Backend,
): Moments {
  const shapes = denseShapes(opts, x, W, bias);
  const { batch, din, dout } = shapes;
  ({ x, W, bias } = shapes);
  const p = opts.p === undefined ? 0.5 : checkProbability('p', opts.p);
  const q = 1 - dropThreshold(p) / 65536;
  const mu = new Float32Array(batch * dout),
    v = new Float32Array(batch * dout);
  backend.matmul(mu, x, W, null, batch, dout, din, false, true, false);
  backend.matmul(v, square(x), square(W), null, batch, dout, din, false, true, false);
  for (let e = 0; e < mu.length; e++) {
    mu[e] = q * mu[e] + (bias ? bias[e % dout] : 0);
    v[e] = q * (1 - q) * v[e];
  }
  return { ...shapes, mu, v, q, backend };
}

/**
 * Fast dropout, sampled: u = μ + sqrt(v)·ε with μ = q·Wx + b, v = q(1−q)·(W⊙W)(x⊙x) and one
 * ε ~ N(0, 1) per (example, unit): element b·Dout + j of the normal stream (2·ceil(n/2) words).
 */
export function fastDropout(
  x: Float32Array,
  W: Float32Array,
  bias: Float32Array | null,
  options: FastDropoutOptions,
): Float32Array {
  const opts = checkOptions('options', options);
  const mode = checkMode(opts.mode);
  const draw = resolveDraw(opts);
  const m = moments(opts, x, W, bias, draw.backend);
  ({ x, W, bias } = m);
  const out = denseOut(opts, m.mu.length, { x, W, bias });
  if (mode === 'eval') {
    out.set(m.mu);
    return out;
  }
  return sampleGaussian(draw, m.mu, m.v, out);
}

/**
 * Backward of the sampled fast dropout by reparameterisation (ε regenerated): dμ = du,
 * dv = du·ε / (2·sqrt(v + 1e−12)), chained through μ = q·Wx + b and v = q(1−q)·(W⊙W)(x⊙x).
 */
export function fastDropoutBackward(
  du: Float32Array,
  x: Float32Array,
  W: Float32Array,
  bias: Float32Array | null,
  options: FastDropoutOptions,
): { dx: Float32Array; dW: Float32Array; dbias: Float32Array | null } {
  const opts = checkOptions('options', options);
  requireForwardSeed('fastDropoutBackward', opts);
  const draw = resolveDraw(opts);
  const m = moments(opts, x, W, bias, draw.backend);
  ({ x, W, bias } = m);
  const { batch, din, dout, q, backend } = m;
  du = checkArray('du', du, Float32Array);
  if (du.length !== batch * dout)
    throw new RangeError(`Expected du to hold batch * outFeatures = ${batch * dout} values but received ${du.length}`);
  const eps = new Float32Array(batch * dout);
  backend.normal(eps, draw.counter, 0, 1);
  const dmu = new Float32Array(batch * dout),
    dv = new Float32Array(batch * dout);
  for (let e = 0; e < dv.length; e++) {
    dmu[e] = q * du[e];
    dv[e] = (q * (1 - q) * du[e] * eps[e]) / (2 * Math.sqrt(m.v[e] + 1e-12));
  }
  const dx = new Float32Array(batch * din),
    dW = new Float32Array(dout * din);
  const tmp = new Float32Array(Math.max(batch * din, dout * din));
  backend.matmul(dx, dmu, W, null, batch, din, dout, false, false, false);
  backend.matmul(dW, dmu, x, null, dout, din, batch, true, false, false);
  // v = q(1−q)·(x⊙x)(W⊙W)ᵀ: d/dx = 2x ⊙ (dv·W²), d/dW = 2W ⊙ (dvᵀ·x²)
  const tx = tmp.subarray(0, batch * din);
  backend.matmul(tx, dv, square(W), null, batch, din, dout, false, false, false);
  for (let i = 0; i < dx.length; i++) dx[i] += 2 * x[i] * tx[i];
  const tw = tmp.subarray(0, dout * din);
  backend.matmul(tw, dv, square(x), null, dout, din, batch, true, false, false);
  for (let i = 0; i < dW.length; i++) dW[i] += 2 * W[i] * tw[i];
  let dbias: Float32Array | null = null;
  if (bias) {
    dbias = new Float32Array(dout);
    for (let e = 0; e < du.length; e++) dbias[e % dout] += du[e];
  }
  return { dx, dW, dbias };
}

/**
 * Moment propagation for stacked fast-dropout layers: given inputs with mean μx and variance vx,
 * returns μ = q·W μx + b and v = (W⊙W)(q·vx + q(1−q)·μx²) (no sampling, no randomness).
 */
export function fastDropoutMoments(
  meanX: Float32Array,
  varX: Float32Array,
  W: Float32Array,
  bias: Float32Array | null,
  options: Omit<FastDropoutOptions, 'mode' | 'out'>,
): { mean: Float32Array; variance: Float32Array } {
  const opts = checkOptions('options', options);
  const shapes = denseShapes(opts, meanX, W, bias);
  const { batch, din, dout } = shapes;
  ({ x: meanX, W, bias } = shapes);
  varX = checkArray('varX', varX, Float32Array);
  if (varX.length !== meanX.length)
    throw new RangeError(`Expected varX.length to be ${meanX.length} but received ${varX.length}`);
  const p = opts.p === undefined ? 0.5 : checkProbability('p', opts.p);
  const q = 1 - dropThreshold(p) / 65536;
  const backend = getBackend(opts.backend, opts.threads);
  const mean = new Float32Array(batch * dout),
    variance = new Float32Array(batch * dout);
  backend.matmul(mean, meanX, W, null, batch, dout, din, false, true, false);
  for (let e = 0; e < mean.length; e++) mean[e] = q * mean[e] + (bias ? bias[e % dout] : 0);
  const inner = meanX.map((mx, i) => q * varX[i] + q * (1 - q) * mx * mx);
  backend.matmul(variance, inner, square(W), null, batch, dout, din, false, true, false);
  return { mean, variance };
}

const SQRT2PI = Math.sqrt(2 * Math.PI);
/** Standard normal CDF Φ (Abramowitz–Stegun 7.1.26 via erf; |error| < 1.5e−7). */
export function normalCdf(z: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(z)) / Math.SQRT2);
  const erf =
    1 -
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-(z * z) / 2);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/**
 * Exact ReLU moments of u ~ N(μ, v): with k = μ/√v, E[relu u] = μΦ(k) + √v φ(k) and
 * E[(relu u)²] = (μ² + v)Φ(k) + μ√v φ(k). Also the probit approximation of E[sigm(u)].
 */
export function gaussianActivationMoments(
  mean: Float32Array,
  variance: Float32Array,
): { reluMean: Float32Array; reluSecond: Float32Array; sigmoidMean: Float32Array } {
  mean = checkArray('mean', mean, Float32Array);
  variance = checkArray('variance', variance, Float32Array);
  if (variance.length !== mean.length)
    throw new RangeError(`Expected variance.length to be ${mean.length} but received ${variance.length}`);
  const n = mean.length,
    reluMean = new Float32Array(n),
    reluSecond = new Float32Array(n),
    sigmoidMean = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const mu = mean[i],
      v = Math.max(variance[i], 0),
      s = Math.sqrt(v);
    if (s === 0) {
      reluMean[i] = Math.max(mu, 0);
      reluSecond[i] = mu > 0 ? mu * mu : 0;
    } else {
      const k = mu / s,
        cdf = normalCdf(k),
        pdf = Math.exp(-(k * k) / 2) / SQRT2PI;
      reluMean[i] = mu * cdf + s * pdf;
      reluSecond[i] = (mu * mu + v) * cdf + mu * s * pdf;
    }
    sigmoidMean[i] = 1 / (1 + Math.exp(-mu / Math.sqrt(1 + (Math.PI * v) / 8)));
  }
  return { reluMean, reluSecond, sigmoidMean };
}

// Promise twins of the registry's forms: on Node each runs in a worker, with the bits of the sync form.
export const fastDropoutAsync: Async<typeof fastDropout> = (...a) => callForm('fastDropout', fastDropout, a);
export const fastDropoutBackwardAsync: Async<typeof fastDropoutBackward> = (...a) =>
  callForm('fastDropoutBackward', fastDropoutBackward, a);
