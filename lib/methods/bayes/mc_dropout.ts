// Monte Carlo dropout (Gal & Ghahramani 2016): run a dropout network T times at inference with
// fresh masks and read uncertainty from the spread of the passes. Pass k draws from stream
// `stream + k` of the seed, so every pass is reproducible on its own.
import {
  checkArray,
  checkCount,
  checkNumber,
  checkOneOf,
  checkOptions,
  describe,
  rangeError,
  typeError,
  viewLengthOf,
  viewTagOf,
} from '../../core/errors';
import { Generator } from '../../core/generator';
import { UInt64Like, toSeed, toStream } from '../../core/stream';

/** What the forward function receives for each pass (or batch of passes). */
export interface McPass {
  /** Draw every mask of the pass from this generator (stream `stream + index` of the seed). */
  generator: Generator;
  /** Index of the (first) pass in this call. */
  index: number;
  /** How many passes this call computes (rows of x are the input tiled that many times). */
  passes: number;
  /** Always 'mc': stochastic forward at inference. */
  mode: 'mc';
}

/** A forward function: x [rows, inFeatures] → outputs [rows, outFeatures]. */
export type McForward = (x: Float32Array, pass: McPass) => Float32Array;

/** Options of `mcPredict`. */
export interface McPredictOptions {
  /** The key of every pass's stream. */
  seed: UInt64Like;
  /** Stream of pass 0; pass k uses stream + k. Default 0. */
  stream?: UInt64Like;
  /** Number of passes T. Default 50. */
  samples?: number;
  /** Rows (examples) of x. Default 1. */
  examples?: number;
  /** 'regression' (default): mean and variance; 'classification': softmax statistics (outputs are logits). */
  task?: 'regression' | 'classification';
  /** Model precision τ for the regression variance 1/τ + Var (see `mcPrecision`). Default ∞ (epistemic only). */
  tau?: number;
  /** Passes computed per forward call, the input tiled along the rows (the forward must accept any row count). Default 1. */
  passesPerCall?: number;
  /** Regression targets [examples, outFeatures]: adds the predictive log-likelihood (needs tau). */
  targets?: Float32Array;
}

/** What `mcPredict` returns; per-example arrays are [examples] or [examples, outFeatures]. */
export interface McPrediction {
  /** Every pass's outputs [T, examples, outFeatures]. */
  passes: Float32Array;
  /** Regression: mean output; classification: mean softmax probability. */
  mean: Float64Array;
  /** Regression: 1/τ + (1/T) Σ f_t² − mean²; classification: variance of the probabilities. */
  variance: Float64Array;
  /** Classification: predictive entropy H of the mean probabilities [examples]. */
  entropy?: Float64Array;
  /** Classification: mean entropy of the passes [examples]. */
  expectedEntropy?: Float64Array;
  /** Classification: mutual information (BALD) H − E, clamped at 0 [examples]. */
  mutualInformation?: Float64Array;
  /** Classification: 1 − (passes voting for the modal class)/T [examples]. */
  variationRatio?: Float64Array;
  /** Regression with targets and τ: predictive log-likelihood per example. */
  logLikelihood?: Float64Array;
}

/** Options of `mcPrecision`. */
export interface McPrecisionOptions {
  /** Drop probability p of the network's dropout (q = 1 − p). */
  p: number;
  /** Prior length-scale l. */
  lengthScale: number;
  /** Training set size N. */
  trainingSize: number;
  /** L2 weight decay λ. */
  weightDecay: number;
}

/** The model precision τ = q·l² / (2·N·λ) of MC dropout's regression variance. */
export function mcPrecision(options: McPrecisionOptions): number {
  const o = checkOptions('options', options);
  const q = 1 - checkNumber('p', o.p, 0, 1);
  const l = checkNumber('lengthScale', o.lengthScale, 0);
  const n = checkNumber('trainingSize', o.trainingSize, 1);
  const lambda = checkNumber('weightDecay', o.weightDecay, Number.MIN_VALUE);
  return (q * l * l) / (2 * n * lambda);
}

/** Softmax of one row in float64 (max-shifted). */
function softmax(logits: Float32Array, at: number, k: number, out: Float64Array): void {
  let max = -Infinity;
  for (let j = 0; j < k; j++) max = Math.max(max, logits[at + j]);
  let sum = 0;
  for (let j = 0; j < k; j++) sum += out[j] = Math.exp(logits[at + j] - max);
  for (let j = 0; j < k; j++) out[j] /= sum;
}

const plogp = (p: number): number => (p > 0 ? p * Math.log(Math.max(p, 1e-30)) : 0);

interface McPlan {
  opts: Record<string, unknown>;
  seed: bigint;
  stream: bigint;
  T: number;
  B: number;
  per: number;
  task: 'regression' | 'classification';
  tau: number;
}

function plan(forward: unknown, x: unknown, options: unknown): McPlan {
  const opts = checkOptions('options', options);
  if (typeof forward !== 'function') throw typeError('forward', 'a function (x, pass) => Float32Array', forward);
  const xs = checkArray('x', x, Float32Array);
  if (opts.seed === undefined)
    throw new TypeError('Expected a seed for mcPredict (every pass is reproducible from it) but received undefined');
  const seed = toSeed('seed', opts.seed);
  const stream = opts.stream === undefined ? 0n : toStream('stream', opts.stream);
  const T = opts.samples === undefined ? 50 : checkCount('samples', opts.samples);
  if (T === 0) throw rangeError('samples', 'a positive integer', opts.samples);
  const B = opts.examples === undefined ? 1 : checkCount('examples', opts.examples);
  if (B === 0 || xs.length % B !== 0)
    throw new RangeError(`Expected examples to divide x.length = ${xs.length} but received ${opts.examples}`);
  const task = opts.task === undefined ? 'regression' : checkOneOf('task', opts.task, ['regression', 'classification'] as const);
  const tau = opts.tau === undefined ? Infinity : checkNumber('tau', opts.tau, Number.MIN_VALUE, Infinity);
  const per = opts.passesPerCall === undefined ? 1 : Math.min(T, Math.max(1, checkCount('passesPerCall', opts.passesPerCall)));
  return { opts, seed, stream, T, B, per, task, tau };
}

/** The calls of one prediction: the input and pass description of each, in order. */
function* calls(p: McPlan, x: Float32Array): IterableIterator<{ input: Float32Array; pass: McPass }> {
  for (let first = 0; first < p.T; first += p.per) {
    const n = Math.min(p.per, p.T - first);
    let input = x;
    if (n > 1) {
      input = new Float32Array(n * x.length);
      for (let i = 0; i < n; i++) input.set(x, i * x.length);
    }
    yield {
      input,
      pass: {
        generator: new Generator(p.seed, { stream: (p.stream + BigInt(first)) % 2n ** 64n }),
        index: first,
        passes: n,
        mode: 'mc',
      },
    };
  }
}

/** Collects the outputs of every call into passes [T, B, K]. */
class Passes {
  K = 0;
  data = new Float32Array(0);
  constructor(private readonly p: McPlan) {}
  add(pass: McPass, y: unknown): void {
    const { B, T } = this.p,
      n = pass.passes;
    if (
      viewTagOf(y) !== 'Float32Array' ||
      viewLengthOf(y as Float32Array) === 0 ||
      viewLengthOf(y as Float32Array) % (n * B) !== 0
    ) {
      throw new TypeError(
        `Expected forward to return a Float32Array of rows × outFeatures for ${n * B} rows but received ${describe(y)}`,
      );
    }
    const out = checkArray('the forward result', y, Float32Array);
    if (pass.index === 0) {
      this.K = out.length / (n * B);
      this.data = new Float32Array(T * B * this.K);
    }
    if (out.length !== n * B * this.K)
      throw new RangeError(`Expected forward to return ${n * B * this.K} values for ${n} passes but received ${out.length}`);
    this.data.set(out, pass.index * B * this.K);
  }
}

/**
 * Monte Carlo dropout: calls `forward` T times in 'mc' mode with fresh, reproducible masks and
 * returns the predictive mean and variance (regression) or the mean softmax with predictive
 * entropy, expected entropy, mutual information (BALD) and variation ratio (classification).
 * @param forward - (x, pass) → outputs; draw every mask from pass.generator.
 * @example mcPredict((x, pass) => mlp.forward(x, { mode: 'mc', generator: pass.generator }), x, { seed: 1, examples: 100 })
 */
export function mcPredict(forward: McForward, x: Float32Array, options: McPredictOptions): McPrediction {
  const p = plan(forward, x, options);
  const passes = new Passes(p);
  for (const { input, pass } of calls(p, x)) passes.add(pass, forward(input, pass));
  return summarise(p, passes);
}

/**
 * `mcPredict` for a forward function that returns a Promise (for example one built on the async
 * method forms): the passes run one after another, and the event loop runs between them.
 */
export async function mcPredictAsync(
  forward: (x: Float32Array, pass: McPass) => Float32Array | Promise<Float32Array>,
  x: Float32Array,
  options: McPredictOptions,
): Promise<McPrediction> {
  const p = plan(forward, x, options);
  const passes = new Passes(p);
  for (const { input, pass } of calls(p, x)) passes.add(pass, await forward(input, pass));
  return summarise(p, passes);
}

function summarise(p: McPlan, collected: Passes): McPrediction {
  const { opts, T, B, task, tau } = p;
  const { K, data: passes } = collected;
  const BK = B * K;
  const mean = new Float64Array(BK),
    second = new Float64Array(BK);
  const result: McPrediction = { passes, mean, variance: new Float64Array(BK) };
  if (task === 'regression') {
    for (let t = 0; t < T; t++)
      for (let i = 0; i < BK; i++) {
        mean[i] += passes[t * BK + i] / T;
        second[i] += passes[t * BK + i] ** 2 / T;
      }
    for (let i = 0; i < BK; i++) result.variance[i] = 1 / tau + Math.max(0, second[i] - mean[i] ** 2);
    if (opts.targets !== undefined) {
      const y = checkArray('targets', opts.targets, Float32Array);
      if (y.length !== BK)
        throw new RangeError(`Expected targets to hold examples × outFeatures = ${BK} values but received ${y.length}`);
      if (!Number.isFinite(tau)) throw new RangeError('Expected tau with targets: the log-likelihood needs the model precision');
      const ll = new Float64Array(B),
        terms = new Float64Array(T);
      for (let b = 0; b < B; b++) {
        for (let t = 0; t < T; t++) {
          let sq = 0;
          for (let j = 0; j < K; j++) sq += (y[b * K + j] - passes[t * BK + b * K + j]) ** 2;
          terms[t] = (-tau * sq) / 2;
        }
        const m = Math.max(...terms);
        const lse = m + Math.log(terms.reduce((s, v) => s + Math.exp(v - m), 0));
        ll[b] = lse - Math.log(T) - (K / 2) * Math.log(2 * Math.PI) + (K / 2) * Math.log(tau);
      }
      result.logLikelihood = ll;
    }
    return result;
  }
  const prob = new Float64Array(K);
  const expected = new Float64Array(B),
    votes = new Int32Array(BK);
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      softmax(passes, t * BK + b * K, K, prob);
      let h = 0,
        arg = 0;
      for (let j = 0; j < K; j++) {
        mean[b * K + j] += prob[j] / T;
        second[b * K + j] += prob[j] ** 2 / T;
        h -= plogp(prob[j]);
        if (prob[j] > prob[arg]) arg = j;
      }
      expected[b] += h / T;
      votes[b * K + arg]++;
    }
  }
  const entropy = new Float64Array(B),
    mi = new Float64Array(B),
    ratio = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    let h = 0,
      modal = 0;
    for (let j = 0; j < K; j++) {
      h -= plogp(mean[b * K + j]);
      modal = Math.max(modal, votes[b * K + j]);
      result.variance[b * K + j] = Math.max(0, second[b * K + j] - mean[b * K + j] ** 2);
    }
    entropy[b] = h;
    mi[b] = Math.max(0, h - expected[b]);
    ratio[b] = 1 - modal / T;
  }
  return { ...result, entropy, expectedEntropy: expected, mutualInformation: mi, variationRatio: ratio };
}
