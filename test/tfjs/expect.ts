// Comparisons for the tfjs tests: exact bits, and agreement within float32 rounding.
import { tf } from './backends';

/** The values of a tensor (a copy). */
export const values = (t: tf.Tensor): Float32Array => Float32Array.from(t.dataSync());

/** Bit-for-bit equality of two float32 arrays (distinguishes −0 from +0 and compares NaN payloads). */
export function expectSameBits(actual: Float32Array, expected: Float32Array): void {
  expect(actual.length).toBe(expected.length);
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  let first = -1;
  for (let i = 0; i < a.length && first < 0; i++) if (a[i] !== e[i]) first = i;
  expect(first < 0 ? 'same bits' : `element ${first}: ${actual[first]} vs ${expected[first]}`).toBe('same bits');
}

/** Equality up to the sign of zero (what the device path gives for dropped negative inputs). */
export function expectSameValues(actual: Float32Array, expected: Float32Array): void {
  expectSameBits(
    actual.map((v) => v + 0),
    expected.map((v) => v + 0),
  );
}

/** |a − e| ≤ tol · (1 + |e|) elementwise. */
export function expectClose(actual: Float32Array, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0,
    at = -1;
  for (let i = 0; i < actual.length; i++) {
    const err = Math.abs(actual[i] - expected[i]) / (1 + Math.abs(expected[i]));
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  expect(worst <= tol ? 'close' : `element ${at}: ${actual[at]} vs ${expected[at]} (relative error ${worst})`).toBe('close');
}
