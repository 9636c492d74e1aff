// The method skeleton: what every method shares — the forward mode, the `out` option of
// elementwise methods, the mode check, and the backward passes' rule that they replay the forward
// call's masks from its stream position and so need its seed.
import { checkArray, checkNoPartialOverlap, checkOneOf } from './errors';
import type { StreamOptions } from './options';

/** Forward mode: 'train' draws a mask, 'mc' too (Monte Carlo dropout at inference), 'eval' is the identity. */
export type Mode = 'train' | 'eval' | 'mc';
export const MODES: readonly Mode[] = ['train', 'eval', 'mc'];

/** Options shared by the element-wise methods: tensor and noise shapes, output, mode. */
export interface ElementwiseOptions extends StreamOptions {
  /** Shape of x; its product must equal x.length. Default [x.length]. */
  shape?: readonly number[];
  /**
   * Shape of the mask or noise, broadcast over `shape` as in TF/Keras: each dimension 1 (one
   * decision shared along it), the tensor's own size, or null (= the tensor's). A lower rank is
   * aligned to the right, as TF broadcasts it: [D] on [B, T, D] is [1, 1, D]. Default `shape`.
   * Example: [B, 1, D] on [B, T, D] keeps one mask for all time steps.
   */
  noiseShape?: readonly (number | null)[];
  /** Where to write the result: x itself (in place) or a non-overlapping array of the same length. */
  out?: Float32Array;
  /** 'train' (default) and 'mc' draw; 'eval' is deterministic (see each method). */
  mode?: Mode;
}

/** The `out` option of an elementwise method: x itself, an array of x's length that does not partly overlap it, or a new array. */
export function elementwiseOut(opts: Record<string, unknown>, x: Float32Array, xName: string): Float32Array {
  if (opts.out === undefined) return new Float32Array(x.length);
  const out = checkArray('out', opts.out, Float32Array);
  if (out.length !== x.length) throw new RangeError(`Expected out.length to be ${x.length} but received ${out.length}`);
  checkNoPartialOverlap('out', out, xName, x);
  return out;
}

/** The `mode` option: 'train' when absent. */
export const checkMode = (mode: unknown): Mode => (mode === undefined ? 'train' : checkOneOf('mode', mode, MODES));

/**
 * A backward pass regenerates the forward call's masks, so it needs that call's position: a
 * generator has moved on since, so only an explicit seed (with its stream and offset) will do.
 */
export function requireForwardSeed(form: string, opts: Record<string, unknown>): void {
  if (opts.seed === undefined) {
    throw new TypeError(`Expected the forward call's seed (and stream, offset) for ${form} but received no seed`);
  }
}
