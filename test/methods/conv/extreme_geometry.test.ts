// Extreme pooling geometry: every backend gives the same result or the same RangeError. The
// WebAssembly kernels take geometry as i32, so a stride of 2^32 used to divide by zero there and
// 2^32 + 1 to pool with stride 1; the methods now accept the same range on every backend.
import { cutout, maxDrop, maxPoolDropout, maxPoolDropoutBackward, normal } from '../../../lib/index';
import { availableBackends } from '../../../lib/backends/select';
import { backend as loadBackend } from '../../helpers';

const HUGE = [2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 32 + 1, 2 ** 53, 2 ** 53 + 2, 1e300];
const backends = availableBackends();

type Outcome = { bits: number[] } | { error: string };

function outcome(fn: () => ArrayLike<number> | { image: Float32Array }): Outcome {
  try {
    const r = fn();
    const a = 'image' in r ? r.image : r;
    return { bits: Array.from(new Uint32Array(new Float32Array(Array.from(a)).buffer)) };
  } catch (e) {
    // a RangeError naming the argument, the same text everywhere; anything else is a failure
    if (!(e instanceof RangeError)) throw e;
    return { error: e.message };
  }
}

/** The outcome on every backend, which must agree with js's. */
function agree(call: (backend: string) => ArrayLike<number> | { image: Float32Array }): Outcome {
  const all = backends.map((b) => outcome(() => call(b)));
  for (let i = 1; i < all.length; i++) expect([backends[i], all[i]]).toEqual([backends[i], all[0]]);
  return all[0];
}

describe('pooling geometry beyond i32 on every backend', () => {
  const x = normal(2 * 3 * 5 * 7, { seed: 1 });
  const pairs: [number, number][] = [];
  for (const s of HUGE) pairs.push([s, 1], [1, s], [s, s]);

  test.each(['NCHW', 'NHWC'] as const)('maxPoolDropout and its backward, layout %s: strides, kernels and pads', (layout) => {
    const shape = layout === 'NCHW' ? [2, 3, 5, 7] : [2, 5, 7, 3];
    let errors = 0,
      results = 0;
    for (const stride of [...pairs, [1, 1], [4, 6], [5, 7]] as [number, number][]) {
      for (const kernel of [
        [1, 1],
        [2, 3],
        [5, 7],
        [6, 7],
        [5, 8],
        [2 ** 31, 1],
        [2 ** 32 + 1, 1],
      ] as [number, number][]) {
        for (const mode of ['train', 'eval'] as const) {
          const o = { shape, layout, kernel, stride, mode, p: 0.4, seed: 3 };
          const r = agree((backend) => maxPoolDropout(x, { ...o, backend } as never));
          if ('error' in r) {
            errors++;
            expect(r.error).toMatch(/stride|kernel/);
            continue;
          }
          results++;
          const dy = new Float32Array(r.bits.length).fill(1);
          agree((backend) => maxPoolDropoutBackward(dy, x, { ...o, backend } as never));
        }
      }
    }
    // a stride of 2^31 − 1 works (one window per axis), 2^31 and above are refused alike
    expect(results).toBeGreaterThan(0);
    expect(errors).toBeGreaterThan(0);
    const one = agree((backend) =>
      maxPoolDropout(x, { shape, layout, kernel: [2, 3], stride: [2 ** 31 - 1, 2 ** 31 - 1], seed: 3, backend } as never),
    );
    expect('bits' in one && one.bits.length).toBe(2 * 3);
    const refused = agree((backend) => maxPoolDropout(x, { shape, layout, stride: [2 ** 32, 1], seed: 3, backend } as never));
    expect('error' in refused && refused.error).toMatch(/stride\[0\]/);
  });

  test('maxDrop kernels and cutout sizes past 2^31 agree too', () => {
    for (const k of [...HUGE, 1, 3]) {
      agree((backend) => maxDrop(x, { shape: [2, 3, 5, 7], kernel: [k, 1], p: 0.01, seed: 4, backend } as never));
      agree((backend) => cutout(x, { shape: [2, 3, 5, 7], size: [k, 2], seed: 5, backend } as never));
    }
  });

  test('the wasm kernel refuses geometry it cannot take as i32 instead of wrapping it', () => {
    if (!backends.includes('wasm')) return;
    const wasm = loadBackend('wasm');
    const g = { n: 1, c: 1, h: 5, w: 7, kh: 2, kw: 2, sh: 2 ** 32, sw: 1, channelsLast: false };
    expect(() => wasm.maxPool(new Float32Array(6), x.subarray(0, 35), null, g, 1, null)).toThrow(RangeError);
    expect(() => wasm.maxPool(new Float32Array(6), x.subarray(0, 35), null, g, 1, null)).toThrow(/sh/);
    expect(() =>
      wasm.weightedPool(new Float32Array(6), x.subarray(0, 35), { ...g, sh: 2 ** 32 + 1 }, new Float32Array(4)),
    ).toThrow(RangeError);
  });
});
