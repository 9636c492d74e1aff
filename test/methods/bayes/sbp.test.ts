// Structured Bayesian pruning on every backend: E[θ], SNR and KL against reference values, the
// range and mean of the noise, one θ per channel, per-example and per-batch noise, eval, the backward.
import { normal, sbpKL, sbpNoise, sbpNoiseBackward, sbpStatistics } from '../../../lib/index';
import { finiteDifference, variants } from '../../helpers';

describe.each(variants())('structured Bayesian pruning on $label', (v) => {
  const backend = v.name;

  test('E[θ], SNR and KL reproduce the reference values', () => {
    // (μ, σ) → E[θ], SNR, KL. For (−10, 5) the formula gives SNR 0.210990 (checked with 50-digit
    // mpmath), not the 0.213052 an earlier reference table listed; the formula's value is tested.
    const cases = [
      [-1, 1, 0.360453, 1.488422, 1.893348],
      [-3, 0.5, 0.056416, 1.876384, 2.269941],
      [-10, 5, 0.017229, 0.21099, 0.127053],
    ];
    for (const [m, s, e, snr, kl] of cases) {
      const st = sbpStatistics(Float32Array.of(m), Float32Array.of(Math.log(s)));
      expect(Math.abs(st.mean[0] / e - 1)).toBeLessThan(1e-4);
      expect(Math.abs(st.snr[0] / snr - 1)).toBeLessThan(1e-4);
      expect(Math.abs(sbpKL(Float32Array.of(m), Float32Array.of(Math.log(s))).kl[0] / kl - 1)).toBeLessThan(1e-4);
    }
  });

  test('e^−20 ≤ θ ≤ 1 and mean θ ≈ E[θ]; one θ per channel; per-example vs per-batch; eval', () => {
    const [N, C, S] = [4000, 3, 5];
    const x = new Float32Array(N * C * S).fill(1);
    const mu = Float32Array.of(-1, -3, -10),
      ls = Float32Array.of(0, Math.log(0.5), Math.log(5));
    const y = v.run(() => sbpNoise(x, mu, ls, { shape: [N, C, S], seed: 6, backend }));
    const st = sbpStatistics(mu, ls);
    let sum = 0,
      sq = 0,
      bad = 0;
    for (let n = 0; n < N; n++) {
      for (let c = 0; c < C; c++) {
        const th = y[(n * C + c) * S];
        if (!(th >= Math.fround(Math.exp(-20)) && th <= 1)) bad++;
        for (let s = 1; s < S; s++) if (y[(n * C + c) * S + s] !== th) bad++;
        if (c === 0) {
          sum += th;
          sq += th * th;
        }
      }
    }
    expect(bad).toBe(0);
    const mean = sum / N,
      sd = Math.sqrt(sq / N - mean * mean);
    expect(Math.abs(mean - st.mean[0]) / (sd / Math.sqrt(N))).toBeLessThan(5);
    expect(y[0]).not.toBe(y[C * S]);
    const batch = v.run(() => sbpNoise(x, mu, ls, { shape: [N, C, S], noise: 'per-batch', seed: 6, backend }));
    for (let n = 1; n < N; n += 97) expect(batch[n * C * S]).toBe(batch[0]);
    const last = v.run(() => sbpNoise(x.subarray(0, 2 * S * C), mu, ls, { shape: [2, S, C], layout: 'NHWC', seed: 7, backend }));
    for (let s = 1; s < S; s++) expect(last[s * C + 1]).toBe(last[1]);
    const e = v.run(() => sbpNoise(x, mu, ls, { shape: [N, C, S], mode: 'eval', backend }));
    expect(e[0]).toBe(Math.fround(st.mean[0]));
    expect(e[S]).toBe(Math.fround(st.mean[1]));
    expect(e[2 * S]).toBe(0); // SNR 0.21 ≤ 1: pruned
  });

  test('backward: dx, dμ, dlog σ match finite differences', () => {
    const [N, C, S] = [3, 2, 4];
    const x = normal(N * C * S, { seed: 8 }),
      g = normal(N * C * S, { seed: 9 });
    const mu = Float32Array.of(-1.5, -0.7),
      ls = Float32Array.of(-0.3, 0.2);
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
