// DropConnect (Wan et al. 2013): Bernoulli masks on the weights and biases of a dense layer,
// drawn from the stream and never stored; backward regenerates them.
//
// Mask layout in the stream, from the call's word offset o (S = batch with perExample, else 1;
// Ww = ceil(Dout·Din / 2), Wb = ceil(Dout / 2)):
//   weights of segment s: words [o + s·Ww, o + (s + 1)·Ww), element (j, i) = half j·Din + i;
//   bias of segment s:    words [o + S·Ww + s·Wb, …), element j = half j.
// Each segment starts on a word, so the masks equal bernoulliMask at those offsets.
import { dropThreshold } from '../../core/bernoulli';
import type { Backend } from '../../backends/interface';
import { checkArray, checkCount, checkOneOf, checkOptions, checkProbability, rangeError, withOptions } from '../../core/errors';
import { DenseShapeOptions, DenseShapes, denseOut, denseShapes } from './linear';
import { PackedWeights, packedForm } from './packed_weights';
import { StreamOptions, resolveDraw } from '../../core/options';
import { advanceCounter } from '../../core/stream';
import { scratch, scratchWords } from '../../core/scratch';
import { Async, callForm } from '../../async/form';
import { checkMode, Mode, requireForwardSeed } from '../../core/method';

/** How kept weights are scaled: 'none' (the paper: y = (M ⊙ W)x + m ⊙ b) or 'inverted' (÷ q). */
export type DropConnectScaling = 'none' | 'inverted';
const SCALINGS: readonly DropConnectScaling[] = ['none', 'inverted'];

/** Options of `dropConnect` and `dropConnectBackward`. */
export interface DropConnectOptions extends StreamOptions, DenseShapeOptions {
  /** Drop probability of each weight and bias. Default 0.5 (the paper's experiments). */
  p?: number;
  /** A fresh mask for every example (the paper, default) or one mask for the whole batch. */
  perExample?: boolean;
  /** 'none' (default, the paper) or 'inverted' (kept weights divided by 1 − p). */
  scaling?: DropConnectScaling;
  /** 'train' / 'mc' draw masks; 'eval' is the deterministic weight-scaled layer (q·(Wx + b) for 'none'). */
  mode?: Mode;
  /** Where to write y [batch, outFeatures]. */
  out?: Float32Array;
}

/** Options of `dropConnect` with packed weights: the shape comes with them (inFeatures and outFeatures may be left out; if given, they must match). */
export type PackedDropConnectOptions = Omit<DropConnectOptions, 'inFeatures' | 'outFeatures'> & Partial<DenseShapeOptions>;

interface Plan extends DenseShapes {
  t: number;
  q: number;
  scale: number;
  segments: number;
  mode: Mode;
  backend: Backend;
  counter: Uint32Array;
  words: number;
  weightWords: number;
  commit(words: number): void;
}

function plan(opts: Record<string, unknown>, x: unknown, W: unknown, bias: unknown, takesPacked = false): Plan {
  const shapes = denseShapes(opts, x, W, bias, takesPacked);
  const p = opts.p === undefined ? 0.5 : checkProbability('p', opts.p);
  const t = dropThreshold(p);
  const q = 1 - t / 65536;
  const scaling = opts.scaling === undefined ? 'none' : checkOneOf('scaling', opts.scaling, SCALINGS);
  const mode = checkMode(opts.mode);
  if (opts.perExample !== undefined && typeof opts.perExample !== 'boolean')
    throw new TypeError('Expected a boolean for perExample');
  const segments = opts.perExample === false ? 1 : shapes.batch;
  const scale = scaling === 'inverted' ? (t === 65536 ? 0 : Math.fround(65536 / (65536 - t))) : 1;
  const weightWords = Math.ceil((shapes.dout * shapes.din) / 2);
  const draw = resolveDraw(opts);
  return {
    ...shapes,
    t,
    q,
    scale,
    segments,
    mode,
    backend: draw.backend,
    counter: draw.counter,
    commit: draw.commit,
    weightWords,
    words: segments * (weightWords + Math.ceil(shapes.dout / 2)),
  };
}

/** Masked weights (and bias) of segment s, into wm / bm. */
function maskSegment(
  pl: Plan,
  s: number,
  W: Float32Array,
  bias: Float32Array | null,
  wm: Float32Array,
  bm: Float32Array | null,
): void {
  pl.backend.dropout(wm, W, advanceCounter(pl.counter, s * pl.weightWords), pl.t, pl.scale);
  if (bias && bm) {
    const at = pl.segments * pl.weightWords + s * Math.ceil(pl.dout / 2);
    pl.backend.dropout(bm, bias, advanceCounter(pl.counter, at), pl.t, pl.scale);
  }
}

/**
 * DropConnect forward: y_b = (M_b ⊙ W) x_b + m_b ⊙ bias with Bernoulli(1 − p) masks on every
 * weight and bias (one per example by default). x [batch, inFeatures], W [outFeatures, inFeatures].
 * Consumes S·(ceil(Dout·Din/2) + ceil(Dout/2)) words (S = batch, or 1 with perExample: false).
 */
export function dropConnect(
  x: Float32Array,
  W: Float32Array,
  bias: Float32Array | null,
  options: DropConnectOptions,
): Float32Array;
/**
 * `dropConnect` with W packed ahead by `packWeights`: the same bits as with W. The shared mask
 * (`perExample: false`) and 'eval' read the packed form (native masks copies of its panels instead
 * of packing W on every call); per-example masks read the weights' copy. The backward takes W.
 */
export function dropConnect(
  x: Float32Array,
  W: PackedWeights,
  bias: Float32Array | null,
  options?: PackedDropConnectOptions,
): Float32Array;
export function dropConnect(
  x: Float32Array,
  W: Float32Array | PackedWeights,
  bias: Float32Array | null,
  options?: DropConnectOptions | PackedDropConnectOptions,
): Float32Array;
export function dropConnect(
  x: Float32Array,
  W: Float32Array | PackedWeights,
  bias: Float32Array | null,
  options?: DropConnectOptions | PackedDropConnectOptions,
): Float32Array {
  const opts = checkOptions('options', options);
  const pl = plan(opts, x, W, bias, true);
  let weights: Float32Array;
  ({ x, W: weights, bias } = pl);
  const { batch, din, dout, backend, packed } = pl;
  const y = denseOut(opts, batch * dout, { x, W: weights, bias });
  if (pl.mode === 'eval') {
    if (packed) backend.matmulPacked(y, x, weights, bias, batch, dout, din, packedForm(packed, backend));
    else backend.matmul(y, x, weights, bias, batch, dout, din, false, true, false);
    if (pl.scale === 1) for (let i = 0; i < y.length; i++) y[i] = Math.fround(y[i] * pl.q);
    return y;
  }
  const bm = bias ? scratch('dropConnect.bias', dout) : null;
  if (pl.segments === 1) {
    // Shared mask: its keep bits (Dout·Din / 8 bytes, a reused buffer) are drawn inside the
    // product, on its threads, and applied as it packs W.
    const keep = scratchWords('dropConnect.keep', Math.ceil(weights.length / 32));
    if (bias && bm) backend.dropout(bm, bias, advanceCounter(pl.counter, pl.weightWords), pl.t, pl.scale);
    const panels = packed ? packedForm(packed, backend) : null;
    backend.dropConnectMatmul(y, x, weights, bm, batch, dout, din, keep, pl.counter, pl.t, pl.scale, panels);
  } else {
    // Per example: one kernel draws every example's weight decisions inside the product (no keep
    // bits written and read back), with W in row blocks that stay in cache for all examples.
    const biases = bias ? scratch('dropConnect.biases', batch * dout) : null;
    if (bias && biases) {
      const first = pl.segments * pl.weightWords;
      if (dout % 2 === 0) {
        // Even Dout: the bias segments lie back to back in the stream, so one call over the bias
        // tiled `batch` times draws them all (a call per example cost 3-5 % of a 64 x 1024² layer).
        for (let b = 0; b < batch; b++) biases.set(bias, b * dout);
        backend.dropout(biases, biases, advanceCounter(pl.counter, first), pl.t, pl.scale);
      } else {
        for (let b = 0; b < batch; b++) {
          const at = first + b * Math.ceil(dout / 2);
          backend.dropout(biases.subarray(b * dout, (b + 1) * dout), bias, advanceCounter(pl.counter, at), pl.t, pl.scale);
        }
      }
    }
    backend.dropConnectGemv(y, x, weights, biases, batch, dout, din, pl.counter, pl.weightWords, pl.t, pl.scale);
  }
  pl.commit(pl.words);
  return y;
}

/** Gradients of `dropConnect` with respect to x, W and bias. */
export interface DropConnectGradients {
  dx: Float32Array;
  dW: Float32Array;
  dbias: Float32Array | null;
}

/**
 * DropConnect backward (train mode) for upstream gradient dy [batch, outFeatures], regenerating
 * the forward masks from the same position: dx_b = (M_b ⊙ W)ᵀ dy_b, dW = Σ_b M_b ⊙ (dy_b x_bᵀ),
 * dbias = Σ_b m_b ⊙ dy_b (each times the scale of 'inverted'). Pass the forward call's options.
 */
export function dropConnectBackward(
  dy: Float32Array,
  x: Float32Array,
  W: Float32Array,
  bias: Float32Array | null,
  options: DropConnectOptions,
): DropConnectGradients {
  const opts = checkOptions('options', options);
  requireForwardSeed('dropConnectBackward', opts);
  const pl = plan(withOptions(opts, { out: undefined }), x, W, bias);
  ({ x, W, bias } = pl);
  const { batch, din, dout, backend } = pl;
  const dys = checkArray('dy', dy, Float32Array);
  if (dys.length !== batch * dout)
    throw new RangeError(`Expected dy to hold batch * outFeatures = ${batch * dout} values but received ${dys.length}`);
  const dx = new Float32Array(batch * din),
    dW = new Float32Array(dout * din),
    dbias = bias ? new Float32Array(dout) : null;
  if (pl.mode === 'eval') {
    const s = pl.scale === 1 ? pl.q : 1;
    backend.matmul(dx, dys, W, null, batch, din, dout, false, false, false);
    backend.matmul(dW, dys, x, null, dout, din, batch, true, false, false);
    for (let i = 0; i < dx.length; i++) dx[i] = Math.fround(dx[i] * s);
    for (let i = 0; i < dW.length; i++) dW[i] = Math.fround(dW[i] * s);
    if (dbias) for (let b = 0; b < batch; b++) for (let j = 0; j < dout; j++) dbias[j] += dys[b * dout + j] * s;
    return { dx, dW, dbias };
  }
  const wm = new Float32Array(W.length);
  const bm = bias ? new Float32Array(dout) : null;
  const ones = bias ? new Float32Array(dout).fill(1) : null;
  const outer = new Float32Array(W.length);
  const segments = pl.segments;
  for (let s = 0; s < segments; s++) {
    const rows = segments === 1 ? batch : 1;
    const dyS = dys.subarray(s * dout, (s + rows) * dout),
      xS = x.subarray(s * din, (s + rows) * din);
    maskSegment(pl, s, W, ones, wm, bm);
    backend.matmul(dx.subarray(s * din, (s + rows) * din), dyS, wm, null, rows, din, dout, false, false, false);
    backend.matmul(outer, dyS, xS, null, dout, din, rows, true, false, false);
    // mask the outer product with the same decisions: the dropout kernel at the weights' offset
    backend.dropout(outer, outer, advanceCounter(pl.counter, s * pl.weightWords), pl.t, pl.scale);
    for (let i = 0; i < dW.length; i++) dW[i] += outer[i];
    if (dbias && bm) {
      for (let r = 0; r < rows; r++) for (let j = 0; j < dout; j++) dbias[j] += bm[j] * dyS[r * dout + j];
    }
  }
  return { dx, dW, dbias };
}

/** Activations for DropConnect's Gaussian inference (applied inside the average). */
export type DenseActivation = 'identity' | 'relu' | 'tanh' | 'sigmoid';
export const ACTIVATIONS: readonly DenseActivation[] = ['identity', 'relu', 'tanh', 'sigmoid'];
const ACTIVATE: Record<DenseActivation, (u: number) => number> = {
  identity: (u) => u,
  relu: (u) => (u > 0 ? u : 0),
  tanh: Math.tanh,
  sigmoid: (u) => 1 / (1 + Math.exp(-u)),
};

/** Options of `dropConnectInference`. */
export interface DropConnectInferenceOptions extends StreamOptions, DenseShapeOptions {
  /** The drop probability the layer was trained with. Default 0.5. */
  p?: number;
  /** Activation a applied to each Gaussian sample before averaging. Default 'identity'. */
  activation?: DenseActivation;
  /** Z, Gaussian samples per output unit. Default 1000. */
  samples?: number;
  /** 'gaussian' (default, the paper's moment matching) or 'mean' (a(μ), no sampling). */
  inference?: 'gaussian' | 'mean';
  /** The scaling the layer was trained with. Default 'none'. */
  scaling?: DropConnectScaling;
  /** Where to write r [batch, outFeatures]. */
  out?: Float32Array;
}

/**
 * DropConnect inference by Gaussian moment matching (Wan et al. 2013): per example and output
 * unit, u ~ N(μ, v) with μ = q(Wx + b), v = q(1−q)((W⊙W)(x⊙x) + b⊙b) (for 'inverted': μ = Wx + b,
 * v = (1−q)/q · (…)); returns r = (1/Z) Σ_z a(u_z). Example b's ε use the words
 * [o + b·Wz, o + (b+1)·Wz), Wz = 2·ceil(Dout·Z / 2), element (j, z) = j·Z + z.
 */
export function dropConnectInference(
  x: Float32Array,
  W: Float32Array,
  bias: Float32Array | null,
  options: DropConnectInferenceOptions,
): Float32Array {
  const opts = checkOptions('options', options);
  const shapes = denseShapes(opts, x, W, bias);
  const { batch, din, dout } = shapes;
  ({ x, W, bias } = shapes);
  const p = opts.p === undefined ? 0.5 : checkProbability('p', opts.p);
  const q = 1 - dropThreshold(p) / 65536;
  const act = ACTIVATE[opts.activation === undefined ? 'identity' : checkOneOf('activation', opts.activation, ACTIVATIONS)];
  const Z = opts.samples === undefined ? 1000 : checkCount('samples', opts.samples);
  if (Z < 1) throw rangeError('samples', 'a positive integer', opts.samples);
  const mode = opts.inference === undefined ? 'gaussian' : checkOneOf('inference', opts.inference, ['gaussian', 'mean'] as const);
  const inverted = (opts.scaling === undefined ? 'none' : checkOneOf('scaling', opts.scaling, SCALINGS)) === 'inverted';
  const out = denseOut(opts, batch * dout, { x, W, bias });
  const draw = resolveDraw(opts);
  const { backend } = draw;
  const mu = new Float32Array(batch * dout);
  backend.matmul(mu, x, W, bias, batch, dout, din, false, true, false);
  const meanScale = inverted ? 1 : q;
  if (mode === 'mean') {
    for (let i = 0; i < mu.length; i++) out[i] = act(meanScale * mu[i]);
    return out;
  }
  const varScale = inverted ? (q === 0 ? 0 : (1 - q) / q) : q * (1 - q);
  const w2 = W.map((w) => w * w),
    x2 = x.map((v) => v * v);
  const b2 = bias ? bias.map((v) => v * v) : null;
  const v = new Float32Array(batch * dout);
  backend.matmul(v, x2, w2, b2, batch, dout, din, false, true, false);
  const perExample = 2 * Math.ceil((dout * Z) / 2);
  const eps = new Float32Array(dout * Z);
  for (let b = 0; b < batch; b++) {
    backend.normal(eps, advanceCounter(draw.counter, b * perExample), 0, 1);
    for (let j = 0; j < dout; j++) {
      const m = meanScale * mu[b * dout + j],
        sd = Math.sqrt(Math.max(0, varScale * v[b * dout + j]));
      let sum = 0;
      for (let z = 0; z < Z; z++) sum += act(m + sd * eps[j * Z + z]);
      out[b * dout + j] = sum / Z;
    }
  }
  draw.commit(batch * perExample);
  return out;
}

// Promise twins of the registry's forms: on Node each runs in a worker, with the bits of the sync form.
// Packed weights cannot cross to a worker (their packed forms are this thread's): their copy of W
// goes instead, with the shape checked here, for the same bits.
export const dropConnectAsync: Async<typeof dropConnect> = (...a) => {
  const [x, W, bias, options] = a;
  if (!(W instanceof PackedWeights)) return callForm('dropConnect', dropConnect, a);
  try {
    const opts = checkOptions('options', options);
    return callForm('dropConnect', dropConnect, [x, denseShapes(opts, x, W, bias, true).W, bias, opts]);
  } catch (e) {
    return Promise.reject(e as Error);
  }
};
export const dropConnectBackwardAsync: Async<typeof dropConnectBackward> = (...a) =>
  callForm('dropConnectBackward', dropConnectBackward, a);
export const dropConnectInferenceAsync: Async<typeof dropConnectInference> = (...a) =>
  callForm('dropConnectInference', dropConnectInference, a);
