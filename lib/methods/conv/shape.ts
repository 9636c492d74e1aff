// Feature-map tensors of the convolutional methods: layout, dimensions and strides.
import { checkOneOf, rangeError, typeError } from '../../core/errors';
import { checkShape } from '../../core/shape';

/**
 * Where the channel axis sits. 'NCHW' (default): [N, C, ...spatial]; 'NHWC': [N, ...spatial, C].
 * For 1-D and 3-D maps read NCW/NWC and NCDHW/NDHWC.
 */
export type ConvLayout = 'NCHW' | 'NHWC';
export const CONV_LAYOUTS: readonly ConvLayout[] = ['NCHW', 'NHWC'];

/** Options every convolutional method shares. */
export interface ConvShapeOptions {
  /** The tensor's shape in its storage order: [N, C, H, W] for 'NCHW', [N, H, W, C] for 'NHWC'. */
  shape: readonly number[];
  /** Channel axis position. Default 'NCHW'. */
  layout?: ConvLayout;
}

/** A 4-D map [N, C, H, W] stored in either layout, with the element strides of each axis. */
export interface FeatureMap {
  n: number;
  c: number;
  h: number;
  w: number;
  channelsLast: boolean;
  /** Element strides of n, c, h, w in storage. */
  sn: number;
  sc: number;
  sh: number;
  sw: number;
}

/**
 * The largest dimension, kernel, stride or block size of a feature map: the WebAssembly kernels
 * take them as i32, so every backend accepts exactly this range (a larger stride would wrap there,
 * to 0 or to another stride) and rejects the rest with the same RangeError. A non-empty map with a
 * larger dimension would hold more elements than any backend can address anyway.
 */
export const MAX_DIM = 2 ** 31 - 1;

export function checkLayout(value: unknown): ConvLayout {
  return value === undefined ? 'NCHW' : checkOneOf('layout', value, CONV_LAYOUTS);
}

/** Shape, layout and length of a tensor with channels and `spatial` spatial dims (null: any number ≥ 1). */
export function checkConvShape(
  opts: Record<string, unknown>,
  length: number,
  spatial: number | null,
): { shape: number[]; layout: ConvLayout } {
  if (opts.shape === undefined)
    throw new TypeError("Expected shape (the tensor's dimensions in layout order) but received undefined");
  const shape = checkShape('shape', opts.shape, length);
  const layout = checkLayout(opts.layout);
  const order = layout === 'NCHW' ? '[N, C, H, W]' : '[N, H, W, C]';
  if (spatial === null ? shape.length < 3 : shape.length !== spatial + 2) {
    throw rangeError(
      'shape',
      spatial === null ? `rank ≥ 3 ([N, C, ...spatial] or [N, ...spatial, C])` : `rank ${spatial + 2} (${order})`,
      opts.shape,
    );
  }
  shape.forEach((d, i) => {
    if (d > MAX_DIM) throw rangeError(`shape[${i}]`, `a dimension in [0, ${MAX_DIM}]`, d);
  });
  return { shape, layout };
}

/** A 4-D feature map from opts.shape and opts.layout, checked against `length`. */
export function checkFeatureMap(opts: Record<string, unknown>, length: number): FeatureMap {
  const { shape, layout } = checkConvShape(opts, length, 2);
  return featureMap(shape, layout === 'NHWC');
}

export function featureMap(shape: readonly number[], channelsLast: boolean): FeatureMap {
  const [n, a, b, d] = shape;
  const [c, h, w] = channelsLast ? [d, a, b] : [a, b, d];
  return channelsLast
    ? { n, c, h, w, channelsLast, sn: h * w * c, sc: 1, sh: w * c, sw: c }
    : { n, c, h, w, channelsLast, sn: c * h * w, sc: h * w, sh: w, sw: 1 };
}

/** Storage shape of a map with these dimensions in the given layout. */
export function storageShape(n: number, c: number, h: number, w: number, channelsLast: boolean): number[] {
  return channelsLast ? [n, h, w, c] : [n, c, h, w];
}

/** A pair [rows, cols] from a number or a two-element array of positive integers. */
export function checkPair(name: string, value: unknown, fallback?: readonly [number, number]): [number, number] {
  if (value === undefined && fallback) return [fallback[0], fallback[1]];
  const pair = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(pair) || pair.length !== 2) throw typeError(name, 'a positive integer or [rows, cols]', value);
  pair.forEach((v, i) => {
    if (typeof v !== 'number') throw typeError(`${name}[${i}]`, 'a positive integer', v);
    if (!Number.isInteger(v) || v < 1 || v > MAX_DIM)
      throw rangeError(typeof value === 'number' ? name : `${name}[${i}]`, `an integer in [1, ${MAX_DIM}]`, v);
  });
  return [pair[0], pair[1]];
}
