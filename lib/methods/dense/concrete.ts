// Concrete dropout (Gal, Hron & Kendall 2017): a relaxed Bernoulli drop indicator with a learned
// drop probability p = sigm(pLogit), differentiable in x and pLogit.
import { dropThreshold } from '../../core/bernoulli';
import type { Backend } from '../../backends/interface';
import { checkArray, checkNumber, checkOptions, rangeError, withOptions } from '../../core/errors';
import { StreamOptions, resolveDraw } from '../../core/options';
import { checkShape, product } from '../../core/shape';
import { streamWords } from '../../backends/interface';
import { Async, callForm } from '../../async/form';
import { checkMode, elementwiseOut, Mode, requireForwardSeed } from '../../core/method';
import { ConvLayout, checkLayout } from '../conv/shape';

/** Options of `concreteDropout` and `concreteDropoutBackward`. */
export interface ConcreteDropoutOptions extends StreamOptions {
  /**
   * Temperature t of the relaxation. Default 0.1 (the reference ConcreteDropout's); the reference
   * SpatialConcreteDropout (yaringal/ConcreteDropout) uses 2/3: pass `temperature: 2 / 3` with
   * `spatial: true` to reproduce it.
   */
  temperature?: number;
  /** eps inside the logarithms. Default 1e−7. */
  eps?: number;
  /** Shape of x; with `spatial` it must be [N, C, …] ([N, …, C] with layout 'NHWC'). Default [x.length]. */
  shape?: readonly number[];
  /** One relaxed indicator per (n, c) channel instead of per element. Default false. */
  spatial?: boolean;
  /**
   * With `spatial`: where the channel axis is, 'NCHW' ([N, C, …], default) or 'NHWC' ([N, …, C],
   * Keras's channels_last, the reference SpatialConcreteDropout's default).
   */
  layout?: ConvLayout;
  /** 'train' relaxed; 'mc' hard Bernoulli(1 − p) with 1/(1 − p) scaling (unless mcRelaxed); 'eval' identity. */
  mode?: Mode;
  /** In 'mc' mode, keep the relaxed sample as the reference code does. Default false. */
  mcRelaxed?: boolean;
  /** Where to write x̃ (x itself allowed). */
  out?: Float32Array;
}

const sigm = (v: number): number => 1 / (1 + Math.exp(-v));

interface Relaxed {
  z: Float32Array; // relaxed drop indicator per noise element
  noiseShape: number[];
  shape: number[];
  channelsLast: boolean;
  p: number;
  t: number;
  eps: number;
  mode: Mode;
  relaxed: boolean;
  backend: Backend;
  counter: Uint32Array;
  commit(w: number): void;
}

/**
 * z̃ = sigm((log(p + eps) − log(1 − p + eps) + log(u + eps) − log(1 − u + eps)) / t) with u the
 * stream's uniform for each noise element (element e of the uniform stream: n words).
 */
function relax(x: Float32Array, pLogit: number, opts: Record<string, unknown>): Relaxed {
  const p = sigm(checkNumber('pLogit', pLogit));
  const t = opts.temperature === undefined ? 0.1 : checkNumber('temperature', opts.temperature);
  if (t <= 0) throw rangeError('temperature', 'a positive number', t);
  const eps = opts.eps === undefined ? 1e-7 : checkNumber('eps', opts.eps, 0);
  const shape = checkShape('shape', opts.shape, x.length);
  if (opts.spatial !== undefined && typeof opts.spatial !== 'boolean') throw new TypeError('Expected a boolean for spatial');
  if (opts.spatial && shape.length < 2) throw rangeError('shape', 'at least two dimensions [N, C, …] with spatial', opts.shape);
  const last = checkLayout(opts.layout) === 'NHWC';
  const noiseShape = !opts.spatial
    ? shape
    : last
      ? shape.map((d, i) => (i === 0 || i === shape.length - 1 ? d : 1))
      : shape.map((d, i) => (i < 2 ? d : 1));
  const mode = checkMode(opts.mode);
  const relaxed = mode === 'train' || (mode === 'mc' && opts.mcRelaxed === true);
  const draw = resolveDraw(opts);
  const n = product(noiseShape);
  const z = new Float32Array(n);
  if (relaxed) {
    draw.backend.uniform(z, draw.counter);
    const logit = Math.log(p + eps) - Math.log(1 - p + eps);
    for (let e = 0; e < n; e++) z[e] = sigm((logit + Math.log(z[e] + eps) - Math.log(1 - z[e] + eps)) / t);
  }
  return {
    z,
    noiseShape,
    shape,
    channelsLast: last && opts.spatial === true,
    p,
    t,
    eps,
    mode,
    relaxed,
    backend: draw.backend,
    counter: draw.counter,
    commit: draw.commit,
  };
}

function perElement(r: Relaxed, n: number): (i: number) => number {
  if (product(r.noiseShape) === n) return (i) => i;
  const C = r.noiseShape[r.noiseShape.length - 1];
  if (r.channelsLast) {
    // [N, …, C]: noise n·C + c with c the fastest axis
    const perExample = n / r.shape[0];
    return (i) => Math.floor(i / perExample) * C + (i % C);
  }
  const inner = product(r.shape.slice(2));
  return (i) => Math.floor(i / inner);
}

/**
 * Concrete dropout: x̃ = x ⊙ (1 − z̃) / (1 − p), p = sigm(pLogit). 'train' consumes n words
 * (n = elements, or N·C with spatial); hard 'mc' draws a Bernoulli mask (ceil(n / 2) words).
 */
export function concreteDropout(x: Float32Array, pLogit: number, options: ConcreteDropoutOptions = {}): Float32Array {
  const opts = checkOptions('options', options);
  x = checkArray('x', x, Float32Array);
  const r = relax(x, pLogit, opts);
  const out = elementwiseOut(opts, x, 'x');
  if (r.mode === 'eval') {
    if (out !== x) out.set(x);
    return out;
  }
  const at = perElement(r, x.length);
  if (!r.relaxed) {
    const t = dropThreshold(r.p);
    const keep = new Uint8Array(r.z.length);
    r.backend.bernoulliU8(keep, r.counter, t);
    const scale = t === 65536 ? 0 : 65536 / (65536 - t);
    for (let i = 0; i < x.length; i++) out[i] = keep[at(i)] ? x[i] * scale : 0;
    r.commit(streamWords.bernoulli(keep.length));
    return out;
  }
  for (let i = 0; i < x.length; i++) out[i] = (x[i] * (1 - r.z[at(i)])) / (1 - r.p);
  r.commit(streamWords.uniform(r.z.length));
  return out;
}

/**
 * Backward of the relaxed (train) Concrete dropout with u regenerated: dx = dy ⊙ (1 − z̃)/(1 − p)
 * and dpLogit = Σ dy ⊙ ∂x̃/∂p · p(1 − p), with ∂z̃/∂p = z̃(1 − z̃)/t · (1/(p + eps) + 1/(1 − p + eps)).
 */
export function concreteDropoutBackward(
  dy: Float32Array,
  x: Float32Array,
  pLogit: number,
  options: ConcreteDropoutOptions,
): { dx: Float32Array; dpLogit: number } {
  const opts = checkOptions('options', options);
  requireForwardSeed('concreteDropoutBackward', opts);
  dy = checkArray('dy', dy, Float32Array);
  x = checkArray('x', x, Float32Array);
  if (dy.length !== x.length) throw new RangeError(`Expected dy.length to be ${x.length} but received ${dy.length}`);
  const r = relax(x, pLogit, withOptions(opts, { mode: 'train' }));
  const at = perElement(r, x.length);
  const { p, t, eps } = r;
  const dx = new Float32Array(x.length);
  let dp = 0;
  const dLogitDp = 1 / (p + eps) + 1 / (1 - p + eps);
  for (let i = 0; i < x.length; i++) {
    const z = r.z[at(i)];
    dx[i] = (dy[i] * (1 - z)) / (1 - p);
    const dz = ((z * (1 - z)) / t) * dLogitDp;
    dp += dy[i] * x[i] * (-dz / (1 - p) + (1 - z) / ((1 - p) * (1 - p)));
  }
  return { dx, dpLogit: dp * p * (1 - p) };
}

/** Options of `concreteRegularizer`. */
export interface ConcreteRegularizerOptions {
  /** wr = l² / (τN): weight regulariser coefficient. */
  weightRegularizer: number;
  /** dr = 2 / (τN): dropout regulariser coefficient (drop the 2 for cross-entropy losses). */
  dropoutRegularizer: number;
  /** K, dropped units per example: the input feature count (channels with spatial). */
  inputDim: number;
}

/**
 * The Concrete dropout regulariser R = wr · ΣW² / (1 − p) + dr · K · (p log p + (1 − p) log(1 − p))
 * with p = sigm(pLogit), and its gradients in W and pLogit.
 */
export function concreteRegularizer(
  W: Float32Array,
  pLogit: number,
  options: ConcreteRegularizerOptions,
): { value: number; dW: Float32Array; dpLogit: number } {
  const opts = checkOptions('options', options);
  W = checkArray('W', W, Float32Array);
  const wr = checkNumber('weightRegularizer', opts.weightRegularizer, 0);
  const dr = checkNumber('dropoutRegularizer', opts.dropoutRegularizer, 0);
  const K = checkNumber('inputDim', opts.inputDim, 0);
  const p = sigm(checkNumber('pLogit', pLogit));
  let sumSq = 0;
  for (const w of W) sumSq += w * w;
  const entropyTerm = p * Math.log(p) + (1 - p) * Math.log(1 - p);
  const value = (wr * sumSq) / (1 - p) + dr * K * entropyTerm;
  const dW = W.map((w) => (2 * wr * w) / (1 - p));
  const dValueDp = (wr * sumSq) / ((1 - p) * (1 - p)) + dr * K * (Math.log(p) - Math.log(1 - p));
  return { value, dW, dpLogit: dValueDp * p * (1 - p) };
}

// Promise twins of the registry's forms: on Node each runs in a worker, with the bits of the sync form.
export const concreteDropoutAsync: Async<typeof concreteDropout> = (...a) => callForm('concreteDropout', concreteDropout, a);
export const concreteDropoutBackwardAsync: Async<typeof concreteDropoutBackward> = (...a) =>
  callForm('concreteDropoutBackward', concreteDropoutBackward, a);
