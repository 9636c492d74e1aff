// Checks of layer arguments that several layers share, in tf.layers' terms.
import { checkOneOf, rangeError, typeError } from '../../core/errors';

/** Checks tf.layers' noiseShape argument. */
export function checkNoiseShapeArg(value: unknown): (number | null)[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) throw typeError('noiseShape', 'an array of dimensions (numbers or null)', value);
  return value.slice();
}

/** A window size or stride: a positive integer or [rows, cols]. */
export function checkPairArg(name: string, value: unknown, fallback: number | [number, number]): [number, number] {
  const v = value === undefined || value === null ? fallback : value;
  const pair = typeof v === 'number' ? [v, v] : v;
  if (!Array.isArray(pair) || pair.length !== 2) throw typeError(name, 'a positive integer or [rows, cols]', value);
  for (const d of pair) {
    if (typeof d !== 'number') throw typeError(name, 'a positive integer or [rows, cols]', value);
    if (!Number.isInteger(d) || d < 1) throw rangeError(name, 'positive integers', value);
  }
  return [pair[0], pair[1]];
}

/** tf.layers' dataFormat argument as dropmask's layout. */
export function layoutOf(dataFormat: unknown): 'NHWC' | 'NCHW' {
  const format =
    dataFormat === undefined || dataFormat === null
      ? 'channelsLast'
      : checkOneOf('dataFormat', dataFormat, ['channelsLast', 'channelsFirst'] as const);
  return format === 'channelsLast' ? 'NHWC' : 'NCHW';
}

/** dropmask's layout as tf.layers' dataFormat. */
export const dataFormatOf = (layout: 'NHWC' | 'NCHW'): 'channelsLast' | 'channelsFirst' =>
  layout === 'NHWC' ? 'channelsLast' : 'channelsFirst';
