// Stochastic dropout (Park & Kwak 2016): the drop rate itself is drawn once per forward pass,
// r ~ N(μ, σ) or U(a, b), then ordinary element-wise dropout with rate r runs.
import { streamWords } from '../../backends/interface';
import { dropThreshold } from '../../core/bernoulli';
import { checkArray, checkNumber, checkOneOf, checkOptions, checkProbability, typeError } from '../../core/errors';
import { Draw, resolveDraw } from '../../core/options';
import { applyBroadcastMask, checkNoiseShape, checkShape, product } from '../../core/shape';
import { advanceCounter } from '../../core/stream';
import { Async, callForm } from '../../async/form';
import { checkMode, ElementwiseOptions, elementwiseOut, requireForwardSeed } from '../../core/method';

/** The distribution of the per-pass drop rate. The article's "μ = 0.02, σ² = 0.05" is { normal, mean 0.02, std 0.05 } (the authors' code passes a std). */
export type RateDistribution =
  { distribution: 'normal'; mean: number; std: number } | { distribution: 'uniform'; low: number; high: number };

/** Options of `stochasticDropout`, `stochasticDropoutBackward` and `stochasticDropoutRate`. */
export interface StochasticDropoutOptions extends ElementwiseOptions {
  /** How r is drawn. Default { distribution: 'uniform', low: 0, high: 0.5 } (the reference code's default). */
  rate?: RateDistribution;
  /** Probability that the layer runs at all this pass; otherwise y = x. Default 1. */
  layerProb?: number;
  /** Upper clamp of r (the reference code's 0.7). Default 0.7. */
  maxRate?: number;
  /** Cap of the scale 1/(1 − r), only to reproduce the reference code (which uses 1.5). Default: no cap. */
  maxScale?: number;
}

/** Words at the start of each pass: r (two, for a Box–Muller pair), the layer decision, one spare. */
const HEADER_WORDS = 4;

/** What a pass drew: the rate (quantised to 2^-16 like every mask) and whether the layer ran. */
export interface StochasticDropoutDraw {
  /** The drop rate this pass used: effectiveP of the clamped draw, 0 when the layer was skipped. */
  rate: number;
  /** False when the layer was skipped (layerProb). */
  applied: boolean;
}

function checkRate(value: unknown): RateDistribution {
  if (value === undefined) return { distribution: 'uniform', low: 0, high: 0.5 };
  const r = checkOptions('rate', value);
  const kind = checkOneOf('rate.distribution', r.distribution, ['normal', 'uniform'] as const);
  if (kind === 'normal')
    return { distribution: 'normal', mean: checkNumber('rate.mean', r.mean), std: checkNumber('rate.std', r.std, 0) };
  const low = checkProbability('rate.low', r.low),
    high = checkProbability('rate.high', r.high);
  if (high < low) throw new RangeError(`Expected rate.high >= rate.low but received low ${low}, high ${high}`);
  return { distribution: 'uniform', low, high };
}

function drawRate(opts: Record<string, unknown>, draw: Draw): StochasticDropoutDraw & { threshold: number } {
  const dist = checkRate(opts.rate);
  const layerProb = opts.layerProb === undefined ? 1 : checkProbability('layerProb', opts.layerProb);
  const maxRate = opts.maxRate === undefined ? 0.7 : checkProbability('maxRate', opts.maxRate);
  const header = new Float32Array(4);
  draw.backend.normal(header.subarray(0, 2), draw.counter, 0, 1); // words 0, 1: z
  draw.backend.uniform(header.subarray(2, 4), advanceCounter(draw.counter, 2)); // word 2: layer decision
  let r: number;
  if (dist.distribution === 'normal') {
    r = dist.mean + dist.std * header[0];
    if (r < 0) r = dist.mean === 0 ? -r : 0; // the reference code's rule
  } else {
    const u = new Float32Array(1);
    draw.backend.uniform(u, draw.counter); // word 0 again: r = a + (b − a)·u
    r = dist.low + (dist.high - dist.low) * u[0];
  }
  const applied = header[2] < layerProb;
  const threshold = applied ? dropThreshold(Math.min(r, maxRate)) : 0;
  return { rate: threshold / 65536, applied, threshold };
}

/**
 * The rate a stochastic-dropout pass at this stream position uses, without running it (for
 * logging, or to check the distribution). Same options as `stochasticDropout`.
 */
export function stochasticDropoutRate(options: StochasticDropoutOptions): StochasticDropoutDraw {
  const opts = checkOptions('options', options);
  const { rate, applied } = drawRate(opts, resolveDraw(opts));
  return { rate, applied };
}

function apply(x: Float32Array, xName: string, opts: Record<string, unknown>): Float32Array {
  const shape = checkShape('shape', opts.shape, x.length);
  const noiseShape = checkNoiseShape(opts.noiseShape, shape);
  const mode = checkMode(opts.mode);
  const maxScale = opts.maxScale === undefined ? Infinity : checkNumber('maxScale', opts.maxScale, 1);
  const out = elementwiseOut(opts, x, xName);
  const draw = resolveDraw(opts);
  const { threshold: t } = drawRate(opts, draw);
  if (mode === 'eval') {
    if (out !== x) out.set(x);
    return out;
  }
  const scale = t === 65536 ? 0 : Math.fround(Math.min(65536 / (65536 - t), maxScale));
  const maskSize = product(noiseShape);
  const counter = advanceCounter(draw.counter, HEADER_WORDS);
  if (maskSize === x.length) {
    draw.backend.dropout(out, x, counter, t, scale);
  } else {
    const keep = new Uint8Array(maskSize);
    draw.backend.bernoulliU8(keep, counter, t);
    applyBroadcastMask(out, x, shape, noiseShape, keep, scale);
  }
  draw.commit(HEADER_WORDS + streamWords.bernoulli(maskSize));
  return out;
}

/**
 * Stochastic dropout: per pass, r is drawn from `rate` (normal: r = μ + σz from words 0–1, and
 * r < 0 becomes |r| when μ = 0, else 0; uniform: r = a + (b − a)·u from word 0), clamped to
 * maxRate; then y = x ⊙ m / (1 − r) with m ~ Bernoulli(1 − r) from word 4 on. Word 2 decides
 * whether the layer runs (u < layerProb). Consumes 4 + ceil(mask size / 2) words.
 * @example stochasticDropout(x, { rate: { distribution: 'normal', mean: 0.02, std: 0.05 }, seed: 1 })
 */
export function stochasticDropout(x: Float32Array, options: StochasticDropoutOptions = {}): Float32Array {
  const opts = checkOptions('options', options);
  if (opts.rate !== undefined && (opts.rate === null || typeof opts.rate !== 'object'))
    throw typeError('rate', 'a rate distribution object', opts.rate);
  return apply(checkArray('x', x, Float32Array), 'x', opts);
}

/** The gradient of `stochasticDropout`: the same r and mask, regenerated from the forward call's seed, stream and offset. */
export function stochasticDropoutBackward(dy: Float32Array, options: StochasticDropoutOptions): Float32Array {
  const opts = checkOptions('options', options);
  dy = checkArray('dy', dy, Float32Array);
  requireForwardSeed('stochasticDropoutBackward', opts);
  return apply(dy, 'dy', opts);
}

// Promise twins of the registry's forms: on Node each runs in a worker, with the bits of the sync form.
export const stochasticDropoutAsync: Async<typeof stochasticDropout> = (...a) =>
  callForm('stochasticDropout', stochasticDropout, a);
export const stochasticDropoutBackwardAsync: Async<typeof stochasticDropoutBackward> = (...a) =>
  callForm('stochasticDropoutBackward', stochasticDropoutBackward, a);
