// Bernoulli keep masks: element j is kept iff the 16-bit half j of the call's words is at least
// t = round(p * 65536). The effective drop probability is t / 65536 and the inverted scale
// 65536 / (65536 - t), so E[mask] = 1 exactly.
import { streamWords } from '../backends/interface';
import { checkArray, checkCount, checkOneOf, checkOptions, checkProbability, typeError, viewTagOf } from './errors';
import { StreamOptions, resolveDraw } from './options';
import { target } from './random';

/** How a mask is stored: float32 (0 or the scale), uint8 (0 or 1), bits (32 elements a word, LSB first). */
export type MaskLayout = 'float32' | 'uint8' | 'bits';
export const MASK_LAYOUTS: readonly MaskLayout[] = ['float32', 'uint8', 'bits'];

/** Options of `bernoulliMask`. */
export interface BernoulliMaskOptions extends StreamOptions {
  /** Drop probability in [0, 1], quantised to a multiple of 2^-16 (see `effectiveP`). */
  p: number;
  /** Mask layout; inferred from `out` when the first argument is an array. Default 'float32'. */
  layout?: MaskLayout;
  /** With a Uint32Array to fill: the number of elements (default 32 * out.length). */
  n?: number;
}

/** The integer drop threshold t = round(p * 65536) that every backend compares against. */
export function dropThreshold(p: number): number {
  return Math.round(checkProbability('p', p) * 65536);
}

/** The drop probability a mask really uses for `p`: round(p * 65536) / 65536. */
export function effectiveP(p: number): number {
  return dropThreshold(p) / 65536;
}

/** The float32 scale of kept elements for `p`: 65536 / (65536 - t), and 0 when p rounds to 1. */
export function maskScale(p: number): number {
  const t = dropThreshold(p);
  return t === 65536 ? 0 : Math.fround(65536 / (65536 - t));
}

const LAYOUTS: Record<string, MaskLayout> = { Float32Array: 'float32', Uint8Array: 'uint8', Uint32Array: 'bits' };
const LAYOUT_OF = (out: unknown): MaskLayout | undefined => {
  const tag = viewTagOf(out);
  return tag === undefined ? undefined : LAYOUTS[tag];
};

/**
 * A Bernoulli keep mask of n elements with drop probability p, in the chosen layout.
 * Consumes ceil(n / 2) words of the stream.
 * @param nOrOut - the number of elements, or the array to fill (its type selects the layout).
 * @example bernoulliMask(8, { p: 0.5, seed: 1 }) // Float32Array of 0 and 2
 */
export function bernoulliMask(
  nOrOut: number | Float32Array,
  options: BernoulliMaskOptions & { layout?: 'float32' },
): Float32Array;
export function bernoulliMask(nOrOut: number | Uint8Array, options: BernoulliMaskOptions & { layout: 'uint8' }): Uint8Array;
export function bernoulliMask(nOrOut: number | Uint32Array, options: BernoulliMaskOptions & { layout: 'bits' }): Uint32Array;
export function bernoulliMask(
  nOrOut: number | Float32Array | Uint8Array | Uint32Array,
  options: BernoulliMaskOptions,
): Float32Array | Uint8Array | Uint32Array;
export function bernoulliMask(
  nOrOut: number | Float32Array | Uint8Array | Uint32Array,
  options: BernoulliMaskOptions,
): Float32Array | Uint8Array | Uint32Array {
  const opts = checkOptions('options', options);
  if (typeof nOrOut !== 'number' && LAYOUT_OF(nOrOut) === undefined) {
    throw typeError('nOrOut', 'a length or a Float32Array, Uint8Array or Uint32Array', nOrOut);
  }
  const inferred = typeof nOrOut === 'number' ? 'float32' : LAYOUT_OF(nOrOut)!;
  const layout = opts.layout === undefined ? inferred : checkOneOf('layout', opts.layout, MASK_LAYOUTS);
  if (typeof nOrOut !== 'number' && layout !== inferred) {
    throw typeError(
      'nOrOut',
      `a ${layout === 'float32' ? 'Float32Array' : layout === 'uint8' ? 'Uint8Array' : 'Uint32Array'} for layout '${layout}'`,
      nOrOut,
    );
  }
  const t = dropThreshold(opts.p as number);
  const scale = t === 65536 ? 0 : Math.fround(65536 / (65536 - t));
  if (layout === 'bits') {
    let out: Uint32Array, n: number;
    if (typeof nOrOut === 'number') {
      if (opts.n !== undefined) throw new TypeError('Expected n only with an out array but received a length too');
      n = checkCount('n', nOrOut);
      out = new Uint32Array(Math.ceil(n / 32));
    } else {
      out = checkArray('nOrOut', nOrOut, Uint32Array);
      n = opts.n === undefined ? 32 * out.length : checkCount('n', opts.n);
      if (Math.ceil(n / 32) !== out.length) {
        throw new RangeError(`Expected out.length to be ceil(n / 32) = ${Math.ceil(n / 32)} but received ${out.length}`);
      }
    }
    const draw = resolveDraw(opts);
    draw.backend.bernoulliBits(out, n, draw.counter, t);
    draw.commit(streamWords.bernoulli(n));
    return out;
  }
  if (opts.n !== undefined) throw new TypeError(`Expected option n only with layout 'bits'`);
  if (layout === 'uint8') {
    const out = target('nOrOut', nOrOut, Uint8Array);
    const draw = resolveDraw(opts);
    draw.backend.bernoulliU8(out, draw.counter, t);
    draw.commit(streamWords.bernoulli(out.length));
    return out;
  }
  const out = target('nOrOut', nOrOut, Float32Array);
  const draw = resolveDraw(opts);
  draw.backend.bernoulliF32(out, draw.counter, t, scale);
  draw.commit(streamWords.bernoulli(out.length));
  return out;
}
