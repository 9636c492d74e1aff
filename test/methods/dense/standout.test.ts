// Standout (adaptive dropout) on every backend: keep rates follow sigm(α s + β), eval is the
// expectation, decisions equal js on exact inputs, the backward against finite differences.
import { normal, standout, standoutBackward } from '../../../lib/index';
import { binomialZ, dyadic, finiteDifference, variants } from '../../helpers';

describe.each(variants())('Standout on $label', (v) => {
  const backend = v.name;

  test('keep rate per unit follows sigm(α s + β); eval is the expectation; α = 0 gives sigm(β)', () => {
    const N = 20000,
      din = 1,
      dout = 4;
    const W = Float32Array.from([-2, 0, 0.5, 1.5]);
    const x = new Float32Array(N).fill(1);
    for (const [alpha, beta] of [
      [1, 0],
      [0, 0.7],
      [2, -1],
    ]) {
      const a = v.run(() =>
        standout(x, W, null, { inFeatures: din, outFeatures: dout, alpha, beta, activation: 'identity', seed: 5, backend }),
      );
      for (let j = 0; j < dout; j++) {
        let kept = 0;
        for (let b = 0; b < N; b++) kept += a[b * dout + j] !== 0 ? 1 : 0;
        const pi = 1 / (1 + Math.exp(-(alpha * W[j] + beta)));
        if (W[j] !== 0) expect(Math.abs(binomialZ(kept, N, pi))).toBeLessThan(5);
      }
      const e = v.run(() =>
        standout(x.subarray(0, 1), W, null, {
          inFeatures: 1,
          outFeatures: dout,
          alpha,
          beta,
          activation: 'identity',
          mode: 'eval',
          backend,
        }),
      );
      for (let j = 0; j < dout; j++) expect(e[j]).toBeCloseTo(W[j] / (1 + Math.exp(-(alpha * W[j] + beta))), 6);
    }
  });

  test('decisions are bit-identical to js on exact inputs; backward matches finite differences', () => {
    const B = 6,
      din = 9,
      dout = 7;
    const x = dyadic(B * din, 4),
      W = dyadic(dout * din, 5, 4),
      bias = dyadic(dout, 6);
    const opts = { inFeatures: din, outFeatures: dout, alpha: 1.5, beta: 0.2, activation: 'tanh' as const, seed: 8 };
    const a = v.run(() => standout(x, W, bias, { ...opts, backend }));
    const ref = standout(x, W, bias, { ...opts, backend: 'js' });
    for (let i = 0; i < a.length; i++) expect(a[i] === 0).toBe(ref[i] === 0);
    const xs = normal(B * din, { seed: 9 }),
      g = normal(B * dout, { seed: 10 });
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
