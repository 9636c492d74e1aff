// Variational dropout with the local reparameterisation trick (Kingma, Salimans & Welling 2015):
// weights w ~ N(θ, α θ²), sampled through the layer output, one ε per (example, unit).
// θ uses this library's dense layout [outFeatures, inFeatures] (the paper writes θ [K, N]).
import type { Backend } from '../../backends/interface';
import { checkArray, checkOneOf, checkOptions } from '../../core/errors';
import { DenseShapeOptions, denseOut, denseShapes } from './linear';
import { StreamOptions, resolveDraw } from '../../core/options';
import { sampleGaussian } from './reparam';
import { Async, callForm } from '../../async/form';
import { checkMode, Mode, requireForwardSeed } from '../../core/method';

/** Which weights share one α: each weight, each input unit, or the whole layer. */
export type AlphaGranularity = 'weight' | 'input' | 'layer';
const GRANULARITIES: readonly AlphaGranularity[] = ['weight', 'input', 'layer'];

/** Options of `variationalDense` and `variationalDenseBackward`. */
export interface VariationalDenseOptions extends StreamOptions, DenseShapeOptions {
  /** Shape of logAlpha: [Dout, Din] ('weight', default), [Din] ('input') or [1] ('layer'). */
  granularity?: AlphaGranularity;
  /** 'train' / 'mc' sample; 'eval' returns the posterior mean Aθᵀ + b. */
  mode?: Mode;
  /** Where to write B [batch, outFeatures]. */
  out?: Float32Array;
}

/** The Molchanov/Kingma fit of −KL for the log-uniform prior: −KL ≈ k + 0.5 log α + c1 α + c2 α² + c3 α³. */
export const KL_C1 = 1.16145124;
export const KL_C2 = -1.50204118;
export const KL_C3 = 0.58629921;

function alphaIndex(granularity: AlphaGranularity, din: number): (j: number, i: number) => number {
  return granularity === 'weight' ? (j, i) => j * din + i : granularity === 'input' ? (_j, i) => i : () => 0;
}

interface Layer {
  batch: number;
  din: number;
  dout: number;
  granularity: AlphaGranularity;
  alphaTheta2: Float32Array;
  gamma: Float32Array;
  delta: Float32Array;
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
  const { batch, din, dout } = denseShapes(opts, A, theta, bias);
  const granularity = opts.granularity === undefined ? 'weight' : checkOneOf('granularity', opts.granularity, GRANULARITIES);
  checkArray('logAlpha', logAlpha, Float32Array);
  const expected = granularity === 'weight' ? dout * din : granularity === 'input' ? din : 1;
  if (logAlpha.length !== expected)
    throw new RangeError(
      `Expected logAlpha to hold ${expected} values for granularity '${granularity}' but received ${logAlpha.length}`,
    );
  const at = alphaIndex(granularity, din);
  const alphaTheta2 = new Float32Array(dout * din);
  for (let j = 0; j < dout; j++)
    for (let i = 0; i < din; i++) alphaTheta2[j * din + i] = Math.exp(logAlpha[at(j, i)]) * theta[j * din + i] ** 2;
  const gamma = new Float32Array(batch * dout),
    delta = new Float32Array(batch * dout);
  backend.matmul(gamma, A, theta, bias, batch, dout, din, false, true, false);
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
  return { batch, din, dout, granularity, alphaTheta2, gamma, delta, backend };
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
  const l = layer(opts, A, theta, logAlpha, bias, draw.backend);
  const { batch, din, dout, backend } = l;
  checkArray('dB', dB, Float32Array);
  if (dB.length !== batch * dout)
    throw new RangeError(`Expected dB to hold batch * outFeatures = ${batch * dout} values but received ${dB.length}`);
  const eps = new Float32Array(batch * dout);
  backend.normal(eps, draw.counter, 0, 1);
  const dDelta = dB.map((g, e) => (g * eps[e]) / (2 * Math.sqrt(l.delta[e] + 1e-8)));
  const dA = new Float32Array(batch * din),
    dTheta = new Float32Array(dout * din),
    tmpA = new Float32Array(batch * din),
    g2 = new Float32Array(dout * din);
  backend.matmul(dA, dB, theta, null, batch, din, dout, false, false, false);
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
      const alpha = Math.exp(logAlpha[at(j, i)]);
      dTheta[w] += 2 * alpha * theta[w] * g2[w];
      dLogAlpha[at(j, i)] += l.alphaTheta2[w] * g2[w];
    }
  let dbias: Float32Array | null = null;
  if (bias) {
    dbias = new Float32Array(dout);
    for (let e = 0; e < dB.length; e++) dbias[e % dout] += dB[e];
  }
  return { dA, dTheta, dLogAlpha, dbias };
}

/**
 * The KL regulariser of variational dropout (log-uniform prior), up to its constant:
 * Σ over weights of −(0.5 log α + c1 α + c2 α² + c3 α³), with a shared α counted once per weight
 * it covers (`weightsPerAlpha`). Returns the value and d/d(log α) per entry.
 */
export function variationalKL(logAlpha: Float32Array, weightsPerAlpha = 1): { kl: number; dLogAlpha: Float32Array } {
  checkArray('logAlpha', logAlpha, Float32Array);
  let kl = 0;
  const dLogAlpha = new Float32Array(logAlpha.length);
  for (let i = 0; i < logAlpha.length; i++) {
    const la = logAlpha[i],
      a = Math.exp(la);
    kl -= weightsPerAlpha * (0.5 * la + KL_C1 * a + KL_C2 * a * a + KL_C3 * a * a * a);
    dLogAlpha[i] = -weightsPerAlpha * (0.5 + KL_C1 * a + 2 * KL_C2 * a * a + 3 * KL_C3 * a * a * a);
  }
  return { kl, dLogAlpha };
}

/** Clamps log α to ≤ 0 in place (α ≤ 1, the range the KL fit was made on), as the paper does. */
export function clampLogAlpha(logAlpha: Float32Array): Float32Array {
  checkArray('logAlpha', logAlpha, Float32Array);
  for (let i = 0; i < logAlpha.length; i++) if (logAlpha[i] > 0) logAlpha[i] = 0;
  return logAlpha;
}

// Promise twins of the registry's forms: on Node each runs in a worker, with the bits of the sync form.
export const variationalDenseAsync: Async<typeof variationalDense> = (...a) => callForm('variationalDense', variationalDense, a);
export const variationalDenseBackwardAsync: Async<typeof variationalDenseBackward> = (...a) =>
  callForm('variationalDenseBackward', variationalDenseBackward, a);
