// Fast dropout on every backend: the Gaussian approximation's moments, its agreement with explicit
// Bernoulli masks (CLT), the activation moment formulas, and the backward against finite differences.
import {
  dropout,
  effectiveP,
  fastDropout,
  fastDropoutBackward,
  fastDropoutMoments,
  gaussianActivationMoments,
  linear,
  normal,
} from '../../../lib/index';
import { columnMoments, dot, finiteDifference, repeat, variants } from '../../helpers';

describe.each(variants())('fast dropout on $label', (v) => {
  const backend = v.name;

  const din = 250,
    dout = 3,
    N = 20000;
  const x = normal(din, { seed: 1 }),
    W = normal(dout * din, { seed: 2, std: 0.2 }),
    bias = normal(dout, { seed: 3 });
  const q = 1 - effectiveP(0.5);
  const mu = Array.from({ length: dout }, (_, j) => q * dot(W.subarray(j * din, (j + 1) * din), x) + bias[j]);
  const va = Array.from({ length: dout }, (_, j) => {
    let s = 0;
    for (let i = 0; i < din; i++) s += (W[j * din + i] * x[i]) ** 2;
    return q * (1 - q) * s;
  });

  test('samples have mean qWx + b and variance q(1−q)(W⊙W)(x⊙x); eval is qWx + b', () => {
    const u = v.run(() => fastDropout(repeat(x, N), W, bias, { inFeatures: din, outFeatures: dout, seed: 4, backend }));
    for (let j = 0; j < dout; j++) {
      const { mean, variance } = columnMoments(u, N, dout, j);
      expect(Math.abs(mean - mu[j])).toBeLessThan(5 * Math.sqrt(va[j] / N));
      expect(Math.abs(variance - va[j])).toBeLessThan(5 * Math.sqrt((2 * va[j] ** 2) / N));
    }
    const e = v.run(() => fastDropout(x, W, bias, { inFeatures: din, outFeatures: dout, mode: 'eval', backend }));
    for (let j = 0; j < dout; j++) expect(e[j]).toBeCloseTo(mu[j], 4);
    const m = v.run(() => fastDropoutMoments(x, new Float32Array(din), W, bias, { inFeatures: din, outFeatures: dout, backend }));
    for (let j = 0; j < dout; j++) {
      expect(m.mean[j]).toBeCloseTo(mu[j], 4);
      expect(m.variance[j]).toBeCloseTo(va[j], 4);
    }
  });

  test('the Gaussian matches explicit Bernoulli-masked W(x ⊙ m) + b over many masks (CLT)', () => {
    const T = 4000;
    const masked = new Float32Array(T * dout);
    for (let t = 0; t < T; t++) {
      const xm = dropout(x, { p: 0.5, scaling: 'test-time', seed: 50 + t, backend });
      masked.set(linear(xm, W, bias, { inFeatures: din, outFeatures: dout, backend }), t * dout);
    }
    for (let j = 0; j < dout; j++) {
      const { mean, variance } = columnMoments(masked, T, dout, j);
      expect(Math.abs(mean - mu[j])).toBeLessThan(5 * Math.sqrt(va[j] / T));
      expect(Math.abs(variance / va[j] - 1)).toBeLessThan(5 * Math.sqrt(2 / T) + 0.05);
    }
  });

  test('ReLU moment formulas agree with Monte Carlo; sigmoid probit is close', () => {
    const means = Float32Array.from([-1, 0, 0.5, 2]),
      vars = Float32Array.from([0.5, 1, 2, 0.1]);
    const m = gaussianActivationMoments(means, vars);
    const n = 200000;
    for (let i = 0; i < 4; i++) {
      const z = normal(n, { seed: 70 + i, mean: means[i], std: Math.sqrt(vars[i]), backend });
      let s1 = 0,
        s2 = 0,
        sg = 0;
      for (const u of z) {
        const r = u > 0 ? u : 0;
        s1 += r;
        s2 += r * r;
        sg += 1 / (1 + Math.exp(-u));
      }
      expect(Math.abs(s1 / n - m.reluMean[i])).toBeLessThan(5 * Math.sqrt(m.reluSecond[i] / n));
      expect(Math.abs(s2 / n - m.reluSecond[i]) / m.reluSecond[i]).toBeLessThan(0.03);
      expect(Math.abs(sg / n - m.sigmoidMean[i])).toBeLessThan(0.02);
    }
  });

  test('backward matches finite differences (ε fixed by the seed)', () => {
    const B = 3,
      dI = 6,
      dO = 4;
    const xs = normal(B * dI, { seed: 5 }),
      Ws = normal(dO * dI, { seed: 6 }),
      bs = normal(dO, { seed: 7 }),
      g = normal(B * dO, { seed: 8 });
    const opts = { inFeatures: dI, outFeatures: dO, p: 0.3, seed: 9, backend };
    const loss = () =>
      dot(
        g,
        v.run(() => fastDropout(xs, Ws, bs, opts)),
      );
    const grads = v.run(() => fastDropoutBackward(g, xs, Ws, bs, opts));
    for (const [theta, grad] of [
      [Ws, grads.dW],
      [xs, grads.dx],
      [bs, grads.dbias!],
    ] as const) {
      for (let i = 0; i < theta.length; i += 2) expect(grad[i]).toBeCloseTo(finiteDifference(theta, i, 1e-3, loss), 2);
    }
  });
});
