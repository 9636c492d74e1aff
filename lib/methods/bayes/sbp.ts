// Structured Bayesian Pruning (Neklyudov et al. 2017): a learned log-normal multiplicative noise θ
// per channel, truncated to [e^a, e^b]; channels whose signal-to-noise ratio stays low are pruned.
// Probabilities are computed in float64 with tail-accurate Φ (gauss.ts).
import { streamWords } from '../../backends/interface';
import { ConvLayout, checkConvShape } from '../conv/shape';
import { checkArray, checkNumber, checkOneOf, checkOptions, rangeError } from '../../core/errors';
import { phiCdf, phiDiff, phiPdf, probit } from '../../core/gauss';
import { HALF_LOG_2PI, LogMass, logMass, logPhiRest, millsTail } from '../../core/gauss_log';
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

/** The truncated normal s ∈ [α, β] of one channel, with its log mass split at its anchor. */
interface Truncated {
  mu: number;
  sigma: number;
  alpha: number;
  beta: number;
  a: number;
  b: number;
  mass: LogMass;
}

const truncated = (mu: number, sigma: number, a: number, b: number): Truncated => {
  const alpha = (a - mu) / sigma,
    beta = (b - mu) / sigma;
  return { mu, sigma, alpha, beta, a, b, mass: logMass(alpha, beta) };
};

/**
 * log E[e^(t·s)] for t = kσ, the cumulant generating function of s: t²/2 + log(Φ(β − t) −
 * Φ(α − t)) − log(Φ(β) − Φ(α)). Both logs are −w²/2 + rest (gauss_log.ts); when both sit at the
 * same end their Gaussian factors cancel exactly, t²/2 − (β − t)²/2 + β²/2 = β·t = k(b − μ), so
 * e^(μ + σ²/2) never meets Φ(β − σ) ≈ 0 (the ∞·0 of the plain formula for log σ ≳ 2.9, and its
 * 0/0 for μ ≫ b). The reference code does the same with erfcx (group-sparsity-sbp, nets/layers.py).
 */
function cgf(q: Truncated, k: number): { value: number; mass: LogMass } {
  const t = k * q.sigma;
  const m0 = q.mass,
    mt = logMass(q.alpha - t, q.beta - t);
  let quad: number;
  if (mt.anchor === m0.anchor) quad = mt.anchor === 1 ? k * (q.b - q.mu) : mt.anchor === -1 ? k * (q.a - q.mu) : (t * t) / 2;
  else {
    // −w_t²/2 with w_t = e − t, e the anchoring bound's standardised value: e·t − e²/2
    const e = mt.anchor === 1 ? q.beta : q.alpha;
    const at = mt.anchor === 0 ? (t * t) / 2 : k * ((mt.anchor === 1 ? q.b : q.a) - q.mu) - (e * e) / 2;
    quad = at + (m0.w * m0.w) / 2;
  }
  return { value: quad + mt.rest - m0.rest, mass: mt };
}

let legendre: { x: Float64Array; w: Float64Array } | null = null;

/** The 16-point Gauss–Legendre rule on [−1, 1], by Newton's method on P16 (computed once, on first use). */
function gaussLegendre(): { x: Float64Array; w: Float64Array } {
  if (legendre) return legendre;
  const n = 16,
    x = new Float64Array(n),
    w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5)),
      dp = 0;
    for (let it = 0; it < 100; it++) {
      let p0 = 1,
        p1 = 0;
      for (let j = 1; j <= n; j++) {
        const p2 = p1;
        p1 = p0;
        p0 = ((2 * j - 1) * z * p1 - (j - 1) * p2) / j;
      }
      dp = (n * (z * p0 - p1)) / (z * z - 1);
      const dz = p0 / dp;
      z -= dz;
      if (Math.abs(dz) < 1e-16) break;
    }
    x[i] = z;
    w[i] = 2 / ((1 - z * z) * dp * dp);
  }
  legendre = { x, w };
  return legendre;
}

/**
 * Var[θ]/E[θ]² by quadrature, for channels whose θ barely varies (σ·sd(s) ≪ 1), where any closed
 * form is a difference of nearly equal numbers. With s = c + y, c the mode of s (0 clamped to
 * [α, β]), θ ∝ e^(σy) and the density of y ∝ e^(−cy − y²/2): the deviations e^(σy) − E e^(σy) are
 * integrated as expm1(σy) − E expm1(σy), which keeps their relative precision, over the range
 * where the density exceeds e^−40 of its peak, in panels across which it changes by at most e^6.
 */
function relativeVariance(q: Truncated): number {
  const c = Math.min(Math.max(0, q.alpha), q.beta);
  const E = 40,
    r = Math.sqrt(c * c + 2 * E);
  // the roots of −cy − y²/2 = −E, each in the form that does not cancel
  const yLo = c >= 0 ? -c - r : (-2 * E) / (r - c),
    yHi = c <= 0 ? r - c : (2 * E) / (c + r);
  const lo = Math.max(q.alpha - c, yLo),
    hi = Math.min(q.beta - c, yHi);
  const logDensity = (y: number): number => -c * y - (y * y) / 2;
  const { x: gx, w: gw } = gaussLegendre();
  const panelsLo = lo < 0 ? Math.max(1, Math.ceil(-logDensity(lo) / 6)) : 0,
    panelsHi = hi > 0 ? Math.max(1, Math.ceil(-logDensity(hi) / 6)) : 0;
  const n = (panelsLo + panelsHi) * gx.length;
  const dev = new Float64Array(n),
    weight = new Float64Array(n);
  let k = 0,
    s0 = 0,
    s1 = 0;
  for (const [from, panels, width] of [
    [lo, panelsLo, -lo / panelsLo],
    [0, panelsHi, hi / panelsHi],
  ]) {
    for (let p = 0; p < panels; p++) {
      const mid = from + (p + 0.5) * width;
      for (let i = 0; i < gx.length; i++, k++) {
        const y = mid + (gx[i] * width) / 2;
        weight[k] = ((gw[i] * width) / 2) * Math.exp(logDensity(y));
        dev[k] = Math.expm1(q.sigma * y);
        s0 += weight[k];
        s1 += weight[k] * dev[k];
      }
    }
  }
  const mean = s1 / s0;
  let s2 = 0;
  for (let i = 0; i < n; i++) s2 += weight[i] * (dev[i] - mean) ** 2;
  return s2 / s0 / (1 + mean) ** 2;
}

/** Below this log(E[θ²]/E[θ]²), relativeVariance takes over from the closed form. */
const QUADRATURE_BELOW = 1e-3;

/**
 * Per channel: E[θ], E[θ²] and SNR = E[θ]/sd(θ) of the truncated log-normal noise, finite and
 * accurate (about 1e−12 relative against 50-digit arithmetic) over the whole parameter box
 * μ, log σ ∈ [−20, 5]: E[θ^k] = e^(kμ + K(kσ)) with K the cumulant generating function of the
 * truncated normal in log space, SNR from log(E[θ²]/E[θ]²) = K(2σ) − 2K(σ), by quadrature of the
 * centred deviations where that is below 10^−3.
 */
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
  ch.forEach(({ mu: m, sigma: s }, c) => {
    const q = truncated(m, s, a, b);
    const k1 = cgf(q, 1),
      k2 = cgf(q, 2);
    mean[c] = Math.exp(m + k1.value);
    second[c] = Math.exp(2 * m + k2.value);
    // one anchor throughout: the Gaussian factors of K(2σ) − 2K(σ) cancel exactly
    const same = k1.mass.anchor === q.mass.anchor && k2.mass.anchor === q.mass.anchor;
    const spread = same
      ? (q.mass.anchor === 0 ? s * s : 0) + k2.mass.rest - 2 * k1.mass.rest + q.mass.rest
      : k2.value - 2 * k1.value;
    const relVar = spread < QUADRATURE_BELOW ? relativeVariance(q) : Math.expm1(spread);
    snr[c] = 1 / Math.sqrt(relVar);
  });
  return { mean, second, snr };
}

/** The SNR of every channel (see sbpStatistics). */
export function sbpSNR(mu: Float32Array, logSigma: Float32Array, options: SbpBounds = {}): Float64Array {
  return sbpStatistics(mu, logSigma, options).snr;
}

/**
 * KL(q ‖ p) of one channel: −log σ − log Z − (αφ(α) − βφ(β))/(2Z) + log(b − a) − ½ log(2πe).
 * With the mass anchored at β ≤ 0 (an interval at α ≥ 0 is mirrored first: the KL is symmetric),
 * −log Z and βφ(β)/(2Z) are each ≈ β²/2 in size and cancel; written as
 * (β/2)(λ(β) + β − βρ)/(1 − ρ) with ρ = Φ(α)/Φ(β) and λ + β the Mills-ratio tail, they do not.
 */
function klValue(mu: number, logSigma: number, a: number, b: number): number {
  const s = Math.exp(logSigma);
  const al = (a - mu) / s,
    be = (b - mu) / s;
  const [u, v] = al >= 0 ? [-be, -al] : [al, be];
  const constant = Math.log(b - a) - 0.5 * Math.log(2 * Math.PI * Math.E);
  const m = logMass(u, v);
  if (m.anchor === 1) {
    const rv = logPhiRest(v);
    const d = (-(u - v) * (u + v)) / 2 + logPhiRest(u) - rv; // log ρ
    const oneMinusRho = -Math.expm1(d);
    const atV = ((v / 2) * (millsTail(v) - v * Math.exp(d))) / oneMinusRho;
    const atU = u === -Infinity ? 0 : (-u / 2) * Math.exp((-(u - v) * (u + v)) / 2 - HALF_LOG_2PI - m.rest);
    return -logSigma - m.rest + atV + atU + constant;
  }
  const logZ = m.rest;
  const ratio = (x: number): number => x * Math.exp((-x * x) / 2 - HALF_LOG_2PI - logZ);
  return -logSigma - logZ - (ratio(u) - ratio(v)) / 2 + constant;
}

/**
 * KL(q(θ) ‖ p(θ)) per channel, truncated log-normal against the truncated log-uniform prior:
 * −log σ − log Z − (α φ(α) − β φ(β))/(2Z) + log(b − a) − ½ log(2πe), with its gradients; finite
 * and accurate over the whole box μ, log σ ∈ [−20, 5] (see klValue).
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
  ch.forEach((c, i) => {
    const ls = Math.log(c.sigma);
    kl[i] = klValue(c.mu, ls, a, b);
    // central differences in float64: the closed form's derivative adds nothing the tests can see
    const h = 1e-6;
    dMu[i] = c.muClipped ? 0 : (klValue(c.mu + h, ls, a, b) - klValue(c.mu - h, ls, a, b)) / (2 * h);
    dLogSigma[i] = c.sigmaClipped ? 0 : (klValue(c.mu, ls + h, a, b) - klValue(c.mu, ls - h, a, b)) / (2 * h);
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
  x = checkArray('x', x, Float32Array);
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
  dy = checkArray('dy', dy, Float32Array);
  x = checkArray('x', x, Float32Array);
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
