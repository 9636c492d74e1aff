// Monte Carlo dropout, the built-in MLP and structured Bayesian pruning (METHODS.md Part F,
// F19–F20) on every backend, and an end-to-end check that MC dropout's uncertainty is real.
import {
  Mlp, effectiveP, mcPrecision, mcPredict, noisySine, normal, sbpKL, sbpNoise, sbpNoiseBackward, sbpStatistics, twoMoons,
} from '../lib/index';
import type { McPass } from '../lib/index';
import { finiteDifference, variants } from './helpers';

describe.each(variants())('MC dropout and SBP on $label', (v) => {
  const backend = v.name;

  describe('F19 MC dropout', () => {
    const mlp = new Mlp({ sizes: [3, 16, 4], dropout: { method: 'dropout', p: 0.3 }, seed: 1 });
    const x = normal(5 * 3, { seed: 2 });
    const forward = (input: Float32Array, pass: McPass) => v.run(() => mlp.forward(input, { mode: 'mc', generator: pass.generator, backend }));

    test('1: with p = 0 all passes agree: I = 0, variance = 1/τ, H = the single softmax entropy', () => {
      const plain = new Mlp({ sizes: [3, 16, 4], dropout: { method: 'dropout', p: 0 }, seed: 1 });
      const f = (input: Float32Array, pass: McPass) => v.run(() => plain.forward(input, { mode: 'mc', generator: pass.generator, backend }));
      const c = mcPredict(f, x, { seed: 3, examples: 5, samples: 10, task: 'classification' });
      const r = mcPredict(f, x, { seed: 3, examples: 5, samples: 10, tau: 2.5 });
      const logits = plain.forward(x);
      for (let b = 0; b < 5; b++) {
        expect(c.mutualInformation![b]).toBeLessThan(1e-12);
        const row = Array.from(logits.subarray(b * 4, b * 4 + 4));
        const z = row.reduce((s, l) => s + Math.exp(l), 0);
        const h = -row.reduce((s, l) => s + (Math.exp(l) / z) * Math.log(Math.exp(l) / z), 0);
        expect(c.entropy![b]).toBeCloseTo(h, 5);
        for (let k = 0; k < 4; k++) expect(r.variance[b * 4 + k]).toBeCloseTo(1 / 2.5, 10);
      }
    });

    test('2–3: 0 ≤ I ≤ H ≤ log C and float64 agreement; the mean is the mean of the stored passes; passes differ', () => {
      const T = 30;
      const c = mcPredict(forward, x, { seed: 4, examples: 5, samples: T, task: 'classification' });
      for (let b = 0; b < 5; b++) {
        expect(c.mutualInformation![b]).toBeGreaterThanOrEqual(0);
        expect(c.mutualInformation![b]).toBeLessThanOrEqual(c.entropy![b] + 1e-12);
        expect(c.entropy![b]).toBeLessThanOrEqual(Math.log(4) + 1e-12);
        // float64 reference from the stored passes
        const probs = Array.from({ length: T }, (_, t) => {
          const row = Array.from(c.passes.subarray(t * 20 + b * 4, t * 20 + b * 4 + 4));
          const m = Math.max(...row), e = row.map((l) => Math.exp(l - m)), s = e.reduce((p, q) => p + q, 0);
          return e.map((q) => q / s);
        });
        const mean = [0, 1, 2, 3].map((k) => probs.reduce((s, p) => s + p[k], 0) / T);
        const H = -mean.reduce((s, p) => s + p * Math.log(p), 0);
        const E = probs.reduce((s, p) => s - p.reduce((a, q) => a + q * Math.log(q), 0), 0) / T;
        expect(c.entropy![b]).toBeCloseTo(H, 10);
        expect(c.mutualInformation![b]).toBeCloseTo(H - E, 10);
        mean.forEach((m, k) => expect(c.mean[b * 4 + k]).toBeCloseTo(m, 10));
      }
      const r = mcPredict(forward, x, { seed: 4, examples: 5, samples: T });
      for (let i = 0; i < 20; i++) {
        let s = 0;
        for (let t = 0; t < T; t++) s += r.passes[t * 20 + i];
        expect(r.mean[i]).toBeCloseTo(s / T, 5);
      }
      expect(Array.from(r.passes.subarray(0, 20))).not.toEqual(Array.from(r.passes.subarray(20, 40)));
      // pass k is reproducible on its own, and batching passes gives valid (different) draws of the same shape
      const again = mcPredict(forward, x, { seed: 4, examples: 5, samples: T });
      expect(Array.from(again.passes)).toEqual(Array.from(r.passes));
      const batched = mcPredict(forward, x, { seed: 4, examples: 5, samples: T, passesPerCall: 10 });
      expect(batched.passes.length).toBe(r.passes.length);
    });

    test('4: τ = q·l²/(2Nλ) = 2.5 for q = 0.5, l = 1, N = 1000, λ = 1e−4; log-likelihood with targets', () => {
      expect(mcPrecision({ p: 0.5, lengthScale: 1, trainingSize: 1000, weightDecay: 1e-4 })).toBeCloseTo(2.5, 12);
      const r = mcPredict(forward, x, { seed: 5, examples: 5, samples: 20, tau: 2.5, targets: new Float32Array(20) });
      expect(r.logLikelihood!.every(Number.isFinite)).toBe(true);
    });
  });

  describe('F20 structured Bayesian pruning', () => {
    test('1: E[θ], SNR and KL reproduce the reference values', () => {
      // (μ, σ) → E[θ], SNR, KL. METHODS.md gives SNR 0.213052 for (−10, 5); the formula gives
      // 0.210990 (checked with 50-digit mpmath), which is what is tested.
      const cases = [[-1, 1, 0.360453, 1.488422, 1.893348], [-3, 0.5, 0.056416, 1.876384, 2.269941], [-10, 5, 0.017229, 0.21099, 0.127053]];
      for (const [m, s, e, snr, kl] of cases) {
        const st = sbpStatistics(Float32Array.of(m), Float32Array.of(Math.log(s)));
        expect(Math.abs(st.mean[0] / e - 1)).toBeLessThan(1e-4);
        expect(Math.abs(st.snr[0] / snr - 1)).toBeLessThan(1e-4);
        expect(Math.abs(sbpKL(Float32Array.of(m), Float32Array.of(Math.log(s))).kl[0] / kl - 1)).toBeLessThan(1e-4);
      }
    });

    test('2–4: e^−20 ≤ θ ≤ 1 and mean θ ≈ E[θ]; one θ per channel; per-example vs per-batch; eval', () => {
      const [N, C, S] = [4000, 3, 5];
      const x = new Float32Array(N * C * S).fill(1);
      const mu = Float32Array.of(-1, -3, -10), ls = Float32Array.of(0, Math.log(0.5), Math.log(5));
      const y = v.run(() => sbpNoise(x, mu, ls, { shape: [N, C, S], seed: 6, backend }));
      const st = sbpStatistics(mu, ls);
      let sum = 0, sq = 0, bad = 0;
      for (let n = 0; n < N; n++) {
        for (let c = 0; c < C; c++) {
          const th = y[(n * C + c) * S];
          if (!(th >= Math.fround(Math.exp(-20)) && th <= 1)) bad++;
          for (let s = 1; s < S; s++) if (y[(n * C + c) * S + s] !== th) bad++;
          if (c === 0) (sum += th), (sq += th * th);
        }
      }
      expect(bad).toBe(0);
      const mean = sum / N, sd = Math.sqrt(sq / N - mean * mean);
      expect(Math.abs(mean - st.mean[0]) / (sd / Math.sqrt(N))).toBeLessThan(5);
      expect(y[0]).not.toBe(y[C * S]);
      const batch = v.run(() => sbpNoise(x, mu, ls, { shape: [N, C, S], noise: 'per-batch', seed: 6, backend }));
      for (let n = 1; n < N; n += 97) expect(batch[n * C * S]).toBe(batch[0]);
      const last = v.run(() => sbpNoise(x.subarray(0, 2 * S * C), mu, ls, { shape: [2, S, C], layout: 'NHWC', seed: 7, backend }));
      for (let s = 1; s < S; s++) expect(last[s * C + 1]).toBe(last[1]);
      const e = v.run(() => sbpNoise(x, mu, ls, { shape: [N, C, S], mode: 'eval', backend }));
      expect(e[0]).toBe(Math.fround(st.mean[0]));
      expect(e[S]).toBe(Math.fround(st.mean[1]));
      expect(e[2 * S]).toBe(0);  // SNR 0.21 ≤ 1: pruned
    });

    test('backward: dx, dμ, dlog σ match finite differences', () => {
      const [N, C, S] = [3, 2, 4];
      const x = normal(N * C * S, { seed: 8 }), g = normal(N * C * S, { seed: 9 });
      const mu = Float32Array.of(-1.5, -0.7), ls = Float32Array.of(-0.3, 0.2);
      const o = { shape: [N, C, S], seed: 10, backend } as const;
      const grads = v.run(() => sbpNoiseBackward(g, x, mu, ls, o));
      const loss = () => v.run(() => sbpNoise(x, mu, ls, o)).reduce((s, y, i) => s + g[i] * y, 0);
      for (let c = 0; c < C; c++) {
        expect(grads.dMu[c]).toBeCloseTo(finiteDifference(mu, c, 1e-3, loss), 2);
        expect(grads.dLogSigma[c]).toBeCloseTo(finiteDifference(ls, c, 1e-3, loss), 2);
      }
      for (let i = 0; i < x.length; i += 5) expect(grads.dx[i]).toBeCloseTo(finiteDifference(x, i, 1e-3, loss), 2);
    });
  });
});

describe('end to end: MC dropout uncertainty grows away from the training data', () => {
  test('an MLP trained with dropout on a noisy sine is more uncertain far from [−3, 3] than inside it', () => {
    const { x, y } = noisySine(256, { seed: 11, noise: 0.1 });
    const mlp = new Mlp({ sizes: [1, 64, 64, 1], dropout: { method: 'dropout', p: 0.1 }, seed: 12 });
    const losses = mlp.train(x, y, { epochs: 150, batchSize: 32, learningRate: 0.01, weightDecay: 1e-4, seed: 13 });
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] / 5);
    const fit = mlp.forward(x);
    const mse = fit.reduce((s, f, i) => s + (f - y[i]) ** 2, 0) / x.length;
    expect(mse).toBeLessThan(0.05);  // the noise floor is 0.01
    const near = Float32Array.from({ length: 40 }, (_, i) => -2.5 + (5 * i) / 39);
    const far = Float32Array.from({ length: 40 }, (_, i) => (i < 20 ? -9 + (4 * i) / 19 : 5 + (4 * (i - 20)) / 19));
    const vNear = mlp.predict(near, { seed: 14, examples: 40, samples: 50 }).variance;
    const vFar = mlp.predict(far, { seed: 14, examples: 40, samples: 50 }).variance;
    const avg = (a: Float64Array): number => a.reduce((s, q) => s + q, 0) / a.length;
    expect(avg(vFar)).toBeGreaterThan(5 * avg(vNear));
  });

  test('classification on two moons: accurate, and BALD is higher near the decision boundary than on confident points', () => {
    const { x, y } = twoMoons(300, { seed: 15, noise: 0.1 });
    const mlp = new Mlp({ sizes: [2, 32, 32, 2], dropout: { method: 'dropout', p: 0.2 }, seed: 16 });
    mlp.train(x, y, { epochs: 100, loss: 'cross-entropy', seed: 17 });
    const pred = mlp.predict(x, { seed: 18, examples: 300, samples: 30, task: 'classification' });
    let correct = 0;
    for (let i = 0; i < 300; i++) if ((pred.mean[2 * i + 1] > 0.5 ? 1 : 0) === y[2 * i + 1]) correct++;
    expect(correct / 300).toBeGreaterThan(0.9);
    const byConfidence = Array.from({ length: 300 }, (_, i) => i).sort((a, b) => Math.abs(pred.mean[2 * a] - 0.5) - Math.abs(pred.mean[2 * b] - 0.5));
    const bald = (idx: number[]) => idx.reduce((s, i) => s + pred.mutualInformation![i], 0) / idx.length;
    expect(bald(byConfidence.slice(0, 30))).toBeGreaterThan(3 * bald(byConfidence.slice(-30)));
  });

  test.each(['none', 'dropout', 'gaussian', 'alpha', 'dropconnect'] as const)('MLP gradients with %s dropout match finite differences (masks fixed by the seed)', (method) => {
    for (const loss of ['mse', 'cross-entropy'] as const) {
      const mlp = new Mlp({ sizes: [3, 6, 5, 2], activation: method === 'alpha' ? 'selu' : 'tanh', dropout: { method, p: 0.3 }, seed: 22 });
      const x = normal(4 * 3, { seed: 23 }), y = loss === 'mse' ? normal(4 * 2, { seed: 24 }) : Float32Array.of(1, 0, 0, 1, 1, 0, 0, 1);
      const g = mlp.gradients(x, y, { seed: 25, loss });
      const f = () => mlp.gradients(x, y, { seed: 25, loss }).loss;
      for (let l = 0; l < 3; l++) {
        for (let i = 0; i < mlp.weights[l].length; i += 3) expect(g.dW[l][i]).toBeCloseTo(finiteDifference(mlp.weights[l], i, 1e-3, f), 3);
        for (let i = 0; i < mlp.biases[l].length; i++) expect(g.db[l][i]).toBeCloseTo(finiteDifference(mlp.biases[l], i, 1e-3, f), 3);
      }
    }
  });

  test.each(['gaussian', 'alpha', 'dropconnect'] as const)('the MLP learns with %s dropout', (method) => {
    const mlp = new Mlp({ sizes: [2, 5, 1], activation: method === 'alpha' ? 'selu' : 'tanh', dropout: { method, p: 0.2 }, seed: 19 });
    const { x, y } = noisySine(20, { seed: 20 });
    const x2 = new Float32Array(40).map((_, i) => x[i >> 1] * (i & 1 ? 0.5 : 1));
    const losses = mlp.train(x2, y, { epochs: 60, batchSize: 20, learningRate: 0.02, seed: 21 });
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
  });
});
