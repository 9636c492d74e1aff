// Semeniuta recurrent dropout on every backend: masks on the candidate only, so dropping never
// alters accumulated memory; per-step and per-sequence masks; the mean of the cell state.
import { effectiveP, lstm, normal } from '../../../lib/index';
import { binomialZ, variants } from '../../helpers';

describe.each(variants())('Semeniuta recurrent dropout on $label', (v) => {
  const backend = v.name;

  // f = i = 1 exactly (biases 40), o irrelevant, g = tanh(W_g x): c_T = Σ_t m_t ⊙ g_t / q
  const [b, t, d, h] = [100, 5, 2, 40];
  const xs = normal(b * t * d, { seed: 41 });
  const W = normal(4 * h * d, { seed: 42, std: 0.5 });
  const bias = new Float32Array(4 * h);
  bias.fill(40, 0, 2 * h);
  const params = { W, U: new Float32Array(4 * h * h), b: bias };

  test('dropping never alters accumulated memory; c_T = Σ m_t ⊙ g_t / q', () => {
    const full = v.run(() => lstm(xs, params, { shape: [b, t, d], hiddenSize: h, backend }));
    const r = v.run(() =>
      lstm(xs, params, { shape: [b, t, d], hiddenSize: h, dropout: { kind: 'semeniuta', p: 0.5 }, seed: 43, backend }),
    );
    const cand = r.tape.masks.candidate!;
    for (let e = 0; e < b; e += 7) {
      for (let j = 0; j < h; j++) {
        let c = 0,
          cPlain = 0;
        for (let s = 0; s < t; s++) {
          const g = Math.tanh(
            xs.slice((e * t + s) * d, (e * t + s + 1) * d).reduce((acc, xv, k) => acc + W[(2 * h + j) * d + k] * xv, 0),
          );
          c += cand[s * b * h + e * h + j] * g;
          cPlain += g;
        }
        expect(r.c[e * h + j]).toBeCloseTo(c, 4);
        expect(full.c[e * h + j]).toBeCloseTo(cPlain, 4);
      }
    }
  });

  test('per-step masks differ between steps (agreement q² + p²); per-sequence masks repeat; mean of c_T ≈ unmasked', () => {
    const r = v.run(() =>
      lstm(xs, params, { shape: [b, t, d], hiddenSize: h, dropout: { kind: 'semeniuta', p: 0.3 }, seed: 44, backend }),
    );
    const cand = r.tape.masks.candidate!,
      n = b * h;
    let agree = 0;
    for (let i = 0; i < n; i++) if ((cand[i] === 0) === (cand[n + i] === 0)) agree++;
    const pe = effectiveP(0.3);
    expect(Math.abs(binomialZ(agree, n, (1 - pe) ** 2 + pe ** 2))).toBeLessThan(5);
    const seq = v.run(() =>
      lstm(xs, params, {
        shape: [b, t, d],
        hiddenSize: h,
        dropout: { kind: 'semeniuta', p: 0.3, maskSampling: 'per-sequence' },
        seed: 44,
        backend,
      }),
    );
    const cs = seq.tape.masks.candidate!;
    for (let s = 1; s < t; s++) expect(Array.from(cs.subarray(s * n, (s + 1) * n))).toEqual(Array.from(cs.subarray(0, n)));
    const full = v.run(() => lstm(xs, params, { shape: [b, t, d], hiddenSize: h, backend }));
    const runs = 40;
    let worst = 0;
    const mean = new Float64Array(n),
      sq = new Float64Array(n);
    for (let k = 0; k < runs; k++) {
      const rr = v.run(() =>
        lstm(xs, params, { shape: [b, t, d], hiddenSize: h, dropout: { kind: 'semeniuta', p: 0.3 }, seed: 100 + k, backend }),
      );
      for (let i = 0; i < n; i++) {
        mean[i] += rr.c[i] / runs;
        sq[i] += rr.c[i] ** 2 / runs;
      }
    }
    for (let i = 0; i < n; i += 13) {
      const sd = Math.sqrt(Math.max(sq[i] - mean[i] ** 2, 1e-12));
      worst = Math.max(worst, Math.abs(mean[i] - full.c[i]) / (sd / Math.sqrt(runs)));
    }
    expect(worst).toBeLessThan(5);
  });
});
