// Fast dropout, variational dropout (LRT) and Concrete dropout: METHODS.md F5–F7 on every
// backend, with finite-difference checks of every backward.
import {
  clampLogAlpha, concreteDropout, concreteDropoutBackward, concreteRegularizer, dropout, effectiveP, fastDropout,
  fastDropoutBackward, fastDropoutMoments, gaussianActivationMoments, linear, normal, variationalDense,
  variationalDenseBackward, variationalKL,
} from '../lib/index';
import { expectSameBits, finiteDifference, variants } from './helpers';

const binomialZ = (k: number, n: number, r: number): number => (k - n * r) / Math.sqrt(n * r * (1 - r));
const repeat = (row: Float32Array, times: number): Float32Array => {
  const out = new Float32Array(row.length * times);
  for (let t = 0; t < times; t++) out.set(row, t * row.length);
  return out;
};
function columnMoments(y: Float32Array, rows: number, cols: number, j: number): { mean: number; variance: number } {
  let m = 0;
  for (let r = 0; r < rows; r++) m += y[r * cols + j];
  m /= rows;
  let v = 0;
  for (let r = 0; r < rows; r++) v += (y[r * cols + j] - m) ** 2;
  return { mean: m, variance: v / (rows - 1) };
}
const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

describe.each(variants())('Bayesian dense methods on $label', (v) => {
  const backend = v.name;

  describe('F5 fast dropout', () => {
    const din = 250, dout = 3, N = 20000;
    const x = normal(din, { seed: 1 }), W = normal(dout * din, { seed: 2, std: 0.2 }), bias = normal(dout, { seed: 3 });
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
      const means = Float32Array.from([-1, 0, 0.5, 2]), vars = Float32Array.from([0.5, 1, 2, 0.1]);
      const m = gaussianActivationMoments(means, vars);
      const n = 200000;
      for (let i = 0; i < 4; i++) {
        const z = normal(n, { seed: 70 + i, mean: means[i], std: Math.sqrt(vars[i]), backend });
        let s1 = 0, s2 = 0, sg = 0;
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
      const B = 3, dI = 6, dO = 4;
      const xs = normal(B * dI, { seed: 5 }), Ws = normal(dO * dI, { seed: 6 }), bs = normal(dO, { seed: 7 }), g = normal(B * dO, { seed: 8 });
      const opts = { inFeatures: dI, outFeatures: dO, p: 0.3, seed: 9, backend };
      const loss = () => dot(g, v.run(() => fastDropout(xs, Ws, bs, opts)));
      const grads = v.run(() => fastDropoutBackward(g, xs, Ws, bs, opts));
      for (const [theta, grad] of [[Ws, grads.dW], [xs, grads.dx], [bs, grads.dbias!]] as const) {
        for (let i = 0; i < theta.length; i += 2) expect(grad[i]).toBeCloseTo(finiteDifference(theta, i, 1e-3, loss), 2);
      }
    });
  });

  describe('F6 variational dropout (local reparameterisation)', () => {
    test('per-unit mean Aθ and variance (A⊙A)(α⊙θ⊙θ); noise independent across units and examples', () => {
      const din = 20, dout = 2, N = 30000;
      const a = normal(din, { seed: 1 }), theta = normal(dout * din, { seed: 2, std: 0.3 });
      const logAlpha = normal(dout * din, { seed: 3, std: 0.3, mean: -1 });
      const B = v.run(() => variationalDense(repeat(a, N), theta, logAlpha, null, { inFeatures: din, outFeatures: dout, seed: 4, backend }));
      const dev = new Float64Array(N * dout);
      for (let j = 0; j < dout; j++) {
        const gamma = dot(theta.subarray(j * din, (j + 1) * din), a);
        let delta = 0;
        for (let i = 0; i < din; i++) delta += a[i] ** 2 * Math.exp(logAlpha[j * din + i]) * theta[j * din + i] ** 2;
        const { mean, variance } = columnMoments(B, N, dout, j);
        expect(Math.abs(mean - gamma)).toBeLessThan(5 * Math.sqrt(delta / N));
        expect(Math.abs(variance - delta)).toBeLessThan(5 * Math.sqrt((2 * delta * delta) / N));
        for (let r = 0; r < N; r++) dev[r * dout + j] = (B[r * dout + j] - gamma) / Math.sqrt(delta);
      }
      let units = 0, examples = 0;
      for (let r = 0; r < N; r++) units += dev[r * dout] * dev[r * dout + 1];
      for (let r = 0; r + 1 < N; r += 2) examples += dev[r * dout] * dev[(r + 1) * dout];
      expect(Math.abs(units / N)).toBeLessThan(5 / Math.sqrt(N));
      expect(Math.abs(examples / (N / 2))).toBeLessThan(5 / Math.sqrt(N / 2));
    });

    test('KL part equals −0.24570927 at α = 1 and decreases on (0, 1]; clamp; eval is Aθ exactly', () => {
      expect(variationalKL(Float32Array.of(0)).kl).toBeCloseTo(-0.24570927, 7);
      let last = Infinity;
      for (let la = -6; la <= 0; la += 0.25) {
        const { kl } = variationalKL(Float32Array.of(la));
        expect(kl).toBeLessThan(last);
        last = kl;
      }
      expect(variationalKL(Float32Array.of(0), 12).kl).toBeCloseTo(-12 * 0.24570927, 5);
      expect(Array.from(clampLogAlpha(Float32Array.of(-1, 0.5, 2, 0)))).toEqual([-1, 0, 0, 0]);
      const din = 5, dout = 3, A = normal(4 * din, { seed: 1 }), theta = normal(dout * din, { seed: 2 });
      const e = v.run(() => variationalDense(A, theta, Float32Array.of(-2), null, { inFeatures: din, outFeatures: dout, granularity: 'layer', mode: 'eval', backend }));
      expectSameBits(e, v.run(() => linear(A, theta, null, { inFeatures: din, outFeatures: dout, backend })));
    });

    test('backward matches finite differences for every granularity', () => {
      const B = 3, din = 5, dout = 4;
      const A = normal(B * din, { seed: 11 }), theta = normal(dout * din, { seed: 12 }), bias = normal(dout, { seed: 13 }), g = normal(B * dout, { seed: 14 });
      for (const granularity of ['weight', 'input', 'layer'] as const) {
        const n = granularity === 'weight' ? dout * din : granularity === 'input' ? din : 1;
        const logAlpha = normal(n, { seed: 15, mean: -1, std: 0.3 });
        const opts = { inFeatures: din, outFeatures: dout, granularity, seed: 16, backend };
        const loss = () => dot(g, v.run(() => variationalDense(A, theta, logAlpha, bias, opts)));
        const grads = v.run(() => variationalDenseBackward(g, A, theta, logAlpha, bias, opts));
        for (const [p, grad] of [[A, grads.dA], [theta, grads.dTheta], [logAlpha, grads.dLogAlpha], [bias, grads.dbias!]] as const) {
          for (let i = 0; i < p.length; i += 2) expect(grad[i]).toBeCloseTo(finiteDifference(p, i, 1e-3, loss), 2);
        }
      }
      const kl = (la: Float32Array) => variationalKL(la, 3).kl;
      const la = Float32Array.of(-2, -0.5, -0.1);
      const d = variationalKL(la, 3).dLogAlpha;
      for (let i = 0; i < 3; i++) expect(d[i]).toBeCloseTo(finiteDifference(la, i, 1e-3, () => kl(la)), 2);
    });
  });

  describe('F7 Concrete dropout', () => {
    const logit = (p: number): number => Math.log(p / (1 - p));

    test('relaxed drop indicators exceed 1/2 at rate p for any temperature', () => {
      const n = 100000, x = new Float32Array(n).fill(1);
      for (const [p, t] of [[0.1, 0.1], [0.5, 0.5], [0.3, 2]]) {
        const y = v.run(() => concreteDropout(x, logit(p), { temperature: t, seed: 3, backend }));
        let dropped = 0;
        for (const yi of y) if (1 - yi * (1 - p) > 0.5) dropped++;
        expect(Math.abs(binomialZ(dropped, n, p))).toBeLessThan(5);
      }
    });

    test('near-hard limit: (1 − z̃) within 1e−3 of {0, 1} for ≥ 99%, mean preserved; eval identity; mc hard', () => {
      const n = 100000, p = 0.2, x = normal(n, { seed: 4, mean: 1 });
      const y = v.run(() => concreteDropout(new Float32Array(n).fill(1), logit(p), { temperature: 1e-3, seed: 5, backend }));
      let hard = 0;
      for (const yi of y) {
        const keep = yi * (1 - p);
        if (Math.min(Math.abs(keep), Math.abs(1 - keep)) < 1e-3) hard++;
      }
      expect(hard / n).toBeGreaterThanOrEqual(0.99);
      const yx = v.run(() => concreteDropout(x, logit(p), { temperature: 1e-3, seed: 6, backend }));
      let mx = 0, my = 0, sy = 0;
      for (let i = 0; i < n; i++) {
        mx += x[i] / n;
        my += yx[i] / n;
      }
      for (let i = 0; i < n; i++) sy += (yx[i] - my) ** 2 / n;
      expect(Math.abs(my - mx)).toBeLessThan(5 * Math.sqrt(sy / n));
      expectSameBits(v.run(() => concreteDropout(x, logit(p), { mode: 'eval', backend })), x);
      const mc = v.run(() => concreteDropout(new Float32Array(1000).fill(1), logit(0.5), { mode: 'mc', seed: 1, backend }));
      expect(mc.every((e) => e === 0 || Math.abs(e - 2) < 1e-3)).toBe(true);
      const spatial = v.run(() => concreteDropout(normal(2 * 3 * 4, { seed: 2 }).map(Math.abs), logit(0.5), { shape: [2, 3, 4], spatial: true, seed: 7, backend }));
      expect(spatial.length).toBe(24);
    });

    test('regulariser matches the formula; gradients in x and pLogit match finite differences', () => {
      const W = Float32Array.of(1, -2, 0.5), pl = logit(0.25);
      const r = concreteRegularizer(W, pl, { weightRegularizer: 0.01, dropoutRegularizer: 0.2, inputDim: 10 });
      const p = 0.25, expected = (0.01 * 5.25) / 0.75 + 0.2 * 10 * (p * Math.log(p) + (1 - p) * Math.log(1 - p));
      expect(r.value).toBeCloseTo(expected, 10);
      const h = 1e-5, val = (l: number) => concreteRegularizer(W, l, { weightRegularizer: 0.01, dropoutRegularizer: 0.2, inputDim: 10 }).value;
      expect(r.dpLogit).toBeCloseTo((val(pl + h) - val(pl - h)) / (2 * h), 6);
      expect(r.dW[1]).toBeCloseTo((2 * 0.01 * -2) / 0.75, 6);
      const x = normal(50, { seed: 8 }), g = normal(50, { seed: 9 });
      const opts = { temperature: 0.5, seed: 10, backend };
      const { dx, dpLogit } = v.run(() => concreteDropoutBackward(g, x, pl, opts));
      const loss = () => dot(g, v.run(() => concreteDropout(x, pl, opts)));
      for (let i = 0; i < 50; i += 5) expect(dx[i]).toBeCloseTo(finiteDifference(x, i, 1e-3, loss), 3);
      const lossP = (l: number) => dot(g, v.run(() => concreteDropout(x, l, opts)));
      expect(dpLogit).toBeCloseTo((lossP(pl + 1e-4) - lossP(pl - 1e-4)) / 2e-4, 2);
    });
  });
});
