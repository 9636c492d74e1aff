// Statistical properties of the masks and random numbers with fixed seeds, on every backend: every
// test statistic must stay within |z| < 5.
import { Generator, bernoulliMask, dropout, effectiveP, maskScale, normal, randomBits, uniform } from '../../lib/index';
import { binomialZ, variants } from '../helpers';

const SEEDS = [1, 0xdeadbeef, 2 ** 53 - 1];
const N = 200000;

describe.each(variants())('statistics on $label', (v) => {
  const backend = v.name;

  test.each([0.01, 0.1, 0.5, 0.9])('keep rate for p = %p passes the binomial test in every layout', (p) => {
    const q = 1 - effectiveP(p);
    for (const seed of SEEDS) {
      const f = v.run(() => bernoulliMask(N, { p, seed, backend }));
      const scale = maskScale(p);
      let kept = 0,
        wrong = 0;
      for (const m of f) {
        if (m !== 0) kept++;
        if (m !== 0 && m !== scale) wrong++;
      }
      expect(wrong).toBe(0);
      expect(Math.abs(binomialZ(kept, N, q))).toBeLessThan(5);
      const u8 = v.run(() => bernoulliMask(N, { p, layout: 'uint8', seed, backend }));
      expect(u8.reduce((a, b) => a + b, 0)).toBe(kept);
      const bits = v.run(() => bernoulliMask(N, { p, layout: 'bits', seed, backend }));
      let popcount = 0;
      for (const w of bits) for (let x = w; x; x &= x - 1) popcount++;
      expect(popcount).toBe(kept);
    }
  });

  test('E[dropout(x)] = x (mean test per position over many seeds and overall)', () => {
    const x = new Float32Array(1000).map((_, i) => 1 + Math.abs(Math.sin(i)) * 3);
    const trials = 400;
    const sum = new Float64Array(x.length);
    for (let s = 0; s < trials; s++) {
      const y = v.run(() => dropout(x, { p: 0.3, seed: 1000 + s, backend }));
      for (let i = 0; i < x.length; i++) sum[i] += y[i];
    }
    const q = 1 - effectiveP(0.3);
    let total = 0,
      expected = 0;
    let outliers = 0;
    for (let i = 0; i < x.length; i++) {
      const sd = Math.abs(x[i]) * Math.sqrt((1 - q) / q);
      if (Math.abs(sum[i] / trials - x[i]) > (5 * sd) / Math.sqrt(trials)) outliers++;
      total += sum[i];
      expected += x[i] * trials;
    }
    expect(outliers).toBe(0);
    // the overall mean: sd of the total is sqrt(trials * sum x^2 * p / q)
    const sumSq = x.reduce((a, b) => a + b * b, 0);
    expect(Math.abs(total - expected)).toBeLessThan(5 * Math.sqrt((trials * sumSq * (1 - q)) / q));
  });

  test('normal: mean, variance, skew and the share inside one sigma', () => {
    for (const seed of SEEDS) {
      const z = v.run(() => normal(N, { seed, mean: 2, std: 3, backend }));
      let m = 0;
      for (const x of z) m += x;
      m /= N;
      let s2 = 0,
        s3 = 0,
        within = 0;
      for (const x of z) {
        const d = x - m;
        s2 += d * d;
        s3 += d * d * d;
        if (Math.abs(x - 2) < 3) within++;
      }
      s2 /= N - 1;
      expect(Math.abs(m - 2)).toBeLessThan((5 * 3) / Math.sqrt(N));
      expect(Math.abs(s2 - 9)).toBeLessThan(5 * Math.sqrt((3 * 81 - 81) / N));
      expect(Math.abs(s3 / N / 27)).toBeLessThan(5 * Math.sqrt(15 / N));
      expect(Math.abs(binomialZ(within, N, 0.6826894921370859))).toBeLessThan(5);
    }
  });

  test('uniform: chi-square over 100 bins, range [0, 1), mean 1/2', () => {
    for (const seed of SEEDS) {
      const u = v.run(() => uniform(N, { seed, backend }));
      const bins = new Float64Array(100);
      let sum = 0,
        outside = 0;
      for (const x of u) {
        if (!(x >= 0 && x < 1)) outside++;
        else bins[Math.floor(x * 100)]++;
        sum += x;
      }
      expect(outside).toBe(0);
      const e = N / 100;
      const chi2 = bins.reduce((a, o) => a + ((o - e) * (o - e)) / e, 0);
      // 99 degrees of freedom: mean 99, sd 14; |z| < 5
      expect(Math.abs(chi2 - 99) / Math.sqrt(2 * 99)).toBeLessThan(5);
      expect(Math.abs(sum / N - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / N));
    }
  });

  test('neighbouring streams and seeds are uncorrelated; bits are balanced', () => {
    const g = new Generator(12345);
    const a = v.run(() => uniform(N, { generator: g.fork(0), backend }));
    const b = v.run(() => uniform(N, { generator: g.fork(1), backend }));
    const c = v.run(() => uniform(N, { seed: 12346, backend }));
    const corr = (x: Float32Array, y: Float32Array): number => {
      let sxy = 0,
        sx = 0,
        sy = 0,
        sxx = 0,
        syy = 0;
      for (let i = 0; i < N; i++) {
        sxy += x[i] * y[i];
        sx += x[i];
        sy += y[i];
        sxx += x[i] * x[i];
        syy += y[i] * y[i];
      }
      return (sxy - (sx * sy) / N) / Math.sqrt((sxx - (sx * sx) / N) * (syy - (sy * sy) / N));
    };
    expect(Math.abs(corr(a, b))).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(corr(a, c))).toBeLessThan(5 / Math.sqrt(N));
    // agreement of keep decisions between streams: rate q^2 + p^2
    const m0 = v.run(() => bernoulliMask(N, { p: 0.5, layout: 'uint8', seed: 3, stream: 0, backend }));
    const m1 = v.run(() => bernoulliMask(N, { p: 0.5, layout: 'uint8', seed: 3, stream: 1, backend }));
    let agree = 0;
    for (let i = 0; i < N; i++) agree += m0[i] === m1[i] ? 1 : 0;
    expect(Math.abs(binomialZ(agree, N, 0.5))).toBeLessThan(5);
    const words = v.run(() => randomBits(N / 4, { seed: 99, backend }));
    for (const bit of [0, 7, 15, 16, 31]) {
      let ones = 0;
      for (const w of words) ones += (w >>> bit) & 1;
      expect(Math.abs(binomialZ(ones, words.length, 0.5))).toBeLessThan(5);
    }
  });
});

test('effective p and scale are exact', () => {
  expect(effectiveP(0.1)).toBe(6554 / 65536);
  expect(maskScale(0.1)).toBe(Math.fround(65536 / (65536 - 6554)));
  expect(effectiveP(0.5)).toBe(0.5);
  expect(maskScale(0.5)).toBe(2);
  expect(maskScale(0)).toBe(1);
  expect(maskScale(1)).toBe(0);
  expect(effectiveP(2 ** -18)).toBe(0);
  expect(effectiveP(1 - 2 ** -18)).toBe(1);
});
