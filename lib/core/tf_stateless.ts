// TensorFlow's stateless random numbers on dropmask's stream. TF's CPU kernels derive a Philox key
// and counter from the seed pair (tensorflow/core/kernels/stateless_random_ops.cc, GenerateKey):
// one Philox4x32-10 block of the counter (s0 lo, s0 hi, s1 lo, s1 hi) under the fixed key
// (0x3ec8f720, 0x02461e29) gives mix; the key becomes (mix0, mix1) and the counter
// (0, 0, mix2, mix3), and element i is word i mod 4 of block ⌊i/4⌋. That is exactly dropmask's
// stream with seed = mix1·2^32 + mix0, stream = mix3·2^32 + mix2, offset 0, so the raw words come
// from every backend's randomBits kernel, bit for bit.
import type { BackendName } from '../backends/interface';
import { getBackend } from '../backends/select';
import { checkFloat32, checkOptions, rangeError, typeError } from './errors';
import { philoxBlock } from './philox';
import { target } from './random';

/** The seed of a TF stateless op: TF's shape-[2] int32 or int64 seed tensor. */
export type TfSeed = readonly [number | bigint, number | bigint];

/** Options every TensorFlow-compatible function takes. */
export interface TfStatelessOptions {
  /**
   * TF's seed pair [s0, s1], as passed to `tf.random.stateless_uniform(shape, seed)`: integers in
   * [−2^63, 2^63) (numbers must be safe integers; larger seeds as bigints). Negative values mean
   * what they mean in TF, the two's complement of the int64.
   */
  seed: TfSeed;
  /** Runs the raw words on this backend, whatever `setBackend` chose. */
  backend?: BackendName;
  /** Threads the native backend may use for this call (1–256); never changes the result. */
  threads?: number;
}

/** Options of `tfStatelessUniform`. */
export interface TfStatelessUniformOptions extends TfStatelessOptions {
  /** Lower bound, rounded to float32 (TF's `minval`). Default 0. */
  minval?: number;
  /** Upper bound (exclusive), rounded to float32 (TF's `maxval`). Default 1. */
  maxval?: number;
}

/** The key TF's GenerateKey scrambles the seed pair with. */
const KEY0 = 0x3ec8f720,
  KEY1 = 0x02461e29;
const INT64_MIN = -(1n << 63n),
  INT64_END = 1n << 63n;

/** [lo, hi] of the uint64 TF reads from seed element `name` (int64 two's complement). */
function seedWords(name: string, value: unknown): [number, number] {
  let v: bigint;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw rangeError(name, 'a safe integer, or a bigint in [-2^63, 2^63)', value);
    v = BigInt(value);
  } else if (typeof value === 'bigint') {
    if (value < INT64_MIN || value >= INT64_END) throw rangeError(name, 'a bigint in [-2^63, 2^63)', value);
    v = value;
  } else {
    throw typeError(name, 'an integer (number or bigint)', value);
  }
  const u = BigInt.asUintN(64, v);
  return [Number(u & 0xffffffffn), Number(u >> 32n)];
}

/** Checks TF's seed pair and returns the raw words of its 64-bit halves [s0 lo, s0 hi, s1 lo, s1 hi]. */
function checkTfSeed(value: unknown): [number, number, number, number] {
  if (!Array.isArray(value) || value.length !== 2) throw typeError('seed', 'a pair [s0, s1] of integers', value);
  return [...seedWords('seed[0]', value[0]), ...seedWords('seed[1]', value[1])];
}

/**
 * The kernel counter ([seed lo, seed hi, stream lo, stream hi, block lo, block hi, phase]) of
 * TF's stream for a checked seed pair.
 */
export function tfCounter(seed: unknown): Uint32Array {
  const [a, b, c, d] = checkTfSeed(seed);
  const mix = new Uint32Array(4);
  philoxBlock(KEY0, KEY1, a, b, c, d, mix, 0);
  return Uint32Array.of(mix[0], mix[1], mix[2], mix[3], 0, 0, 0);
}

/**
 * The dropmask stream position of TF's stateless stream for `seed`: pass it to `randomBits`,
 * `uniform` or any other random function to draw from the words TF's CPU kernels use
 * (`randomBits(n, tfStatelessPosition(seed))` are the raw words of `stateless_uniform`).
 * @example tfStatelessPosition([1, 0]) // { seed: 0x45b1837289544a39n, stream: 0xa278da504014df35n, offset: 0 }
 */
export function tfStatelessPosition(seed: TfSeed): { seed: bigint; stream: bigint; offset: number } {
  const c = tfCounter(seed);
  return {
    seed: (BigInt(c[1]) << 32n) | BigInt(c[0]),
    stream: (BigInt(c[3]) << 32n) | BigInt(c[2]),
    offset: 0,
  };
}

/**
 * TF's float32 uniforms of words w: the 23 low bits as the mantissa of a float in [1, 2), minus 1
 * (tensorflow/core/lib/random/random_distributions.h, Uint32ToFloat) — exactly (w & 0x7fffff)·2^-23.
 */
export function tfUniformsFromWords(words: Uint32Array, out: Float32Array): Float32Array {
  for (let i = 0; i < out.length; i++) out[i] = (words[i] & 0x7fffff) * 2 ** -23;
  return out;
}

/** n of TF's float32 uniforms in [0, 1) for `seed`, drawn on the call's backend. */
export function tfUniforms(out: Float32Array, opts: Record<string, unknown>): Float32Array {
  const counter = tfCounter(opts.seed);
  const backend = getBackend(opts.backend, opts.threads);
  const words = new Uint32Array(out.length);
  backend.randomBits(words, counter);
  return tfUniformsFromWords(words, out);
}

/**
 * Equal bit for bit to `tf.random.stateless_uniform([n], seed, minval, maxval, alg='philox')`
 * (float32, TF's CPU kernels; 'auto_select' is Philox there too): u = (w & 0x7fffff)·2^-23 from
 * TF's words, then minval + u·(maxval − minval) rounded to float32 at every step as TF's ops do.
 * @param nOrOut - how many values, or the Float32Array to fill (the values of a tensor of any
 *   shape, in row-major order).
 * @example tfStatelessUniform(4, { seed: [1, 0] }) // [0.8784882, 0.4599802, 0.6002913, 0.3925977]
 */
export function tfStatelessUniform(nOrOut: number | Float32Array, options: TfStatelessUniformOptions): Float32Array {
  const opts = checkOptions('options', options);
  const out = target('nOrOut', nOrOut, Float32Array);
  if (opts.seed === undefined) throw new TypeError('Expected a seed pair [s0, s1] for seed but received undefined');
  const lo = Math.fround(opts.minval === undefined ? 0 : checkFloat32('minval', opts.minval));
  const hi = Math.fround(opts.maxval === undefined ? 1 : checkFloat32('maxval', opts.maxval));
  tfUniforms(out, opts);
  if (lo !== 0 || hi !== 1) {
    // TF: math_ops.add(rnd * (maxval - minval), minval), each op rounding to float32
    const range = Math.fround(hi - lo);
    for (let i = 0; i < out.length; i++) out[i] = Math.fround(Math.fround(out[i] * range) + lo);
  }
  return out;
}
