// Monte Carlo dropout on every backend (mcPredict over the built-in MLP): the predictive mean,
// variance, entropy and mutual information, their float64 agreement, τ; and end to end, that MC
// dropout's uncertainty is real: larger away from the training data and near a decision boundary.
import { Mlp, mcPrecision, mcPredict, noisySine, normal, twoMoons } from '../../../lib/index';
import type { McPass } from '../../../lib/index';
import { variants } from '../../helpers';

describe.each(variants())('MC dropout on $label', (v) => {
  const backend = v.name;

  const mlp = new Mlp({ sizes: [3, 16, 4], dropout: { method: 'dropout', p: 0.3 }, seed: 1 });
  const x = normal(5 * 3, { seed: 2 });
  const forward = (input: Float32Array, pass: McPass) =>
    v.run(() => mlp.forward(input, { mode: 'mc', generator: pass.generator, backend }));

  test('with p = 0 all passes agree: I = 0, variance = 1/τ, H = the single softmax entropy', () => {
    const plain = new Mlp({ sizes: [3, 16, 4], dropout: { method: 'dropout', p: 0 }, seed: 1 });
    const f = (input: Float32Array, pass: McPass) =>
      v.run(() => plain.forward(input, { mode: 'mc', generator: pass.generator, backend }));
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

  test('0 ≤ I ≤ H ≤ log C and float64 agreement; the mean is the mean of the stored passes; passes differ', () => {
    const T = 30;
    const c = mcPredict(forward, x, { seed: 4, examples: 5, samples: T, task: 'classification' });
    for (let b = 0; b < 5; b++) {
      expect(c.mutualInformation![b]).toBeGreaterThanOrEqual(0);
      expect(c.mutualInformation![b]).toBeLessThanOrEqual(c.entropy![b] + 1e-12);
      expect(c.entropy![b]).toBeLessThanOrEqual(Math.log(4) + 1e-12);
      // float64 reference from the stored passes
      const probs = Array.from({ length: T }, (_, t) => {
        const row = Array.from(c.passes.subarray(t * 20 + b * 4, t * 20 + b * 4 + 4));
        const m = Math.max(...row),
          e = row.map((l) => Math.exp(l - m)),
          s = e.reduce((p, q) => p + q, 0);
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

  test('τ = q·l²/(2Nλ) = 2.5 for q = 0.5, l = 1, N = 1000, λ = 1e−4; log-likelihood with targets', () => {
    expect(mcPrecision({ p: 0.5, lengthScale: 1, trainingSize: 1000, weightDecay: 1e-4 })).toBeCloseTo(2.5, 12);
    const r = mcPredict(forward, x, { seed: 5, examples: 5, samples: 20, tau: 2.5, targets: new Float32Array(20) });
    expect(r.logLikelihood!.every(Number.isFinite)).toBe(true);
  });
});

describe('MC dropout end to end: uncertainty of a trained MLP', () => {
  test('an MLP trained with dropout on a noisy sine is more uncertain far from [−3, 3] than inside it', () => {
    const { x, y } = noisySine(256, { seed: 11, noise: 0.1 });
    const mlp = new Mlp({ sizes: [1, 64, 64, 1], dropout: { method: 'dropout', p: 0.1 }, seed: 12 });
    const losses = mlp.train(x, y, { epochs: 150, batchSize: 32, learningRate: 0.01, weightDecay: 1e-4, seed: 13 });
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] / 5);
    const fit = mlp.forward(x);
    const mse = fit.reduce((s, f, i) => s + (f - y[i]) ** 2, 0) / x.length;
    expect(mse).toBeLessThan(0.05); // the noise floor is 0.01
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
    const byConfidence = Array.from({ length: 300 }, (_, i) => i).sort(
      (a, b) => Math.abs(pred.mean[2 * a] - 0.5) - Math.abs(pred.mean[2 * b] - 0.5),
    );
    const bald = (idx: number[]) => idx.reduce((s, i) => s + pred.mutualInformation![i], 0) / idx.length;
    expect(bald(byConfidence.slice(0, 30))).toBeGreaterThan(3 * bald(byConfidence.slice(-30)));
  });
});
