// Structured Bayesian Pruning (Neklyudov et al. 2017): a learned log-normal multiplicative noise θ
// per channel, truncated to [e^a, e^b]; channels whose signal-to-noise ratio stays low are pruned.
// Probabilities are computed in float64 with tail-accurate Φ (gauss.ts).
import { streamWords } from '../../backends/interface';
import { ConvLayout, checkConvShape } from '../conv/shape';
import { checkArray, checkNumber, checkOneOf, checkOptions, rangeError } from '../../core/errors';
import { phiCdf, phiDiff, phiPdf, probit } from '../../core/gauss';
import { StreamOptions, resolveDraw } from '../../core/options';
import { Async, callForm } from '../../async/form';
import { checkMode, elementwiseOut, Mode, requireForwardSeed } from '../../core/method';

/** Truncation bounds of log θ. */
export interface SbpBounds {
  /** Lower bound a of log θ. Default −20. */
  a?: number;
  /** Upper bound b of log θ. Default 0. */
  b?: number;
}

/** Options of `sbpNoise` and `sbpNoiseBackward`. */
export interface SbpNoiseOptions extends StreamOptions, SbpBounds {
  /** Shape of x, [N, C, …] (or [N, …, C] with layout 'NHWC'); [N, C] for dense layers. */
  shape: readonly number[];
  layout?: ConvLayout;
  /** 'train' (default) and 'mc' sample θ; 'eval' uses E[θ]·[SNR > threshold]. */
  mode?: Mode;
  /** 'per-example' (default): one θ per (example, channel); 'per-batch': one per channel (the reference code). */
  noise?: 'per-example' | 'per-batch';
  /** SNR below or at which 'eval' zeroes a channel. Default 1. */
  threshold?: number;
  out?: Float32Array;
}

interface Channel {
  mu: number;
  sigma: number;
  alpha: number;
  beta: number;
  z: number;
  /** True where the [−20, 5] parameter clip is active (zero gradient). */
  muClipped: boolean;
  sigmaClipped: boolean;
}

const clip = (v: number): number => Math.min(5, Math.max(-20, v));

function channels(mu: Float32Array, logSigma: Float32Array, a: number, b: number): Channel[] {
  return Array.from(mu, (m0, c) => {
    const mu = clip(m0),
      ls = clip(logSigma[c]),
      sigma = Math.exp(ls);
    const alpha = (a - mu) / sigma,
      beta = (b - mu) / sigma;
    return { mu, sigma, alpha, beta, z: phiDiff(alpha, beta), muClipped: mu !== m0, sigmaClipped: ls !== logSigma[c] };
  });
}

function bounds(opts: Record<string, unknown>): [number, number] {
  const a = opts.a === undefined ? -20 : checkNumber('a', opts.a);
  const b = opts.b === undefined ? 0 : checkNumber('b', opts.b);
  if (!(a < b)) throw rangeError('b', `a number greater than a = ${a}`, opts.b);
  return [a, b];
}

function params(mu: unknown, logSigma: unknown): [Float32Array, Float32Array] {
  const m = checkArray('mu', mu, Float32Array),
    s = checkArray('logSigma', logSigma, Float32Array);
  if (s.length !== m.length)
    throw new RangeError(`Expected logSigma.length to equal mu.length (${m.length}) but received ${s.length}`);
  return [m, s];
}

/** Per channel: E[θ], E[θ²] and SNR = E[θ]/sd(θ) of the truncated log-normal noise. */
export function sbpStatistics(
  mu: Float32Array,
  logSigma: Float32Array,
  options: SbpBounds = {},
): { mean: Float64Array; second: Float64Array; snr: Float64Array } {
  const [a, b] = bounds(checkOptions('options', options));
  const ch = channels(...params(mu, logSigma), a, b);
  const mean = new Float64Array(ch.length),
    second = new Float64Array(ch.length),
    snr = new Float64Array(ch.length);
  ch.forEach(({ mu: m, sigma: s, alpha, beta, z }, c) => {
    mean[c] = (Math.exp(m + (s * s) / 2) * phiDiff(alpha - s, beta - s)) / z;
    second[c] = (Math.exp(2 * m + 2 * s * s) * phiDiff(alpha - 2 * s, beta - 2 * s)) / z;
    snr[c] = mean[c] / Math.sqrt(Math.max(second[c] - mean[c] ** 2, 0));
  });
  return { mean, second, snr };
}

/** The SNR of every channel (see sbpStatistics). */
export function sbpSNR(mu: Float32Array, logSigma: Float32Array, options: SbpBounds = {}): Float64Array {
  return sbpStatistics(mu, logSigma, options).snr;
}

/**
 * KL(q(θ) ‖ p(θ)) per channel, truncated log-normal against the truncated log-uniform prior:
 * −log σ − log Z − (α φ(α) − β φ(β))/(2Z) + log(b − a) − ½ log(2πe), with its gradients.
 */
export function sbpKL(
  mu: Float32Array,
  logSigma: Float32Array,
  options: SbpBounds = {},
): { kl: Float64Array; dMu: Float64Array; dLogSigma: Float64Array } {
  const [a, b] = bounds(checkOptions('options', options));
  const ch = channels(...params(mu, logSigma), a, b);
  const kl = new Float64Array(ch.length),
    dMu = new Float64Array(ch.length),
    dLogSigma = new Float64Array(ch.length);
  const value = (m: number, ls: number): number => {
    const s = Math.exp(ls),
      al = (a - m) / s,
      be = (b - m) / s,
      z = phiDiff(al, be);
    return (
      -ls - Math.log(z) - (al * phiPdf(al) - be * phiPdf(be)) / (2 * z) + Math.log(b - a) - 0.5 * Math.log(2 * Math.PI * Math.E)
    );
  };
  ch.forEach((c, i) => {
    const ls = Math.log(c.sigma);
    kl[i] = value(c.mu, ls);
    // central differences in float64: the closed form's derivative adds nothing the tests can see
    const h = 1e-6;
    dMu[i] = c.muClipped ? 0 : (value(c.mu + h, ls) - value(c.mu - h, ls)) / (2 * h);
    dLogSigma[i] = c.sigmaClipped ? 0 : (value(c.mu, ls + h) - value(c.mu, ls - h)) / (2 * h);
  });
  return { kl, dMu, dLogSigma };
}

interface Plan {
  x: Float32Array;
  shape: number[];
  C: number;
  perExample: boolean;
  mode: Mode;
  /** Element i's (example, channel). */
  slot: (i: number) => [number, number];
}

function plan(x: Float32Array, opts: Record<string, unknown>, mu: Float32Array): Plan {
  const { shape, layout } = checkConvShape(opts, x.length, null);
  const last = layout === 'NHWC';
  const N = shape[0],
    C = last ? shape[shape.length - 1] : shape[1];
  if (C !== mu.length) throw new RangeError(`Expected one mu per channel (${C}) but received ${mu.length}`);
  const spatial = N * C === 0 ? 0 : x.length / (N * C);
  const perExample =
    (opts.noise === undefined ? 'per-example' : checkOneOf('noise', opts.noise, ['per-example', 'per-batch'] as const)) ===
    'per-example';
  const mode = checkMode(opts.mode);
  const slot = last
    ? (i: number): [number, number] => [Math.floor(i / (spatial * C)), i % C]
    : (i: number): [number, number] => [Math.floor(i / (spatial * C)), Math.floor(i / spatial) % C];
  return { x, shape, C, perExample, mode, slot };
}

/** θ per noise slot (n·C + c, or c per batch) from uniforms u, and what backward needs. */
function sampleTheta(ch: Channel[], u: Float32Array, perExample: boolean, C: number, a: number, b: number) {
  const theta = new Float64Array(u.length),
    s = new Float64Array(u.length),
    yClip = new Uint8Array(u.length),
    tClip = new Uint8Array(u.length);
  for (let k = 0; k < u.length; k++) {
    const c = ch[perExample ? k % C : k];
    const y0 = phiCdf(c.alpha) + u[k] * c.z;
    const y = Math.min(1 - 1e-5, Math.max(1e-5, y0));
    yClip[k] = y !== y0 ? 1 : 0;
    s[k] = probit(y);
    const lt0 = c.mu + c.sigma * s[k],
      lt = Math.min(b, Math.max(a, lt0));
    tClip[k] = lt !== lt0 ? 1 : 0;
    theta[k] = Math.exp(lt);
  }
  return { theta, s, yClip, tClip };
}

function drawUniforms(p: Plan, opts: Record<string, unknown>): { u: Float32Array; commit: () => void } {
  const N = p.shape[0];
  const u = new Float32Array(p.perExample ? N * p.C : p.C);
  const draw = resolveDraw(opts);
  draw.backend.uniform(u, draw.counter);
  return { u, commit: () => draw.commit(streamWords.uniform(u.length)) };
}

/**
 * Structured Bayesian pruning noise: out = x ⊙ θ with θ = exp(clamp(μ + σ Φ⁻¹(Φ(α) + u·Z), a, b))
 * per (example, channel) ('per-example', default) or per channel ('per-batch'), u uniform from
 * the stream (one word per θ, example-major). 'eval': out = x · E[θ] · [SNR > threshold].
 * μ and log σ are clipped to [−20, 5].
 * @example sbpNoise(x, mu, logSigma, { shape: [N, C, H, W], seed: 1 })
 */
export function sbpNoise(x: Float32Array, mu: Float32Array, logSigma: Float32Array, options: SbpNoiseOptions): Float32Array {
  const opts = checkOptions('options', options);
  checkArray('x', x, Float32Array);
  const [m, ls] = params(mu, logSigma);
  const [a, b] = bounds(opts);
  const p = plan(x, opts, m);
  const out = elementwiseOut(opts, x, 'x');
  if (p.mode === 'eval') {
    const threshold = opts.threshold === undefined ? 1 : checkNumber('threshold', opts.threshold);
    const { mean, snr } = sbpStatistics(m, ls, { a, b });
    for (let i = 0; i < x.length; i++) {
      const c = p.slot(i)[1];
      out[i] = snr[c] > threshold ? x[i] * mean[c] : 0;
    }
    return out;
  }
  const { u, commit } = drawUniforms(p, opts);
  const { theta } = sampleTheta(channels(m, ls, a, b), u, p.perExample, p.C, a, b);
  for (let i = 0; i < x.length; i++) {
    const [n, c] = p.slot(i);
    out[i] = x[i] * theta[p.perExample ? n * p.C + c : c];
  }
  commit();
  return out;
}

/**
 * The gradients of `sbpNoise` (train mode) with the forward call's θ, regenerated from its
 * seed, stream and offset: dx = dy ⊙ θ, and dMu, dLogSigma through the inverse-CDF
 * reparameterisation (zero where a clamp is active).
 */
export function sbpNoiseBackward(
  dy: Float32Array,
  x: Float32Array,
  mu: Float32Array,
  logSigma: Float32Array,
  options: SbpNoiseOptions,
): { dx: Float32Array; dMu: Float64Array; dLogSigma: Float64Array } {
  const opts = checkOptions('options', options);
  checkArray('dy', dy, Float32Array);
  checkArray('x', x, Float32Array);
  if (dy.length !== x.length)
    throw new RangeError(`Expected dy.length to equal x.length (${x.length}) but received ${dy.length}`);
  requireForwardSeed('sbpNoiseBackward', opts);
  const [m, ls] = params(mu, logSigma);
  const [a, b] = bounds(opts);
  const p = plan(x, opts, m);
  const ch = channels(m, ls, a, b);
  const { u } = drawUniforms(p, opts);
  const { theta, s, yClip, tClip } = sampleTheta(ch, u, p.perExample, p.C, a, b);
  const dx = new Float32Array(x.length),
    dTheta = new Float64Array(theta.length);
  for (let i = 0; i < x.length; i++) {
    const [n, c] = p.slot(i),
      k = p.perExample ? n * p.C + c : c;
    dx[i] = dy[i] * theta[k];
    dTheta[k] += dy[i] * x[i];
  }
  const dMu = new Float64Array(p.C),
    dLogSigma = new Float64Array(p.C);
  for (let k = 0; k < theta.length; k++) {
    if (tClip[k]) continue;
    const c = p.perExample ? k % p.C : k,
      q = ch[c];
    const g = dTheta[k] * theta[k]; // d/d log θ
    const ds = yClip[k] ? 0 : 1 / phiPdf(s[k]);
    const dyda = phiPdf(q.alpha) * (1 - u[k]),
      dydb = phiPdf(q.beta) * u[k];
    const dsdmu = ds * (dyda + dydb) * (-1 / q.sigma);
    const dsdsig = ds * (dyda * (-q.alpha / q.sigma) + dydb * (-q.beta / q.sigma));
    if (!q.muClipped) dMu[c] += g * (1 + q.sigma * dsdmu);
    if (!q.sigmaClipped) dLogSigma[c] += g * (s[k] + q.sigma * dsdsig) * q.sigma;
  }
  return { dx, dMu, dLogSigma };
}

// Promise twins of the registry's forms: on Node each runs in a worker, with the bits of the sync form.
export const sbpNoiseAsync: Async<typeof sbpNoise> = (...a) => callForm('sbpNoise', sbpNoise, a);
export const sbpNoiseBackwardAsync: Async<typeof sbpNoiseBackward> = (...a) => callForm('sbpNoiseBackward', sbpNoiseBackward, a);
