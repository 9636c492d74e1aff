// Every kernel on every compiled backend (and every native instruction set) gives the same bits
// as the js reference: sizes around every SIMD width and chunk, odd and huge offsets, views at
// odd offsets, out aliasing the input, and calls split in two.
import { bernoulliMask, dropout, gaussianNoise, normal, randomBits, uniform } from '../../lib/index';
import type { BackendName } from '../../lib/index';
import { compiled, expectSameBits } from '../helpers';

const SIZES = [
  0, 1, 2, 3, 7, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 129, 255, 257, 1023, 1024, 1025, 2047, 2048, 2049, 4099, 32767, 32768,
  32769, 65537,
];
const LARGE = 2 ** 20 + 3;
const OFFSETS: bigint[] = [0n, 1n, 2n, 3n, 5n, 4097n, (1n << 64n) - 3n, (1n << 64n) + 1n, (1n << 66n) - 7n];
const SEED = 0x0123456789abcdefn;

type Kernel = (n: number, backend: BackendName, offset: bigint) => ArrayBufferView;

function input(n: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = ((i * 2654435761) % 1000) / 97 - 5;
  if (n > 3) {
    x[1] = -0;
    x[2] = Infinity;
    x[3] = NaN;
  }
  return x;
}

const KERNELS: Record<string, Kernel> = {
  randomBits: (n, backend, offset) => randomBits(n, { seed: SEED, stream: 7n, offset, backend }),
  uniform: (n, backend, offset) => uniform(n, { seed: SEED, stream: 7n, offset, backend }),
  normal: (n, backend, offset) => normal(n, { seed: SEED, offset, mean: 0.5, std: 2, backend }),
  'bernoulli float32': (n, backend, offset) => bernoulliMask(n, { p: 0.3, seed: SEED, offset, backend }),
  'bernoulli uint8': (n, backend, offset) => bernoulliMask(n, { p: 0.7, layout: 'uint8', seed: SEED, offset, backend }),
  'bernoulli bits': (n, backend, offset) => bernoulliMask(n, { p: 0.5, layout: 'bits', seed: SEED, offset, backend }),
  dropout: (n, backend, offset) => dropout(input(n), { p: 0.25, seed: SEED, offset, backend }),
  gaussianNoise: (n, backend, offset) => gaussianNoise(input(n), { std: 0.5, seed: SEED, offset, backend }),
};

// The js reference is slow: compute each expected array once for all variants.
const memo = new Map<string, ArrayBufferView>();
function reference(name: string, n: number, offset: bigint): ArrayBufferView {
  const key = `${name}/${n}/${offset}`;
  if (!memo.has(key)) memo.set(key, KERNELS[name](n, 'js', offset));
  return memo.get(key)!;
}

describe.each(compiled())('$label equals js', (v) => {
  describe.each(Object.keys(KERNELS))('%s', (name) => {
    const kernel = KERNELS[name];
    test('every size at offset 0 and 3', () => {
      for (const n of SIZES) {
        for (const offset of [0n, 3n]) {
          expectSameBits(
            v.run(() => kernel(n, v.name, offset)),
            reference(name, n, offset),
          );
        }
      }
    });
    test('odd and huge offsets, including the wrap at the end of the counter space', () => {
      for (const offset of OFFSETS) {
        expectSameBits(
          v.run(() => kernel(67, v.name, offset)),
          reference(name, 67, offset),
        );
      }
    });
    test(`large (2^20 + 3 elements)`, () => {
      expectSameBits(
        v.run(() => kernel(LARGE, v.name, 11n)),
        reference(name, LARGE, 11n),
      );
    });
  });

  test('every p threshold edge: 0, 2^-16, 0.5, 1 - 2^-16, 1', () => {
    for (const p of [0, 2 ** -16, 2 ** -17, 0.5, 1 - 2 ** -16, 1]) {
      for (const layout of ['float32', 'uint8', 'bits'] as const) {
        const a = v.run(() => bernoulliMask(999, { p, layout, seed: 5, backend: v.name }));
        expectSameBits(a, bernoulliMask(999, { p, layout, seed: 5, backend: 'js' }));
      }
      const x = input(999);
      expectSameBits(
        v.run(() => dropout(x, { p, seed: 5, backend: v.name })),
        dropout(x, { p, seed: 5, backend: 'js' }),
      );
    }
  });

  test('views at odd element offsets, out in place, out in another view', () => {
    const n = 1000;
    const base = input(n + 5);
    const x = base.subarray(3, 3 + n);
    const expected = dropout(x.slice(), { p: 0.4, seed: 9, backend: 'js' });
    const inPlace = x.slice();
    v.run(() => dropout(inPlace, { p: 0.4, seed: 9, out: inPlace, backend: v.name }));
    expectSameBits(inPlace, expected);
    const outBase = new Float32Array(n + 7).fill(123);
    const out = outBase.subarray(5, 5 + n);
    v.run(() => dropout(x, { p: 0.4, seed: 9, out, backend: v.name }));
    expectSameBits(out, expected);
    expect(Array.from(outBase.subarray(0, 5))).toEqual([123, 123, 123, 123, 123]);
    expect(Array.from(outBase.subarray(5 + n))).toEqual([123, 123]);
    const u8 = new Uint8Array(n + 3).fill(9);
    v.run(() => bernoulliMask(u8.subarray(1, 1 + n), { p: 0.4, seed: 9, backend: v.name }));
    expectSameBits(u8.subarray(1, 1 + n), bernoulliMask(n, { p: 0.4, layout: 'uint8', seed: 9, backend: 'js' }));
    expect([u8[0], u8[n + 1], u8[n + 2]]).toEqual([9, 9, 9]);
    const g = x.slice();
    v.run(() => gaussianNoise(g, { std: 1, seed: 4, out: g, backend: v.name }));
    expectSameBits(g, gaussianNoise(x, { std: 1, seed: 4, backend: 'js' }));
  });

  test('splitting a call in two at an even boundary changes nothing', () => {
    const n = 5001;
    for (const n1 of [0, 2, 64, 1000, 2048, 4000]) {
      const whole = v.run(() => normal(n, { seed: 77, offset: 9n, backend: v.name }));
      const a = v.run(() => normal(n1, { seed: 77, offset: 9n, backend: v.name }));
      const b = v.run(() => normal(n - n1, { seed: 77, offset: 9n + BigInt(n1), backend: v.name }));
      expectSameBits(whole, Float32Array.from([...a, ...b]));
      const mask = v.run(() => bernoulliMask(n, { p: 0.5, layout: 'uint8', seed: 77, backend: v.name }));
      const m1 = v.run(() => bernoulliMask(n1, { p: 0.5, layout: 'uint8', seed: 77, backend: v.name }));
      const m2 = v.run(() =>
        bernoulliMask(n - n1, { p: 0.5, layout: 'uint8', seed: 77, offset: BigInt(n1 / 2), backend: v.name }),
      );
      expectSameBits(mask, Uint8Array.from([...m1, ...m2]));
    }
  });
});
