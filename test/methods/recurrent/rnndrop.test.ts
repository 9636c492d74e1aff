// RNNDrop on every backend: one cell mask per sequence, the same units zero at every step in c and
// h, at the right rate; no compounding of the scale over long sequences.
import { effectiveP, lstm, normal } from '../../../lib/index';
import { binomialZ, variants } from '../../helpers';

describe.each(variants())('RNNDrop on $label', (v) => {
  const backend = v.name;

  const [b, t, d, h] = [200, 6, 4, 50];
  const xs = normal(b * t * d, { seed: 31 });
  const W = normal(4 * h * d, { seed: 32, std: 0.5 }),
    U = normal(4 * h * h, { seed: 33, std: 0.2 }),
    bias = normal(4 * h, { seed: 34 });

  test('the same cell units are zero at every step, in c and h; rate test over B·H; examples differ', () => {
    const r = v.run(() =>
      lstm(xs, { W, U, b: bias }, { shape: [b, t, d], hiddenSize: h, dropout: { kind: 'rnndrop', p: 0.4 }, seed: 35, backend }),
    );
    let zeros = 0,
      bad = 0;
    for (let e = 0; e < b; e++) {
      for (let j = 0; j < h; j++) {
        const dropped = r.c[e * h + j] === 0;
        if (dropped) zeros++;
        for (let s = 0; s < t; s++) {
          const hv = r.output[(e * t + s) * h + j];
          if (dropped !== (hv === 0)) bad++;
        }
      }
    }
    expect(bad).toBe(0);
    expect(Math.abs(binomialZ(zeros, b * h, effectiveP(0.4)))).toBeLessThan(5);
    let same = 0;
    for (let j = 0; j < h; j++) if ((r.c[j] === 0) === (r.c[h + j] === 0)) same++;
    expect(same).toBeLessThan(h);
  });

  test('no compounding: with U = 0, kept cells equal the unmasked c_t for 200 steps', () => {
    const steps = 200,
      bb = 4,
      hh = 8;
    const xx = normal(bb * steps * d, { seed: 36 });
    const Wl = normal(4 * hh * d, { seed: 37, std: 0.3 }),
      bl = normal(4 * hh, { seed: 38 });
    const params = { W: Wl, U: new Float32Array(4 * hh * hh), b: bl };
    const base = { shape: [bb, steps, d], hiddenSize: hh, seed: 39, backend } as const;
    const plain = v.run(() => lstm(xx, params, base));
    const masked = v.run(() => lstm(xx, params, { ...base, dropout: { kind: 'rnndrop', p: 0.5 } }));
    const q = 1 - effectiveP(0.5);
    for (let u = 0; u < bb * hh; u++) {
      if (masked.c[u] === 0) continue;
      expect(masked.c[u]).toBe(plain.c[u]);
      expect(masked.h[u]).toBeCloseTo(plain.h[u] / q, 6);
    }
  });
});
