// Stochastic dropout on every backend: one rate per pass drawn from its distribution (clipped
// normal or uniform), layerProb, eval and the backward.
import { normal, stochasticDropout, stochasticDropoutBackward, stochasticDropoutRate } from '../../../lib/index';
import { binomialZ, expectSameBits, variants } from '../../helpers';

describe.each(variants())('stochastic dropout on $label', (v) => {
  const backend = v.name;

  test('one r per pass (x ≡ 1: every nonzero equals 1/(1 − r)); r follows the clipped N(0.02, 0.05)', () => {
    const rate = { distribution: 'normal', mean: 0.02, std: 0.05 } as const;
    const x = new Float32Array(20000).fill(1);
    for (let offset = 0; offset < 40; offset += 8) {
      const y = v.run(() => stochasticDropout(x, { rate, seed: 51, offset, backend }));
      const r = stochasticDropoutRate({ rate, seed: 51, offset, backend }).rate;
      const want = Math.fround(1 / (1 - r));
      expect(y.every((a) => a === 0 || a === want)).toBe(true);
      if (r === 0) expect(y.every((a) => a === 1)).toBe(true);
    }
    const trials = 100000;
    let zero = 0,
      sum = 0;
    for (let i = 0; i < trials; i++) {
      const r = stochasticDropoutRate({ rate, seed: 52, offset: i * 4, backend }).rate;
      if (r === 0) zero++;
      sum += r;
    }
    expect(Math.abs(binomialZ(zero, trials, 0.3446))).toBeLessThan(5);
    expect(Math.abs(sum / trials - 0.0315)).toBeLessThan((5 * 0.035) / Math.sqrt(trials) + 2e-4);
  });

  test('uniform rates, layerProb, eval and the backward', () => {
    const x = normal(5000, { seed: 53 });
    const o = { rate: { distribution: 'uniform', low: 0.1, high: 0.4 } as const, seed: 54, backend };
    const r = stochasticDropoutRate(o).rate;
    expect(r).toBeGreaterThanOrEqual(0.1);
    expect(r).toBeLessThanOrEqual(0.4);
    const y = v.run(() => stochasticDropout(x, o));
    const dy = normal(5000, { seed: 55 });
    const dx = v.run(() => stochasticDropoutBackward(dy, o));
    for (let i = 0; i < x.length; i++) expect(dx[i]).toBe(y[i] === 0 ? 0 : Math.fround(dy[i] * Math.fround(1 / (1 - r))));
    expectSameBits(
      v.run(() => stochasticDropout(x, { ...o, mode: 'eval' })),
      x,
      'eval',
    );
    let skipped = 0;
    for (let i = 0; i < 2000; i++) if (!stochasticDropoutRate({ ...o, layerProb: 0.25, offset: 4 * i }).applied) skipped++;
    expect(Math.abs(binomialZ(skipped, 2000, 0.75))).toBeLessThan(5);
  });
});

describe('bad input to stochastic dropout', () => {
  const x = new Float32Array(2 * 3 * 4 * 4);
  test.each([
    [() => stochasticDropout(x, { rate: { distribution: 'uniform', low: 0.5, high: 0.1 } }), RangeError, /rate.high/],
    [() => stochasticDropout(x, { rate: { distribution: 'normal', mean: 0, std: -1 } }), RangeError, /rate.std/],
    [() => stochasticDropout(x, { rate: 0.1 as never }), TypeError, /rate/],
  ])('%#', (call, type, message) => {
    expect(call).toThrow(type);
    expect(call).toThrow(message);
  });
});
