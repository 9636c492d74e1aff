// Variational dropout with the local reparameterisation trick (Kingma, Salimans & Welling 2015):
// weights w ~ N(θ, α θ²), sampled through the layer output, one ε per (example, unit).
// θ uses this library's dense layout [outFeatures, inFeatures] (the paper writes θ [K, N]).
// Sparse variational dropout (Molchanov, Ashukha & Vetrov 2017) is the same layer with their KL
// fit, their log α clip and their evaluation rule, as options.
import type { Backend } from '../../backends/interface';
import { checkArray, checkNumber, checkOneOf, checkOptions, rangeError, typeError, withOptions } from '../../core/errors';
import { DenseShapeOptions, denseOut, denseShapes } from './linear';
import { StreamOptions, resolveDraw } from '../../core/options';
import { sampleGaussian } from './reparam';
import { Async, callForm } from '../../async/form';
import { checkMode, Mode, requireForwardSeed } from '../../core/method';

/** Which weights share one α: each weight, each input unit, or the whole layer. */
export type AlphaGranularity = 'weight' | 'input' | 'layer';
const GRANULARITIES: readonly AlphaGranularity[] = ['weight', 'input', 'layer'];
const APPROXIMATIONS = ['kingma', 'molchanov'] as const;

/** Options of `variationalDense` and `variationalDenseBackward`. */
export interface VariationalDenseOptions extends StreamOptions, DenseShapeOptions {
  /** Shape of logAlpha: [Dout, Din] ('weight', default), [Din] ('input') or [1] ('layer'). */
  granularity?: AlphaGranularity;
  /** 'train' / 'mc' sample; 'eval' returns the posterior mean Aθᵀ + b (without the pruned weights, see pruneThreshold). */
  mode?: Mode;
  /**
   * Clip log α to [−c, c] before use, with a zero gradient where the clip is active. Molchanov et
   * al.'s code clips to ±8. Default: no clip.
   */
  logAlphaClip?: number;
  /**
   * Molchanov et al.'s evaluation rule: in 'eval' mode, weights whose (clipped) log α is ≥ this
   * are set to zero (their code: 3). Default: none, every weight is kept.
   */
  pruneThreshold?: number;
  /** With pruneThreshold: drop those weights from the training mean Aθᵀ too (their `train_clip`). Default false. */
  pruneInTraining?: boolean;
  /** Added to δ under the square root of the sampled deviation √(δ + ε) (Molchanov et al.'s code: 1e−8). Default 0. */
  varianceEpsilon?: number;
  /** Where to write B [batch, outFeatures]. */
  out?: Float32Array;
}

/** Options of `variationalKL`. */
export interface VariationalKLOptions {
  /**
   * 'kingma' (default): Kingma et al. 2015's cubic fit −(0.5 log α + c1 α + c2 α² + c3 α³), made
   * on α ≤ 1 and up to its constant (so clamp log α ≤ 0). 'molchanov': Molchanov et al. 2017's fit
   * for every α, −(k1 σ(k2 + k3 log α) − 0.5 log(1 + 1/α) − k1), which tends to 0 as α → ∞.
   */
  approximation?: 'kingma' | 'molchanov';
  /** Weights each α stands for (shared α: 'input' or 'layer' granularity). Default 1. */
  weightsPerAlpha?: number;
  /** Clip log α to [−c, c] first, zero gradient where active (Molchanov et al.'s code: 8). Default: no clip. */
  logAlphaClip?: number;
}

/** The Molchanov/Kingma fit of −KL for the log-uniform prior: −KL ≈ k + 0.5 log α + c1 α + c2 α² + c3 α³. */
export const KL_C1 = 1.16145124;
export const KL_C2 = -1.50204118;
export const KL_C3 = 0.58629921;
/** Molchanov, Ashukha & Vetrov 2017's fit: −KL ≈ k1 σ(k2 + k3 log α) − 0.5 log(1 + 1/α) − k1. */
export const KL_K1 = 0.63576;
export const KL_K2 = 1.8732;
export const KL_K3 = 1.48695;

/** Where log α is clipped (Molchanov et al.'s `clip`: ≤ −c → −c, ≥ c → c), and whether it was. */
const clipped = (la: number, c: number): [number, boolean] => (la <= -c ? [-c, true] : la >= c ? [c, true] : [la, false]);

function checkClip(value: unknown): number {
  if (value === undefined) return Infinity;
  if (typeof value !== 'number') throw typeError('logAlphaClip', 'a positive number', value);
  if (!(value > 0)) throw rangeError('logAlphaClip', 'a positive number', value);
  return value;
}

/** log(1 + e^x) without overflow. */
const softplus = (x: number): number => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

function alphaIndex(granularity: AlphaGranularity, din: number): (j: number, i: number) => number {
  return granularity === 'weight' ? (j, i) => j * din + i : granularity === 'input' ? (_j, i) => i : () => 0;
}

interface Layer {
  /** The arrays as checked (see checkArray). */
  A: Float32Array;
  theta: Float32Array;
  bias: Float32Array | null;
  logAlphaIn: Float32Array;
  batch: number;
  din: number;
  dout: number;
  granularity: AlphaGranularity;
  /** The (clipped) log α of each α entry, and whether its clip is active. */
  logAlpha: Float64Array;
  clip: Uint8Array;
  /** 1 for each weight the mean keeps (all, unless pruned). */
  kept: Uint8Array | null;
  alphaTheta2: Float32Array;
  gamma: Float32Array;
  delta: Float32Array;
  epsilon: number;
  backend: Backend;
}

function layer(
  opts: Record<string, unknown>,
  A: Float32Array,
  theta: Float32Array,
  logAlpha: Float32Array,
  bias: Float32Array | null,
  backend: Backend,
): Layer {
  const shapes = denseShapes(opts, A, theta, bias);
  const { batch, din, dout } = shapes;
  ({ x: A, W: theta, bias } = shapes);
  const granularity = opts.granularity === undefined ? 'weight' : checkOneOf('granularity', opts.granularity, GRANULARITIES);
  logAlpha = checkArray('logAlpha', logAlpha, Float32Array);
  const expected = granularity === 'weight' ? dout * din : granularity === 'input' ? din : 1;
  if (logAlpha.length !== expected)
    throw new RangeError(
      `Expected logAlpha to hold ${expected} values for granularity '${granularity}' but received ${logAlpha.length}`,
    );
  const c = checkClip(opts.logAlphaClip);
  const threshold = opts.pruneThreshold === undefined ? Infinity : checkNumber('pruneThreshold', opts.pruneThreshold);
  if (opts.pruneInTraining !== undefined && typeof opts.pruneInTraining !== 'boolean')
    throw typeError('pruneInTraining', 'a boolean', opts.pruneInTraining);
  const epsilon = opts.varianceEpsilon === undefined ? 0 : checkNumber('varianceEpsilon', opts.varianceEpsilon, 0);
  const mode = opts.mode === undefined ? 'train' : (opts.mode as Mode);
  const la = new Float64Array(logAlpha.length),
    clip = new Uint8Array(logAlpha.length);
  for (let k = 0; k < la.length; k++) {
    const [v, active] = clipped(logAlpha[k], c);
    la[k] = v;
    clip[k] = active ? 1 : 0;
  }
  const at = alphaIndex(granularity, din);
  const alphaTheta2 = new Float32Array(dout * din);
  for (let j = 0; j < dout; j++)
    for (let i = 0; i < din; i++) alphaTheta2[j * din + i] = Math.exp(la[at(j, i)]) * theta[j * din + i] ** 2;
  // Molchanov et al.'s rule: a weight with log α ≥ threshold is noise, zero in the mean at
  // evaluation (and in training too with pruneInTraining); its variance term stays in training
  const prune = threshold !== Infinity && (mode === 'eval' || opts.pruneInTraining === true);
  let kept: Uint8Array | null = null,
    mean = theta;
  if (prune) {
    kept = new Uint8Array(dout * din);
    mean = new Float32Array(dout * din);
    for (let j = 0; j < dout; j++)
      for (let i = 0; i < din; i++) {
        const w = j * din + i;
        kept[w] = la[at(j, i)] >= threshold ? 0 : 1;
        mean[w] = kept[w] ? theta[w] : 0;
      }
  }
  const gamma = new Float32Array(batch * dout),
    delta = new Float32Array(batch * dout);
  backend.matmul(gamma, A, mean, bias, batch, dout, din, false, true, false);
  backend.matmul(
    delta,
    A.map((a) => a * a),
    alphaTheta2,
    null,
    batch,
    dout,
    din,
    false,
    true,
    false,
  );
  if (epsilon > 0) for (let e = 0; e < delta.length; e++) delta[e] += epsilon;
  return {
    A,
    theta,
    bias,
    logAlphaIn: logAlpha,
    batch,
    din,
    dout,
    granularity,
    logAlpha: la,
    clip,
    kept,
    alphaTheta2,
    gamma,
    delta,
    epsilon,
    backend,
  };
}

/**
 * Variational dense layer (LRT): γ = Aθᵀ + b, δ = (A⊙A)(α⊙θ⊙θ)ᵀ, B = γ + sqrt(δ)⊙E with
 * E ~ N(0, 1) one per (example, unit), element b·Dout + j of the normal stream.
 */
export function variationalDense(
  A: Float32Array,
  theta: Float32Array,
  logAlpha: Float32Array,
  bias: Float32Array | null,
  options: VariationalDenseOptions,
): Float32Array {
  const opts = checkOptions('options', options);
  const mode = checkMode(opts.mode);
  const draw = resolveDraw(opts);
  const l = layer(opts, A, theta, logAlpha, bias, draw.backend);
  ({ A, theta, bias, logAlphaIn: logAlpha } = l);
  const out = denseOut(opts, l.gamma.length, { A, theta, bias });
  if (mode === 'eval') {
    out.set(l.gamma);
    return out;
  }
  return sampleGaussian(draw, l.gamma, l.delta, out);
}

/**
 * Backward of `variationalDense` (train), E regenerated: dγ = dB, dδ = dB⊙E / (2·sqrt(δ + 1e−8)),
 * chained to A, θ, log α (summed over each α group) and bias.
 */
export function variationalDenseBackward(
  dB: Float32Array,
  A: Float32Array,
  theta: Float32Array,
  logAlpha: Float32Array,
  bias: Float32Array | null,
  options: VariationalDenseOptions,
): { dA: Float32Array; dTheta: Float32Array; dLogAlpha: Float32Array; dbias: Float32Array | null } {
  const opts = checkOptions('options', options);
  requireForwardSeed('variationalDenseBackward', opts);
  const draw = resolveDraw(opts);
  const l = layer(withOptions(opts, { mode: 'train' }), A, theta, logAlpha, bias, draw.backend);
  ({ A, theta, bias, logAlphaIn: logAlpha } = l);
  const { batch, din, dout, backend } = l;
  dB = checkArray('dB', dB, Float32Array);
  if (dB.length !== batch * dout)
    throw new RangeError(`Expected dB to hold batch * outFeatures = ${batch * dout} values but received ${dB.length}`);
  const eps = new Float32Array(batch * dout);
  backend.normal(eps, draw.counter, 0, 1);
  // δ already holds varianceEpsilon; without one, 1e−8 guards the division at δ = 0
  const guard = l.epsilon > 0 ? 0 : 1e-8;
  const dDelta = dB.map((g, e) => (g * eps[e]) / (2 * Math.sqrt(l.delta[e] + guard)));
  const dA = new Float32Array(batch * din),
    dTheta = new Float32Array(dout * din),
    tmpA = new Float32Array(batch * din),
    g2 = new Float32Array(dout * din);
  const meanTheta = l.kept ? theta.map((t, w) => (l.kept![w] ? t : 0)) : theta;
  backend.matmul(dA, dB, meanTheta, null, batch, din, dout, false, false, false);
  backend.matmul(tmpA, dDelta, l.alphaTheta2, null, batch, din, dout, false, false, false);
  for (let i = 0; i < dA.length; i++) dA[i] += 2 * A[i] * tmpA[i];
  backend.matmul(dTheta, dB, A, null, dout, din, batch, true, false, false);
  backend.matmul(
    g2,
    dDelta,
    A.map((a) => a * a),
    null,
    dout,
    din,
    batch,
    true,
    false,
    false,
  ); // dL/d(αθ²)
  const dLogAlpha = new Float32Array(logAlpha.length);
  const at = alphaIndex(l.granularity, din);
  for (let j = 0; j < dout; j++)
    for (let i = 0; i < din; i++) {
      const w = j * din + i;
      const alpha = Math.exp(l.logAlpha[at(j, i)]);
      if (l.kept && !l.kept[w]) dTheta[w] = 0;
      dTheta[w] += 2 * alpha * theta[w] * g2[w];
      if (!l.clip[at(j, i)]) dLogAlpha[at(j, i)] += l.alphaTheta2[w] * g2[w];
    }
  let dbias: Float32Array | null = null;
  if (bias) {
    dbias = new Float32Array(dout);
    for (let e = 0; e < dB.length; e++) dbias[e % dout] += dB[e];
  }
  return { dA, dTheta, dLogAlpha, dbias };
}

/**
 * The KL regulariser of variational dropout (log-uniform prior): Σ over α entries, each counted
 * once per weight it covers, of Kingma et al.'s fit −(0.5 log α + c1 α + c2 α² + c3 α³) (default,
 * up to its constant) or Molchanov et al.'s −(k1 σ(k2 + k3 log α) − 0.5 log(1 + 1/α) − k1)
 * (`approximation: 'molchanov'`, accurate for every α: 0.00933 at log α = 4, where the cubic gives
 * −91010.9). Returns the value and d/d(log α) per entry.
 * @param weightsPerAlphaOrOptions - weights per α (a number, as before) or the options.
 */
export function variationalKL(
  logAlpha: Float32Array,
  weightsPerAlphaOrOptions: number | VariationalKLOptions = 1,
): { kl: number; dLogAlpha: Float32Array } {
  const opts =
    typeof weightsPerAlphaOrOptions === 'number'
      ? { weightsPerAlpha: weightsPerAlphaOrOptions }
      : checkOptions('options', weightsPerAlphaOrOptions);
  logAlpha = checkArray('logAlpha', logAlpha, Float32Array);
  const n = opts.weightsPerAlpha === undefined ? 1 : checkNumber('weightsPerAlpha', opts.weightsPerAlpha, 0);
  const molchanov =
    (opts.approximation === undefined ? 'kingma' : checkOneOf('approximation', opts.approximation, APPROXIMATIONS)) ===
    'molchanov';
  const c = checkClip(opts.logAlphaClip);
  let kl = 0;
  const dLogAlpha = new Float32Array(logAlpha.length);
  for (let i = 0; i < logAlpha.length; i++) {
    const [la, active] = clipped(logAlpha[i], c);
    let value: number, slope: number;
    if (molchanov) {
      const s = 1 / (1 + Math.exp(-(KL_K2 + KL_K3 * la)));
      // −KL = k1 σ(k2 + k3 log α) − 0.5 log1p(e^(−log α)) − k1
      value = KL_K1 * s - 0.5 * softplus(-la) - KL_K1;
      slope = KL_K1 * KL_K3 * s * (1 - s) + 0.5 / (1 + Math.exp(la));
    } else {
      const a = Math.exp(la);
      value = 0.5 * la + KL_C1 * a + KL_C2 * a * a + KL_C3 * a * a * a;
      slope = 0.5 + KL_C1 * a + 2 * KL_C2 * a * a + 3 * KL_C3 * a * a * a;
    }
    kl -= n * value;
    dLogAlpha[i] = active ? 0 : -n * slope;
  }
  return { kl, dLogAlpha };
}

/** Clamps log α to ≤ 0 in place (α ≤ 1, the range the KL fit was made on), as the paper does. */
export function clampLogAlpha(logAlpha: Float32Array): Float32Array {
  logAlpha = checkArray('logAlpha', logAlpha, Float32Array);
  for (let i = 0; i < logAlpha.length; i++) if (logAlpha[i] > 0) logAlpha[i] = 0;
  return logAlpha;
}

// Promise twins of the registry's forms: on Node each runs in a worker, with the bits of the sync form.
export const variationalDenseAsync: Async<typeof variationalDense> = (...a) => callForm('variationalDense', variationalDense, a);
export const variationalDenseBackwardAsync: Async<typeof variationalDenseBackward> = (...a) =>
  callForm('variationalDenseBackward', variationalDenseBackward, a);
