// Standard dropout and gaussianNoise on every backend: test-time and inverted scaling, noise
// shapes (one mask broadcast over the axes of size 1), the modes, p = 0 and p = 1, and the
// elementwise backwards (dropout's, and Gaussian and Alpha dropout's) against finite differences.
import {
  alphaDropout,
  alphaDropoutBackward,
  bernoulliMask,
  dropout,
  dropoutBackward,
  effectiveP,
  gaussianDropout,
  gaussianDropoutBackward,
  gaussianNoise,
  maskScale,
  normal,
} from '../../../lib/index';
import { binomialZ, expectSameBits, finiteDifference, variants } from '../../helpers';

describe.each(variants())('dropout on $label', (v) => {
  const backend = v.name;

  test("scaling 'test-time': kept values equal x, eval gives q·x", () => {
    const x = normal(50000, { seed: 1 });
    const y = v.run(() => dropout(x, { p: 0.3, scaling: 'test-time', seed: 2, backend }));
    let kept = 0,
      wrong = 0;
    for (let i = 0; i < x.length; i++) {
      if (y[i] !== 0) kept++;
      if (y[i] !== 0 && y[i] !== x[i]) wrong++;
    }
    expect(wrong).toBe(0);
    expect(Math.abs(binomialZ(kept, x.length, 1 - effectiveP(0.3)))).toBeLessThan(5);
    const e = v.run(() => dropout(x, { p: 0.3, scaling: 'test-time', mode: 'eval', backend }));
    expect(e[5]).toBe(Math.fround(x[5] * Math.fround(1 - effectiveP(0.3))));
  });

  test('noiseShape [B, 1, D] on [B, T, D]: one zero pattern for every time step, from the mask stream', () => {
    const [B, T, D] = [3, 5, 40];
    const x = new Float32Array(B * T * D).fill(1);
    const y = v.run(() => dropout(x, { p: 0.5, shape: [B, T, D], noiseShape: [B, 1, D], seed: 8, backend }));
    const mask = bernoulliMask(B * D, { p: 0.5, layout: 'uint8', seed: 8, backend: 'js' });
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++)
        for (let d = 0; d < D; d++) {
          expect(y[(b * T + t) * D + d]).toBe(mask[b * D + d] ? 2 : 0);
        }
    const z = v.run(() => dropout(x, { p: 0.5, shape: [B, T, D], noiseShape: [null, 1, 1], seed: 8, backend }));
    for (let b = 0; b < B; b++) {
      const row = z.subarray(b * T * D, (b + 1) * T * D);
      expect(row.every((e) => e === row[0])).toBe(true);
    }
  });

  test('a noiseShape of lower rank is aligned to the right, as TF broadcasts it', () => {
    // tensorflow/python/ops/nn_ops.py (_dropout): the uniforms of noise_shape meet x in
    // array_ops.where_v2, NumPy broadcasting, so [D] on [B, T, D] is [1, 1, D]
    const [B, T, D] = [2, 3, 8];
    const x = normal(B * T * D, { seed: 4 });
    for (const [low, full] of [
      [[D], [1, 1, D]],
      [
        [T, 1],
        [1, T, 1],
      ],
      [
        [null, D],
        [1, T, D],
      ],
    ] as (number | null)[][][]) {
      const a = v.run(() => dropout(x, { p: 0.4, shape: [B, T, D], noiseShape: low, seed: 5, backend }));
      expectSameBits(a, dropout(x, { p: 0.4, shape: [B, T, D], noiseShape: full, seed: 5, backend: 'js' }));
      const dx = v.run(() => dropoutBackward(x, { p: 0.4, shape: [B, T, D], noiseShape: low, seed: 5, backend }));
      expectSameBits(dx, a);
    }
    expect(() => dropout(x, { p: 0.4, shape: [B, T, D], noiseShape: [2, D], seed: 5, backend })).toThrow(/noiseShape\[0\]/);
    expect(() => dropout(x, { p: 0.4, shape: [B * T, D], noiseShape: [1, 1, D], seed: 5, backend })).toThrow(/at most rank 2/);
  });

  test('noiseShape equal to the shape is the fused kernel; backward matches', () => {
    const x = normal(600, { seed: 1 });
    const a = v.run(() => dropout(x, { p: 0.2, shape: [20, 30], noiseShape: [20, 30], seed: 3, backend }));
    expectSameBits(a, dropout(x, { p: 0.2, seed: 3, backend: 'js' }));
    const dy = normal(600, { seed: 2 });
    const dx = v.run(() => dropoutBackward(dy, { p: 0.2, shape: [20, 30], seed: 3, backend }));
    const s = maskScale(0.2);
    for (let i = 0; i < 600; i++) expect(dx[i]).toBe(a[i] === 0 && x[i] !== 0 ? 0 : Math.fround(dy[i] * s));
  });

  test("p = 0 keeps everything, p = 1 gives zeros without NaN, 'eval' is the identity", () => {
    const x = normal(257, { seed: 4 });
    expectSameBits(
      v.run(() => dropout(x, { p: 0, seed: 1, backend })),
      x,
    );
    const zeros = v.run(() => dropout(x, { p: 1, seed: 1, backend }));
    expect(zeros.every((e) => Object.is(e, 0))).toBe(true);
    expectSameBits(
      v.run(() => dropout(x, { p: 0.5, mode: 'eval', seed: 1, backend })),
      x,
    );
    const same = x.slice();
    expect(v.run(() => dropout(same, { p: 0.5, mode: 'eval', out: same, seed: 1, backend }))).toBe(same);
    expectSameBits(
      v.run(() => gaussianNoise(x, { std: 1, mode: 'eval', seed: 1, backend })),
      x,
    );
    expectSameBits(
      v.run(() => dropout(x, { p: 0.5, mode: 'mc', seed: 1, backend })),
      dropout(x, { p: 0.5, seed: 1, backend: 'js' }),
    );
  });

  test('gaussianNoise is x · (1 + σ z) with z the stream normal; σ = 0 is the identity', () => {
    const x = normal(301, { seed: 5 });
    const y = v.run(() => gaussianNoise(x, { std: 0.7, seed: 6, backend }));
    const z = normal(301, { seed: 6, backend: 'js' });
    const f = Math.fround;
    for (let i = 0; i < 301; i++) expect(y[i]).toBe(f(x[i] * f(1 + f(f(0.7) * z[i]))));
    expectSameBits(
      v.run(() => gaussianNoise(x, { std: 0, seed: 6, backend })),
      x,
    );
  });

  test('elementwise backwards (dropout, Gaussian, Alpha) match finite differences', () => {
    const x = normal(40, { seed: 31 }),
      g = normal(40, { seed: 32 });
    const cases = [
      [(t: Float32Array) => dropout(t, { p: 0.3, seed: 1, backend }), () => dropoutBackward(g, { p: 0.3, seed: 1, backend })],
      [
        (t: Float32Array) => dropout(t, { p: 0.3, scaling: 'test-time', seed: 1, backend }),
        () => dropoutBackward(g, { p: 0.3, scaling: 'test-time', seed: 1, backend }),
      ],
      [
        (t: Float32Array) => gaussianDropout(t, { p: 0.3, seed: 2, backend }),
        () => gaussianDropoutBackward(g, { p: 0.3, seed: 2, backend }),
      ],
      [
        (t: Float32Array) => alphaDropout(t, { p: 0.2, seed: 3, backend }),
        () => alphaDropoutBackward(g, { p: 0.2, seed: 3, backend }),
      ],
    ] as const;
    for (const [forward, backward] of cases) {
      const dx = v.run(backward);
      const loss = () => v.run(() => forward(x)).reduce((s, y, i) => s + g[i] * y, 0);
      for (let i = 0; i < x.length; i += 3) expect(dx[i]).toBeCloseTo(finiteDifference(x, i, 1e-2, loss), 3);
    }
  });
});
