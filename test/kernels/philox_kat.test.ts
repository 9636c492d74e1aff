// Random123 known answers through the public randomBits, on every backend:
// seed = k1·2^32 + k0, stream = c3·2^32 + c2, offset = 4·(c1·2^32 + c0).
import { randomBits } from '../../lib/index';
import { philoxKats, variants } from '../helpers';

const kats = philoxKats();
const u64 = (lo: number, hi: number): bigint => (BigInt(hi) << 32n) | BigInt(lo);

describe.each(variants())('philox4x32-10 known answers on $label', (v) => {
  test(`all ${kats.length} vectors`, () => {
    expect(kats.length).toBeGreaterThanOrEqual(50);
    for (const { ctr, key, expected } of kats) {
      const words = v.run(() =>
        randomBits(4, {
          seed: u64(key[0], key[1]),
          stream: u64(ctr[2], ctr[3]),
          offset: 4n * u64(ctr[0], ctr[1]),
          backend: v.name,
        }),
      );
      expect(Array.from(words)).toEqual(expected);
    }
  });

  test('a vector read from the middle of a longer call (word offsets inside and across blocks)', () => {
    const { ctr, key, expected } = kats[kats.length - 1];
    const offset = 4n * u64(ctr[0], ctr[1]);
    const seed = u64(key[0], key[1]),
      stream = u64(ctr[2], ctr[3]);
    for (const shift of [1n, 2n, 3n, 5n, 63n]) {
      const words = v.run(() => randomBits(Number(shift) + 4, { seed, stream, offset: offset - shift, backend: v.name }));
      expect(Array.from(words.subarray(Number(shift)))).toEqual(expected);
    }
  });
});
