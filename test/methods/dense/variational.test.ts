// Variational dropout with the local reparameterisation trick on every backend: per-unit moments
// and independence of the noise, the KL term and its clamp, eval, and the backward for every
// granularity against finite differences.
import { clampLogAlpha, linear, normal, variationalDense, variationalDenseBackward, variationalKL } from '../../../lib/index';
import { columnMoments, dot, expectSameBits, finiteDifference, repeat, variants } from '../../helpers';

describe.each(variants())('variational dropout (local reparameterisation) on $label', (v) => {
  const backend = v.name;

  test('per-unit mean Aθ and variance (A⊙A)(α⊙θ⊙θ); noise independent across units and examples', () => {
    const din = 20,
      dout = 2,
      N = 30000;
    const a = normal(din, { seed: 1 }),
      theta = normal(dout * din, { seed: 2, std: 0.3 });
    const logAlpha = normal(dout * din, { seed: 3, std: 0.3, mean: -1 });
    const B = v.run(() =>
      variationalDense(repeat(a, N), theta, logAlpha, null, { inFeatures: din, outFeatures: dout, seed: 4, backend }),
    );
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
    let units = 0,
      examples = 0;
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
    const din = 5,
      dout = 3,
      A = normal(4 * din, { seed: 1 }),
      theta = normal(dout * din, { seed: 2 });
    const e = v.run(() =>
      variationalDense(A, theta, Float32Array.of(-2), null, {
        inFeatures: din,
        outFeatures: dout,
        granularity: 'layer',
        mode: 'eval',
        backend,
      }),
    );
    expectSameBits(
      e,
      v.run(() => linear(A, theta, null, { inFeatures: din, outFeatures: dout, backend })),
    );
  });

  test('backward matches finite differences for every granularity', () => {
    const B = 3,
      din = 5,
      dout = 4;
    const A = normal(B * din, { seed: 11 }),
      theta = normal(dout * din, { seed: 12 }),
      bias = normal(dout, { seed: 13 }),
      g = normal(B * dout, { seed: 14 });
    for (const granularity of ['weight', 'input', 'layer'] as const) {
      const n = granularity === 'weight' ? dout * din : granularity === 'input' ? din : 1;
      const logAlpha = normal(n, { seed: 15, mean: -1, std: 0.3 });
      const opts = { inFeatures: din, outFeatures: dout, granularity, seed: 16, backend };
      const loss = () =>
        dot(
          g,
          v.run(() => variationalDense(A, theta, logAlpha, bias, opts)),
        );
      const grads = v.run(() => variationalDenseBackward(g, A, theta, logAlpha, bias, opts));
      for (const [p, grad] of [
        [A, grads.dA],
        [theta, grads.dTheta],
        [logAlpha, grads.dLogAlpha],
        [bias, grads.dbias!],
      ] as const) {
        for (let i = 0; i < p.length; i += 2) expect(grad[i]).toBeCloseTo(finiteDifference(p, i, 1e-3, loss), 2);
      }
    }
    const kl = (la: Float32Array) => variationalKL(la, 3).kl;
    const la = Float32Array.of(-2, -0.5, -0.1);
    const d = variationalKL(la, 3).dLogAlpha;
    for (let i = 0; i < 3; i++)
      expect(d[i]).toBeCloseTo(
        finiteDifference(la, i, 1e-3, () => kl(la)),
        2,
      );
  });

  test('backward with the sparse-VD options: clipped log α has no gradient, pruned weights leave the mean', () => {
    const B = 3,
      din = 4,
      dout = 3;
    const A = normal(B * din, { seed: 21 }),
      theta = normal(dout * din, { seed: 22 }),
      g = normal(B * dout, { seed: 23 });
    // entries spread over the clip (±2 here) and the prune threshold (1)
    const logAlpha = Float32Array.from({ length: dout * din }, (_, i) => -3 + (5.5 * i) / (dout * din - 1));
    const opts = {
      inFeatures: din,
      outFeatures: dout,
      logAlphaClip: 2,
      pruneThreshold: 1,
      pruneInTraining: true,
      varianceEpsilon: 1e-8,
      seed: 24,
      backend,
    };
    const loss = () =>
      dot(
        g,
        v.run(() => variationalDense(A, theta, logAlpha, null, opts)),
      );
    const grads = v.run(() => variationalDenseBackward(g, A, theta, logAlpha, null, opts));
    for (const [p, grad] of [
      [A, grads.dA],
      [theta, grads.dTheta],
      [logAlpha, grads.dLogAlpha],
    ] as const) {
      for (let i = 0; i < p.length; i++) {
        // a step across the clip or the threshold is not a derivative
        if (p === logAlpha && [-2, 1, 2].some((edge) => Math.abs(logAlpha[i] - edge) < 2e-3)) continue;
        expect(grad[i]).toBeCloseTo(finiteDifference(p, i, 1e-3, loss), 2);
      }
    }
    for (let i = 0; i < logAlpha.length; i++) if (Math.abs(logAlpha[i]) >= 2) expect(grads.dLogAlpha[i]).toBe(0);
  });
});
