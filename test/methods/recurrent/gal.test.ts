// Gal and Ghahramani's variational RNN dropout on every backend: one x mask and one h mask per
// sequence, tied and untied gates, 'mc' passes and 'eval'.
import { effectiveP, lstm, normal } from '../../../lib/index';
import { binomialZ, variants } from '../../helpers';

describe.each(variants())('Gal variational RNN dropout on $label', (v) => {
  const backend = v.name;

  const [b, t, d, h] = [300, 3, 40, 40];
  const xs = normal(b * t * d, { seed: 51 });
  const params = { W: normal(4 * h * d, { seed: 52 }), U: normal(4 * h * h, { seed: 53 }), b: normal(4 * h, { seed: 54 }) };
  const opts = { shape: [b, t, d], hiddenSize: h, seed: 55, backend } as const;

  test('one x mask and one h mask per sequence, for every step; examples and calls differ', () => {
    const r = v.run(() => lstm(xs, params, { ...opts, dropout: { kind: 'gal', px: 0.4, ph: 0.4 } }));
    const [g] = r.tape.masks.groups;
    let bad = 0;
    for (let s = 0; s < t; s++) {
      for (let i = 0; i < b * d; i++) {
        const xv = xs[(Math.floor(i / d) * t + s) * d + (i % d)];
        if (r.tape.xg[0][s * b * d + i] !== Math.fround(xv * g.zx![i])) bad++;
      }
    }
    expect(bad).toBe(0);
    expect(Array.from(g.zx!.subarray(0, d))).not.toEqual(Array.from(g.zx!.subarray(d, 2 * d)));
    const again = v.run(() => lstm(xs, params, { ...opts, seed: 56, dropout: { kind: 'gal', px: 0.4, ph: 0.4 } }));
    expect(Array.from(again.tape.masks.groups[0].zx!)).not.toEqual(Array.from(g.zx!));
    const zeros = g.zx!.reduce((s, z) => s + (z === 0 ? 1 : 0), 0);
    expect(Math.abs(binomialZ(zeros, b * d, effectiveP(0.4)))).toBeLessThan(5);
  });

  test('tied shares one mask; untied gates agree at rate q² + p²', () => {
    const tied = v.run(() => lstm(xs, params, { ...opts, dropout: { kind: 'gal', px: 0.3, ph: 0.3 } }));
    expect(tied.tape.masks.groups.length).toBe(1);
    const untied = v.run(() => lstm(xs, params, { ...opts, dropout: { kind: 'gal', px: 0.3, ph: 0.3, tied: false } }));
    const gs = untied.tape.masks.groups;
    expect(gs.length).toBe(4);
    const pe = effectiveP(0.3),
      n = b * h;
    for (const [a, c] of [
      [0, 1],
      [1, 2],
      [2, 3],
      [0, 3],
    ]) {
      let agree = 0;
      for (let i = 0; i < n; i++) if ((gs[a].zh![i] === 0) === (gs[c].zh![i] === 0)) agree++;
      expect(Math.abs(binomialZ(agree, n, (1 - pe) ** 2 + pe ** 2))).toBeLessThan(5);
    }
  });

  test("'mc' pass k draws new masks, reproducible from (seed, k); 'eval' uses none", () => {
    const pass = (k: number) =>
      v.run(() => lstm(xs, params, { ...opts, mode: 'mc', stream: k, dropout: { kind: 'gal' } })).output;
    const a = pass(1),
      b2 = pass(2),
      a2 = pass(1);
    expect(Array.from(a)).toEqual(Array.from(a2));
    expect(Array.from(a)).not.toEqual(Array.from(b2));
    const e = v.run(() => lstm(xs, params, { ...opts, mode: 'eval', dropout: { kind: 'gal' } }));
    const plain = v.run(() => lstm(xs, params, opts));
    expect(Array.from(e.output)).toEqual(Array.from(plain.output));
  });
});
