// Dense-layer methods (METHODS.md Part F, F1–F4 and F8) on every backend, with finite-difference
// checks of every backward. Inputs that are small dyadic rationals make every product exact in
// float32, so outputs expose the mask decisions and must match the js backend bit for bit.
import {
  alphaDropout, alphaDropoutAffine, alphaDropoutBackward, bernoulliMask, dropConnect, dropConnectBackward, dropoutBackward,
  dropConnectInference, dropout, effectiveP, featureAlphaDropout, gaussianDropout, gaussianDropoutBackward, normal,
  standout, standoutBackward,
} from '../lib/index';
import { expectSameBits, finiteDifference, variants } from './helpers';

const binomialZ = (k: number, n: number, r: number): number => (k - n * r) / Math.sqrt(n * r * (1 - r));
const dyadic = (n: number, seed: number, denom = 8): Float32Array =>
  Float32Array.from({ length: n }, (_, i) => (((i * 7919 + seed * 104729) % 17) - 8) / denom);
const sum = (a: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
};


describe.each(variants())('dense methods on $label', (v) => {
  const backend = v.name;

  test("F1 dropout scaling 'test-time': kept values equal x, eval gives q·x", () => {
    const x = normal(50000, { seed: 1 });
    const y = v.run(() => dropout(x, { p: 0.3, scaling: 'test-time', seed: 2, backend }));
    let kept = 0, wrong = 0;
    for (let i = 0; i < x.length; i++) {
      if (y[i] !== 0) kept++;
      if (y[i] !== 0 && y[i] !== x[i]) wrong++;
    }
    expect(wrong).toBe(0);
    expect(Math.abs(binomialZ(kept, x.length, 1 - effectiveP(0.3)))).toBeLessThan(5);
    const e = v.run(() => dropout(x, { p: 0.3, scaling: 'test-time', mode: 'eval', backend }));
    expect(e[5]).toBe(Math.fround(x[5] * Math.fround(1 - effectiveP(0.3))));
  });

  test('elementwise backwards (dropout, Gaussian, Alpha) match finite differences', () => {
    const x = normal(40, { seed: 31 }), g = normal(40, { seed: 32 });
    const cases = [
      [(t: Float32Array) => dropout(t, { p: 0.3, seed: 1, backend }), () => dropoutBackward(g, { p: 0.3, seed: 1, backend })],
      [(t: Float32Array) => dropout(t, { p: 0.3, scaling: 'test-time', seed: 1, backend }), () => dropoutBackward(g, { p: 0.3, scaling: 'test-time', seed: 1, backend })],
      [(t: Float32Array) => gaussianDropout(t, { p: 0.3, seed: 2, backend }), () => gaussianDropoutBackward(g, { p: 0.3, seed: 2, backend })],
      [(t: Float32Array) => alphaDropout(t, { p: 0.2, seed: 3, backend }), () => alphaDropoutBackward(g, { p: 0.2, seed: 3, backend })],
    ] as const;
    for (const [forward, backward] of cases) {
      const dx = v.run(backward);
      const loss = () => v.run(() => forward(x)).reduce((s, y, i) => s + g[i] * y, 0);
      for (let i = 0; i < x.length; i += 3) expect(dx[i]).toBeCloseTo(finiteDifference(x, i, 1e-2, loss), 3);
    }
  });

  describe('F2 DropConnect', () => {
    const din = 37, dout = 29;
    const eye = (n: number): Float32Array => Float32Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0));
    const Ww = Math.ceil((din * dout) / 2), Wb = Math.ceil(dout / 2);

    test('one-hot inputs read the weight masks: they are the stream masks, bit for bit', () => {
      const W = new Float32Array(dout * din).fill(1);
      for (const perExample of [false, true]) {
        const y = v.run(() => dropConnect(eye(din), W, null, { inFeatures: din, outFeatures: dout, p: 0.4, perExample, seed: 11, offset: 5, backend }));
        for (let b = 0; b < din; b++) {
          const mask = bernoulliMask(dout * din, { p: 0.4, layout: 'uint8', seed: 11, offset: 5n + BigInt((perExample ? b : 0) * Ww), backend: 'js' });
          for (let j = 0; j < dout; j++) expect(y[b * dout + j]).toBe(mask[j * din + b]);
        }
      }
      // bias masks: zero input, unit bias
      const B = 3;
      const yb = v.run(() => dropConnect(new Float32Array(B * din), W, new Float32Array(dout).fill(1), { inFeatures: din, outFeatures: dout, p: 0.4, seed: 11, backend }));
      for (let b = 0; b < B; b++) {
        const m = bernoulliMask(dout, { p: 0.4, layout: 'uint8', seed: 11, offset: BigInt(B * Ww + b * Wb), backend: 'js' });
        expect(Array.from(yb.subarray(b * dout, (b + 1) * dout))).toEqual(Array.from(m));
      }
    });

    test('exact inputs give outputs identical to js; per-example masks differ between examples', () => {
      const B = 5, x = dyadic(B * din, 1), W = dyadic(dout * din, 2, 4), bias = dyadic(dout, 3);
      for (const perExample of [false, true]) for (const scaling of ['none', 'inverted'] as const) {
        const opts = { inFeatures: din, outFeatures: dout, p: 0.5, perExample, scaling, seed: 21 };
        expectSameBits(v.run(() => dropConnect(x, W, bias, { ...opts, backend })), dropConnect(x, W, bias, { ...opts, backend: 'js' }));
      }
      const same = new Float32Array(2 * din).fill(1);
      const y = v.run(() => dropConnect(same, W, null, { inFeatures: din, outFeatures: dout, seed: 4, backend }));
      expect(Array.from(y.subarray(0, dout))).not.toEqual(Array.from(y.subarray(dout)));
      const kept = bernoulliMask(200000, { p: 0.5, layout: 'uint8', seed: 4, backend: 'js' });
      expect(Math.abs(binomialZ(sum(kept), kept.length, 0.5))).toBeLessThan(5);
    });

    test('train outputs average to q(Wx + b); eval is q(Wx + b)', () => {
      const x = normal(din, { seed: 7 }), W = normal(dout * din, { seed: 8 }), bias = normal(dout, { seed: 9 });
      const opts = { inFeatures: din, outFeatures: dout, p: 0.3, backend };
      const exact = v.run(() => dropConnect(x, W, bias, { ...opts, mode: 'eval' }));
      const q = 1 - effectiveP(0.3), T = 1500;
      const mean = new Float64Array(dout);
      for (let s = 0; s < T; s++) {
        const y = v.run(() => dropConnect(x, W, bias, { ...opts, seed: 100 + s }));
        for (let j = 0; j < dout; j++) mean[j] += y[j] / T;
      }
      for (let j = 0; j < dout; j++) {
        let variance = bias[j] ** 2;
        for (let i = 0; i < din; i++) variance += (W[j * din + i] * x[i]) ** 2;
        variance *= q * (1 - q);
        expect(Math.abs(mean[j] - exact[j])).toBeLessThan(5 * Math.sqrt(variance / T) + 1e-5);
      }
    });

    test('Gaussian inference: mean q(Wx + b) within 5·sqrt(v/Z), variance v across seeds (Z = 1)', () => {
      const x = normal(din, { seed: 17 }), W = normal(dout * din, { seed: 18 }), bias = normal(dout, { seed: 19 });
      const opts = { inFeatures: din, outFeatures: dout, p: 0.5, backend };
      const q = 1 - effectiveP(0.5);
      const mu = v.run(() => dropConnect(x, W, bias, { ...opts, mode: 'eval' }));
      const variance = Array.from({ length: dout }, (_, j) => {
        let s = bias[j] ** 2;
        for (let i = 0; i < din; i++) s += (W[j * din + i] * x[i]) ** 2;
        return q * (1 - q) * s;
      });
      const Z = 20000;
      const r = v.run(() => dropConnectInference(x, W, bias, { ...opts, samples: Z, seed: 3 }));
      for (let j = 0; j < dout; j++) expect(Math.abs(r[j] - mu[j])).toBeLessThan(5 * Math.sqrt(variance[j] / Z) + 1e-5);
      const T = 3000, s1 = new Float64Array(dout), s2 = new Float64Array(dout);
      for (let t = 0; t < T; t++) {
        const u = v.run(() => dropConnectInference(x, W, bias, { ...opts, samples: 1, seed: 1000 + t }));
        for (let j = 0; j < dout; j++) {
          s1[j] += u[j];
          s2[j] += u[j] * u[j];
        }
      }
      for (let j = 0; j < dout; j++) {
        const m = s1[j] / T, s2j = (s2[j] - T * m * m) / (T - 1);
        expect(Math.abs(s2j - variance[j])).toBeLessThan(5 * Math.sqrt((2 * variance[j] ** 2) / T));
      }
      const relu = v.run(() => dropConnectInference(x, W, bias, { ...opts, inference: 'mean', activation: 'relu' }));
      for (let j = 0; j < dout; j++) expect(relu[j]).toBeCloseTo(Math.max(0, mu[j]), 5);
    });

    test('backward matches finite differences of W, bias and x (seed fixed)', () => {
      const B = 3, dI = 7, dO = 5;
      const x = normal(B * dI, { seed: 1 }), W = normal(dO * dI, { seed: 2 }), bias = normal(dO, { seed: 3 }), g = normal(B * dO, { seed: 4 });
      for (const perExample of [true, false]) for (const scaling of ['none', 'inverted'] as const) {
        const opts = { inFeatures: dI, outFeatures: dO, p: 0.4, perExample, scaling, seed: 77, backend };
        const loss = () => {
          const y = v.run(() => dropConnect(x, W, bias, opts));
          let s = 0;
          for (let i = 0; i < y.length; i++) s += g[i] * y[i];
          return s;
        };
        const grads = v.run(() => dropConnectBackward(g, x, W, bias, opts));
        for (const [theta, grad] of [[W, grads.dW], [x, grads.dx], [bias, grads.dbias!]] as const) {
          for (let i = 0; i < theta.length; i += 3) {
            expect(grad[i]).toBeCloseTo(finiteDifference(theta, i, 1 / 64, loss), 3);
          }
        }
      }
    });
  });

  describe('F3 Standout', () => {
    test('keep rate per unit follows sigm(α s + β); eval is the expectation; α = 0 gives sigm(β)', () => {
      const N = 20000, din = 1, dout = 4;
      const W = Float32Array.from([-2, 0, 0.5, 1.5]);
      const x = new Float32Array(N).fill(1);
      for (const [alpha, beta] of [[1, 0], [0, 0.7], [2, -1]]) {
        const a = v.run(() => standout(x, W, null, { inFeatures: din, outFeatures: dout, alpha, beta, activation: 'identity', seed: 5, backend }));
        for (let j = 0; j < dout; j++) {
          let kept = 0;
          for (let b = 0; b < N; b++) kept += a[b * dout + j] !== 0 ? 1 : 0;
          const pi = 1 / (1 + Math.exp(-(alpha * W[j] + beta)));
          if (W[j] !== 0) expect(Math.abs(binomialZ(kept, N, pi))).toBeLessThan(5);
        }
        const e = v.run(() => standout(x.subarray(0, 1), W, null, { inFeatures: 1, outFeatures: dout, alpha, beta, activation: 'identity', mode: 'eval', backend }));
        for (let j = 0; j < dout; j++) expect(e[j]).toBeCloseTo(W[j] / (1 + Math.exp(-(alpha * W[j] + beta))), 6);
      }
    });

    test('decisions are bit-identical to js on exact inputs; backward matches finite differences', () => {
      const B = 6, din = 9, dout = 7;
      const x = dyadic(B * din, 4), W = dyadic(dout * din, 5, 4), bias = dyadic(dout, 6);
      const opts = { inFeatures: din, outFeatures: dout, alpha: 1.5, beta: 0.2, activation: 'tanh' as const, seed: 8 };
      const a = v.run(() => standout(x, W, bias, { ...opts, backend }));
      const ref = standout(x, W, bias, { ...opts, backend: 'js' });
      for (let i = 0; i < a.length; i++) expect(a[i] === 0).toBe(ref[i] === 0);
      const xs = normal(B * din, { seed: 9 }), g = normal(B * dout, { seed: 10 });
      const loss = () => {
        const y = v.run(() => standout(xs, W, bias, { ...opts, backend }));
        return y.reduce((s, yi, i) => s + g[i] * yi, 0);
      };
      // decisions depend on s, so perturb little: far smaller than any threshold gap here
      const grads = v.run(() => standoutBackward(g, xs, W, bias, { ...opts, backend }));
      for (let i = 0; i < W.length; i += 5) expect(grads.dW[i]).toBeCloseTo(finiteDifference(W, i, 1e-3, loss), 2);
      for (let i = 0; i < bias.length; i++) expect(grads.dbias![i]).toBeCloseTo(finiteDifference(bias, i, 1e-3, loss), 2);
    });
  });

  describe('F4 Gaussian dropout', () => {
    test('x ≡ 1: mean 1, variance p/(1 − p), symmetric noise; eval identity; backward = dy · y / x', () => {
      const n = 200000, x = new Float32Array(n).fill(1);
      for (const p of [0.5, 0.2]) {
        const y = v.run(() => gaussianDropout(x, { p, seed: 6, backend }));
        const m = sum(y) / n;
        let s2 = 0, below = 0;
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
      expectSameBits(v.run(() => gaussianDropout(z, { p: 0.3, mode: 'eval', backend })), z);
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

  describe('F8 AlphaDropout', () => {
    test('N(0, 1) in, mean 0 and variance 1 out; dropped units all equal a·α′ + b', () => {
      const n = 1000000, x = normal(n, { seed: 12 });
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
      const x = normal(300, { seed: 1 }), dy = normal(300, { seed: 2 });
      expectSameBits(v.run(() => alphaDropout(x, { mode: 'eval', backend })), x);
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
});
