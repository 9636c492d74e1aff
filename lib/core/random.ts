// The raw stream and its plain distributions: randomBits, uniform, normal.
import { streamWords } from '../backends/interface';
import { checkArray, checkCount, checkOptions, checkFloat32 } from './errors';
import { StreamOptions, resolveDraw } from './options';

/** Options of `normal`. */
export interface NormalOptions extends StreamOptions {
  /** Mean of the distribution, rounded to float32. Default 0. */
  mean?: number;
  /** Standard deviation, rounded to float32; >= 0. Default 1. */
  std?: number;
}

export function target<T extends ArrayBufferView>(name: string, nOrOut: unknown, ctor: { new (n: number): T; name: string }): T {
  if (typeof nOrOut === 'number') return new ctor(checkCount(name, nOrOut));
  return checkArray(name, nOrOut, ctor);
}

/**
 * The raw Philox4x32-10 words of the stream: word w of stream s under seed k is word w % 4 of
 * block floor(w / 4), counter (block lo, block hi, s lo, s hi), key (k lo, k hi).
 * @param nOrOut - how many words, or the Uint32Array to fill.
 * @example randomBits(4, { seed: 0 }) // Random123's philox4x32-10 known answer for counter 0, key 0
 */
export function randomBits(nOrOut: number | Uint32Array, options?: StreamOptions): Uint32Array {
  const opts = checkOptions('options', options);
  const out = target('nOrOut', nOrOut, Uint32Array);
  const draw = resolveDraw(opts);
  draw.backend.randomBits(out, draw.counter);
  draw.commit(streamWords.randomBits(out.length));
  return out;
}

/**
 * Uniform float32 in [0, 1): element j = (word j >>> 8) * 2^-24 (24 random bits).
 * @param nOrOut - how many values, or the Float32Array to fill.
 */
export function uniform(nOrOut: number | Float32Array, options?: StreamOptions): Float32Array {
  const opts = checkOptions('options', options);
  const out = target('nOrOut', nOrOut, Float32Array);
  const draw = resolveDraw(opts);
  draw.backend.uniform(out, draw.counter);
  draw.commit(streamWords.uniform(out.length));
  return out;
}

/**
 * Gaussian samples by Box–Muller on word pairs, with float32 polynomials that give the same
 * bits on every backend. Consumes 2 * ceil(n / 2) words.
 * @param nOrOut - how many values, or the Float32Array to fill.
 */
export function normal(nOrOut: number | Float32Array, options?: NormalOptions): Float32Array {
  const opts = checkOptions('options', options);
  const mean = opts.mean === undefined ? 0 : checkFloat32('mean', opts.mean);
  const std = opts.std === undefined ? 1 : checkFloat32('std', opts.std, 0);
  const out = target('nOrOut', nOrOut, Float32Array);
  const draw = resolveDraw(opts);
  draw.backend.normal(out, draw.counter, Math.fround(mean), Math.fround(std));
  draw.commit(streamWords.normal(out.length));
  return out;
}
