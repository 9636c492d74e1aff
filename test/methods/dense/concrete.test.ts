// Concrete dropout on every backend: the relaxed drop rate at any temperature, the near-hard limit,
// eval and mc modes, the regulariser, and the gradients in x and pLogit against finite differences.
import { concreteDropout, concreteDropoutBackward, concreteRegularizer, normal } from '../../../lib/index';
import { binomialZ, dot, expectSameBits, finiteDifference, variants } from '../../helpers';

describe.each(variants())('Concrete dropout on $label', (v) => {
  const backend = v.name;

  const logit = (p: number): number => Math.log(p / (1 - p));

  test('relaxed drop indicators exceed 1/2 at rate p for any temperature', () => {
    const n = 100000,
      x = new Float32Array(n).fill(1);
    for (const [p, t] of [
      [0.1, 0.1],
      [0.5, 0.5],
      [0.3, 2],
    ]) {
      const y = v.run(() => concreteDropout(x, logit(p), { temperature: t, seed: 3, backend }));
      let dropped = 0;
      for (const yi of y) if (1 - yi * (1 - p) > 0.5) dropped++;
      expect(Math.abs(binomialZ(dropped, n, p))).toBeLessThan(5);
    }
  });

  test('near-hard limit: (1 − z̃) within 1e−3 of {0, 1} for ≥ 99%, mean preserved; eval identity; mc hard', () => {
    const n = 100000,
      p = 0.2,
      x = normal(n, { seed: 4, mean: 1 });
    const y = v.run(() => concreteDropout(new Float32Array(n).fill(1), logit(p), { temperature: 1e-3, seed: 5, backend }));
    let hard = 0;
    for (const yi of y) {
      const keep = yi * (1 - p);
      if (Math.min(Math.abs(keep), Math.abs(1 - keep)) < 1e-3) hard++;
    }
    expect(hard / n).toBeGreaterThanOrEqual(0.99);
    const yx = v.run(() => concreteDropout(x, logit(p), { temperature: 1e-3, seed: 6, backend }));
    let mx = 0,
      my = 0,
      sy = 0;
    for (let i = 0; i < n; i++) {
      mx += x[i] / n;
      my += yx[i] / n;
    }
    for (let i = 0; i < n; i++) sy += (yx[i] - my) ** 2 / n;
    expect(Math.abs(my - mx)).toBeLessThan(5 * Math.sqrt(sy / n));
    expectSameBits(
      v.run(() => concreteDropout(x, logit(p), { mode: 'eval', backend })),
      x,
    );
    const mc = v.run(() => concreteDropout(new Float32Array(1000).fill(1), logit(0.5), { mode: 'mc', seed: 1, backend }));
    expect(mc.every((e) => e === 0 || Math.abs(e - 2) < 1e-3)).toBe(true);
    const spatial = v.run(() =>
      concreteDropout(normal(2 * 3 * 4, { seed: 2 }).map(Math.abs), logit(0.5), {
        shape: [2, 3, 4],
        spatial: true,
        seed: 7,
        backend,
      }),
    );
    expect(spatial.length).toBe(24);
  });

  test('regulariser matches the formula; gradients in x and pLogit match finite differences', () => {
    const W = Float32Array.of(1, -2, 0.5),
      pl = logit(0.25);
    const r = concreteRegularizer(W, pl, { weightRegularizer: 0.01, dropoutRegularizer: 0.2, inputDim: 10 });
    const p = 0.25,
      expected = (0.01 * 5.25) / 0.75 + 0.2 * 10 * (p * Math.log(p) + (1 - p) * Math.log(1 - p));
    expect(r.value).toBeCloseTo(expected, 10);
    const h = 1e-5,
      val = (l: number) => concreteRegularizer(W, l, { weightRegularizer: 0.01, dropoutRegularizer: 0.2, inputDim: 10 }).value;
    expect(r.dpLogit).toBeCloseTo((val(pl + h) - val(pl - h)) / (2 * h), 6);
    expect(r.dW[1]).toBeCloseTo((2 * 0.01 * -2) / 0.75, 6);
    const x = normal(50, { seed: 8 }),
      g = normal(50, { seed: 9 });
    const opts = { temperature: 0.5, seed: 10, backend };
    const { dx, dpLogit } = v.run(() => concreteDropoutBackward(g, x, pl, opts));
    const loss = () =>
      dot(
        g,
        v.run(() => concreteDropout(x, pl, opts)),
      );
    for (let i = 0; i < 50; i += 5) expect(dx[i]).toBeCloseTo(finiteDifference(x, i, 1e-3, loss), 3);
    const lossP = (l: number) =>
      dot(
        g,
        v.run(() => concreteDropout(x, l, opts)),
      );
    expect(dpLogit).toBeCloseTo((lossP(pl + 1e-4) - lossP(pl - 1e-4)) / 2e-4, 2);
  });
});
