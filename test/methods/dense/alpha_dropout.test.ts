// AlphaDropout and feature AlphaDropout on every backend: self-normalising moments, the affine
// constants a and b, eval, the backward and per-(n, c) masks. Its backward is also checked by
// finite differences in dropout.test.ts.
import {
  alphaDropout,
  alphaDropoutAffine,
  alphaDropoutBackward,
  bernoulliMask,
  featureAlphaDropout,
  normal,
} from '../../../lib/index';
import { expectSameBits, sum, variants } from '../../helpers';

describe.each(variants())('AlphaDropout on $label', (v) => {
  const backend = v.name;

  test('N(0, 1) in, mean 0 and variance 1 out; dropped units all equal a·α′ + b', () => {
    const n = 1000000,
      x = normal(n, { seed: 12 });
    const y = v.run(() => alphaDropout(x, { p: 0.1, seed: 13, backend }));
    const m = sum(y) / n;
    let s2 = 0;
    for (const yi of y) s2 += (yi - m) ** 2;
    s2 /= n - 1;
    expect(Math.abs(m)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(s2 - 1)).toBeLessThan(5 * Math.sqrt(2 / n) * 1.5);
    const mask = bernoulliMask(n, { p: 0.1, layout: 'uint8', seed: 13, backend: 'js' });
    const { a, b } = alphaDropoutAffine(0.1);
    let wrong = 0;
    for (let i = 0; i < n; i++) if (!mask[i] && y[i] !== Math.fround(a * -1.7580993408473766 + b)) wrong++;
    expect(wrong).toBe(0);
    expect(Math.abs(y[mask.indexOf(0)] - -1.457739)).toBeLessThan(1e-4); // p is quantised to 6554 / 65536
  });

  test('a, b match the paper; eval identity; backward = a·dy ⊙ m; feature mode shares per (n, c)', () => {
    expect(alphaDropoutAffine(0.05).a).toBeCloseTo(0.954844, 4);
    expect(alphaDropoutAffine(0.05).b).toBeCloseTo(0.083936, 4);
    expect(alphaDropoutAffine(0.1).a).toBeCloseTo(0.921285, 4);
    expect(alphaDropoutAffine(0.1).b).toBeCloseTo(0.161971, 4);
    const x = normal(300, { seed: 1 }),
      dy = normal(300, { seed: 2 });
    expectSameBits(
      v.run(() => alphaDropout(x, { mode: 'eval', backend })),
      x,
    );
    const dx = v.run(() => alphaDropoutBackward(dy, { p: 0.2, seed: 3, backend }));
    const mask = bernoulliMask(300, { p: 0.2, layout: 'uint8', seed: 3, backend: 'js' });
    const a = Math.fround(alphaDropoutAffine(0.2).a);
    for (let i = 0; i < 300; i++) expect(dx[i]).toBe(mask[i] ? Math.fround(a * dy[i]) : 0);
    const f = v.run(() => featureAlphaDropout(x, { p: 0.5, shape: [5, 6, 10], seed: 4, backend }));
    const drop = Math.fround(alphaDropoutAffine(0.5).a * -1.7580993408473766 + alphaDropoutAffine(0.5).b);
    for (let nc = 0; nc < 30; nc++) {
      const row = Array.from(f.subarray(nc * 10, nc * 10 + 10));
      expect(row.every((e) => e === drop) || row.every((e) => e !== drop)).toBe(true);
    }
  });
});
