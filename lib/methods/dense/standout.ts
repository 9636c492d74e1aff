// Standout / adaptive dropout (Ba & Frey 2013): each hidden unit is kept with its own,
// input-dependent probability π = sigm(α·s + β), s = Wx + b; a = m ⊙ g(s), no rescaling.
// With α > 0 a unit with a large pre-activation is kept more often (it "stands out").
import type { Backend } from '../../backends/interface';
import { checkArray, checkNumber, checkOneOf, checkOptions } from '../../core/errors';
import { checkMode, Mode, requireForwardSeed } from '../../core/method';
import { DenseShapeOptions, DenseShapes, denseOut, denseShapes } from './linear';
import { StreamOptions, resolveDraw } from '../../core/options';
import { ACTIVATIONS, DenseActivation } from './dropconnect';
import { Async, callForm } from '../../async/form';

/** Options of `standout` and `standoutBackward`. */
export interface StandoutOptions extends StreamOptions, DenseShapeOptions {
  /** α: slope of the keep probability in the pre-activation. Default 1 (a neutral choice). */
  alpha?: number;
  /** β: offset of the keep probability. Default 0. */
  beta?: number;
  /** g, the layer's activation. Default 'relu'. */
  activation?: DenseActivation;
  /** 'train' / 'mc' sample m; 'eval' returns the expectation π ⊙ g(s). */
  mode?: Mode;
  /** Where to write a [batch, outFeatures]. */
  out?: Float32Array;
}

const G: Record<DenseActivation, (s: number) => number> = {
  identity: (s) => s,
  relu: (s) => (s > 0 ? s : 0),
  tanh: Math.tanh,
  sigmoid: (s) => 1 / (1 + Math.exp(-s)),
};
const DG: Record<DenseActivation, (s: number) => number> = {
  identity: () => 1,
  relu: (s) => (s > 0 ? 1 : 0),
  tanh: (s) => 1 - Math.tanh(s) ** 2,
  sigmoid: (s) => {
    const e = 1 / (1 + Math.exp(-s));
    return e * (1 - e);
  },
};

interface Pass {
  s: Float32Array;
  keepProb: Float32Array;
  keep: Uint8Array | null;
  g: DenseActivation;
  backend: Backend;
}

/**
 * Pre-activations, keep probabilities and (train) keep decisions. Element e = b·Dout + j is kept
 * iff half e of the call's words is >= round((1 − π_e)·65536): the same 16-bit decision as every
 * mask, with a per-element threshold. π comes from JavaScript's exp on every backend, so the
 * decisions are identical across backends.
 */
function run(
  opts: Record<string, unknown>,
  x: Float32Array,
  W: Float32Array,
  bias: Float32Array | null,
): Pass & DenseShapes & { mode: Mode; commit(w: number): void } {
  const shapes = denseShapes(opts, x, W, bias);
  ({ x, W, bias } = shapes);
  const alpha = opts.alpha === undefined ? 1 : checkNumber('alpha', opts.alpha);
  const beta = opts.beta === undefined ? 0 : checkNumber('beta', opts.beta);
  const g = opts.activation === undefined ? 'relu' : checkOneOf('activation', opts.activation, ACTIVATIONS);
  const mode = checkMode(opts.mode);
  const draw = resolveDraw(opts);
  const n = shapes.batch * shapes.dout;
  const s = new Float32Array(n);
  draw.backend.matmul(s, x, W, bias, shapes.batch, shapes.dout, shapes.din, false, true, false);
  const keepProb = s.map((v) => 1 / (1 + Math.exp(-(alpha * v + beta))));
  let keep: Uint8Array | null = null;
  if (mode !== 'eval') {
    const words = new Uint32Array(Math.ceil(n / 2));
    draw.backend.randomBits(words, draw.counter);
    keep = new Uint8Array(n);
    for (let e = 0; e < n; e++) {
      const h = e & 1 ? words[e >>> 1] >>> 16 : words[e >>> 1] & 0xffff;
      keep[e] = h >= Math.round((1 - keepProb[e]) * 65536) ? 1 : 0;
    }
  }
  return { ...shapes, s, keepProb, keep, g, mode, backend: draw.backend, commit: draw.commit };
}

/**
 * Standout forward: a = m ⊙ g(Wx + b) with m_e ~ Bernoulli(sigm(α s_e + β)) ('eval': π ⊙ g(s)).
 * Consumes ceil(batch·Dout / 2) words.
 */
export function standout(x: Float32Array, W: Float32Array, bias: Float32Array | null, options: StandoutOptions): Float32Array {
  const opts = checkOptions('options', options);
  const r = run(opts, x, W, bias);
  ({ x, W, bias } = r);
  const out = denseOut(opts, r.s.length, { x, W, bias });
  const g = G[r.g];
  for (let e = 0; e < out.length; e++) out[e] = r.keep ? (r.keep[e] ? g(r.s[e]) : 0) : r.keepProb[e] * g(r.s[e]);
  if (r.keep) r.commit(Math.ceil(out.length / 2));
  return out;
}

/**
 * Standout backward: the sampled m is a constant (no gradient through π), ds = dy ⊙ m ⊙ g'(s)
 * ('eval': π ⊙ g'(s)), then dx = ds·W, dW = dsᵀ·x, dbias = Σ_b ds.
 */
export function standoutBackward(
  dy: Float32Array,
  x: Float32Array,
  W: Float32Array,
  bias: Float32Array | null,
  options: StandoutOptions,
): { dx: Float32Array; dW: Float32Array; dbias: Float32Array | null } {
  const opts = checkOptions('options', options);
  if (opts.mode !== 'eval') requireForwardSeed('standoutBackward', opts);
  const r = run(opts, x, W, bias);
  ({ x, W, bias } = r);
  dy = checkArray('dy', dy, Float32Array);
  if (dy.length !== r.s.length)
    throw new RangeError(`Expected dy to hold batch * outFeatures = ${r.s.length} values but received ${dy.length}`);
  const dg = DG[r.g];
  const ds = new Float32Array(r.s.length);
  for (let e = 0; e < ds.length; e++) ds[e] = dy[e] * (r.keep ? r.keep[e] : r.keepProb[e]) * dg(r.s[e]);
  const dx = new Float32Array(r.batch * r.din),
    dW = new Float32Array(r.dout * r.din);
  r.backend.matmul(dx, ds, W, null, r.batch, r.din, r.dout, false, false, false);
  r.backend.matmul(dW, ds, x, null, r.dout, r.din, r.batch, true, false, false);
  let dbias: Float32Array | null = null;
  if (bias) {
    dbias = new Float32Array(r.dout);
    for (let b = 0; b < r.batch; b++) for (let j = 0; j < r.dout; j++) dbias[j] += ds[b * r.dout + j];
  }
  return { dx, dW, dbias };
}

// Promise twins of the registry's forms: on Node each runs in a worker, with the bits of the sync form.
export const standoutAsync: Async<typeof standout> = (...a) => callForm('standout', standout, a);
export const standoutBackwardAsync: Async<typeof standoutBackward> = (...a) => callForm('standoutBackward', standoutBackward, a);
