// Small datasets generated from the stream, for examples, the demo and the end-to-end tests of
// MC dropout: the same seed gives the same points everywhere.
import { checkCount, checkNumber, checkOptions } from '../../core/errors';
import { Generator } from '../../core/generator';
import { normal, uniform } from '../../core/random';
import type { UInt64Like } from '../../core/stream';

/** Options of `noisySine`. */
export interface NoisySineOptions {
  seed: UInt64Like;
  /** Standard deviation of the Gaussian noise on y. Default 0.1. */
  noise?: number;
  /** x is uniform on [low, high). Default [−3, 3). */
  low?: number;
  high?: number;
}

/** n points of y = sin(x) + noise·ε: x [n, 1], y [n, 1]. */
export function noisySine(n: number, options: NoisySineOptions): { x: Float32Array; y: Float32Array } {
  const opts = checkOptions('options', options);
  const count = checkCount('n', n);
  const noise = opts.noise === undefined ? 0.1 : checkNumber('noise', opts.noise, 0);
  const low = opts.low === undefined ? -3 : checkNumber('low', opts.low);
  const high = opts.high === undefined ? 3 : checkNumber('high', opts.high, low);
  const g = new Generator(opts.seed as UInt64Like);
  const x = uniform(count, { generator: g }).map((u) => low + (high - low) * u);
  const e = normal(count, { generator: g });
  return { x, y: x.map((v, i) => Math.sin(v) + noise * e[i]) };
}

/** Options of `twoMoons`. */
export interface TwoMoonsOptions {
  seed: UInt64Like;
  /** Standard deviation of the Gaussian noise on both coordinates. Default 0.1. */
  noise?: number;
}

/**
 * n points on two interleaved half circles (scikit-learn's make_moons): x [n, 2], one-hot
 * y [n, 2] and labels [n] (even indices class 0, odd class 1).
 */
export function twoMoons(n: number, options: TwoMoonsOptions): { x: Float32Array; y: Float32Array; labels: Uint8Array } {
  const opts = checkOptions('options', options);
  const count = checkCount('n', n);
  const noise = opts.noise === undefined ? 0.1 : checkNumber('noise', opts.noise, 0);
  const g = new Generator(opts.seed as UInt64Like);
  const angle = uniform(count, { generator: g });
  const e = normal(2 * count, { generator: g });
  const x = new Float32Array(2 * count),
    y = new Float32Array(2 * count),
    labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const a = Math.PI * angle[i],
      c = i % 2;
    x[2 * i] = (c ? 1 - Math.cos(a) : Math.cos(a)) + noise * e[2 * i];
    x[2 * i + 1] = (c ? 0.5 - Math.sin(a) : Math.sin(a)) + noise * e[2 * i + 1];
    labels[i] = c;
    y[2 * i + c] = 1;
  }
  return { x, y, labels };
}
