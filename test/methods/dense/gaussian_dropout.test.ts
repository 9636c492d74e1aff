// Gaussian dropout on every backend: moments of the multiplicative noise, eval, the backward and
// noiseShape broadcasting. Its backward is also checked by finite differences in dropout.test.ts.
import { gaussianDropout, gaussianDropoutBackward, normal } from '../../../lib/index';
import { binomialZ, expectSameBits, sum, variants } from '../../helpers';

describe.each(variants())('Gaussian dropout on $label', (v) => {
  const backend = v.name;

  test('x ≡ 1: mean 1, variance p/(1 − p), symmetric noise; eval identity; backward = dy · y / x', () => {
    const n = 200000,
      x = new Float32Array(n).fill(1);
    for (const p of [0.5, 0.2]) {
      const y = v.run(() => gaussianDropout(x, { p, seed: 6, backend }));
      const m = sum(y) / n;
      let s2 = 0,
        below = 0;
      for (const yi of y) {
        s2 += (yi - m) ** 2;
        if (yi < 1) below++;
      }
      s2 /= n - 1;
      const sigma2 = p / (1 - p);
      expect(Math.abs(m - 1)).toBeLessThan(5 * Math.sqrt(sigma2 / n));
      expect(Math.abs(s2 - sigma2)).toBeLessThan(5 * Math.sqrt((2 * sigma2 * sigma2) / n));
      expect(Math.abs(binomialZ(below, n, 0.5))).toBeLessThan(5);
    }
    const z = normal(1000, { seed: 3 });
    expectSameBits(
      v.run(() => gaussianDropout(z, { p: 0.3, mode: 'eval', backend })),
      z,
    );
    const y = v.run(() => gaussianDropout(z, { p: 0.3, seed: 4, backend }));
    const dy = normal(1000, { seed: 5 });
    const dx = v.run(() => gaussianDropoutBackward(dy, { p: 0.3, seed: 4, backend }));
    for (let i = 0; i < 1000; i += 7) expect(dx[i]).toBeCloseTo((dy[i] * y[i]) / z[i], 4);
    expect(() => gaussianDropout(z, { p: 1, seed: 1, backend })).toThrow(RangeError);
  });

  test('noiseShape broadcast equals the fused kernel where it applies', () => {
    const x = normal(6 * 10, { seed: 8 });
    const y = v.run(() => gaussianDropout(x, { p: 0.4, shape: [6, 10], noiseShape: [6, 1], seed: 2, backend }));
    const xi = v.run(() => gaussianDropout(new Float32Array(6).fill(1), { p: 0.4, seed: 2, backend }));
    for (let r = 0; r < 6; r++) for (let c = 0; c < 10; c++) expect(y[r * 10 + c]).toBe(Math.fround(x[r * 10 + c] * xi[r]));
  });
});
