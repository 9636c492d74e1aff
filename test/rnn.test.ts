// Recurrent methods (METHODS.md Part F, F15–F18) on every backend: LSTM and GRU with every
// dropout placement, BPTT checked by finite differences, and the mask properties of each kind.
import { effectiveP, embeddingDropout, embeddingDropoutBackward, gru, gruBackward, lstm, lstmBackward, normal, randomBits } from '../lib/index';
import type { RnnDropout } from '../lib/index';
import { finiteDifference, variants } from './helpers';

const binomialZ = (k: number, n: number, r: number): number => (k - n * r) / Math.sqrt(n * r * (1 - r));
const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, v, i) => s + v * b[i], 0);

const MODES: RnnDropout[] = [
  { kind: 'none' },
  { kind: 'forward', p: 0.3 },
  { kind: 'rnndrop', p: 0.3 },
  { kind: 'rnndrop', p: 0.3, scaling: 'reproduce-inverted-c' },
  { kind: 'semeniuta', p: 0.3 },
  { kind: 'semeniuta', p: 0.3, maskSampling: 'per-sequence' },
  { kind: 'gal', px: 0.3, ph: 0.3 },
  { kind: 'gal', px: 0.3, ph: 0.3, tied: false },
];

describe.each(variants())('recurrent methods on $label', (v) => {
  const backend = v.name;
  const [B, T, D, H] = [2, 4, 3, 3];
  const x = normal(B * T * D, { seed: 1 });
  const h0 = normal(B * H, { seed: 2, std: 0.5 }), c0 = normal(B * H, { seed: 3, std: 0.5 });
  const lstmParams = { W: normal(4 * H * D, { seed: 4, std: 0.5 }), U: normal(4 * H * H, { seed: 5, std: 0.5 }), b: normal(4 * H, { seed: 6, std: 0.2 }) };
  const gruParams = { W: normal(3 * H * D, { seed: 7, std: 0.5 }), U: normal(3 * H * H, { seed: 8, std: 0.5 }), bW: normal(3 * H, { seed: 9 }), bU: normal(3 * H, { seed: 10 }) };
  const gOut = normal(B * T * H, { seed: 11 }), gH = normal(B * H, { seed: 12 }), gC = normal(B * H, { seed: 13 });

  describe.each(MODES)('BPTT matches finite differences: %j', (dropout) => {
    const opts = { shape: [B, T, D], hiddenSize: H, h0, c0, dropout, seed: 21, backend } as const;
    const check = (analytic: Float32Array, theta: Float32Array, loss: () => number): void => {
      for (let i = 0; i < theta.length; i += 2) {
        const fd = finiteDifference(theta, i, 1e-2, loss);
        expect(Math.abs(analytic[i] - fd)).toBeLessThan(2e-3 + 2e-3 * Math.abs(fd));
      }
    };

    test('LSTM: x, W, U, b, h0, c0', () => {
      const loss = () => {
        const r = v.run(() => lstm(x, lstmParams, opts));
        return dot(r.output, gOut) + dot(r.h, gH) + dot(r.c, gC);
      };
      const r = v.run(() => lstm(x, lstmParams, opts));
      const g = v.run(() => lstmBackward(r.tape, gOut, { dh: gH, dc: gC }));
      check(g.dx, x, loss);
      check(g.dW, lstmParams.W, loss);
      check(g.dU, lstmParams.U, loss);
      check(g.db, lstmParams.b, loss);
      check(g.dh0, h0, loss);
      check(g.dc0, c0, loss);
    });

    test('GRU: x, W, U, bW, bU, h0', () => {
      const { c0: _unused, ...gopts } = opts;
      const loss = () => {
        const r = v.run(() => gru(x, gruParams, gopts));
        return dot(r.output, gOut) + dot(r.h, gH);
      };
      const r = v.run(() => gru(x, gruParams, gopts));
      const g = v.run(() => gruBackward(r.tape, gOut, { dh: gH }));
      check(g.dx, x, loss);
      check(g.dW, gruParams.W, loss);
      check(g.dU, gruParams.U, loss);
      check(g.dbW, gruParams.bW, loss);
      check(g.dbU, gruParams.bU, loss);
      check(g.dh0, h0, loss);
    });
  });

  describe('F15–F16 RNNDrop', () => {
    const [b, t, d, h] = [200, 6, 4, 50];
    const xs = normal(b * t * d, { seed: 31 });
    const W = normal(4 * h * d, { seed: 32, std: 0.5 }), U = normal(4 * h * h, { seed: 33, std: 0.2 }), bias = normal(4 * h, { seed: 34 });

    test('1–2: the same cell units are zero at every step, in c and h; rate test over B·H; examples differ', () => {
      const r = v.run(() => lstm(xs, { W, U, b: bias }, { shape: [b, t, d], hiddenSize: h, dropout: { kind: 'rnndrop', p: 0.4 }, seed: 35, backend }));
      let zeros = 0, bad = 0;
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

    test('3: no compounding: with U = 0, kept cells equal the unmasked c_t for 200 steps', () => {
      const steps = 200, bb = 4, hh = 8;
      const xx = normal(bb * steps * d, { seed: 36 });
      const Wl = normal(4 * hh * d, { seed: 37, std: 0.3 }), bl = normal(4 * hh, { seed: 38 });
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

  describe('F17 Semeniuta recurrent dropout', () => {
    // f = i = 1 exactly (biases 40), o irrelevant, g = tanh(W_g x): c_T = Σ_t m_t ⊙ g_t / q
    const [b, t, d, h] = [100, 5, 2, 40];
    const xs = normal(b * t * d, { seed: 41 });
    const W = normal(4 * h * d, { seed: 42, std: 0.5 });
    const bias = new Float32Array(4 * h);
    bias.fill(40, 0, 2 * h);
    const params = { W, U: new Float32Array(4 * h * h), b: bias };

    test('1: dropping never alters accumulated memory; c_T = Σ m_t ⊙ g_t / q', () => {
      const full = v.run(() => lstm(xs, params, { shape: [b, t, d], hiddenSize: h, backend }));
      const r = v.run(() => lstm(xs, params, { shape: [b, t, d], hiddenSize: h, dropout: { kind: 'semeniuta', p: 0.5 }, seed: 43, backend }));
      const cand = r.tape.masks.candidate!;
      for (let e = 0; e < b; e += 7) {
        for (let j = 0; j < h; j++) {
          let c = 0, cPlain = 0;
          for (let s = 0; s < t; s++) {
            const g = Math.tanh(xs.slice((e * t + s) * d, (e * t + s + 1) * d).reduce((acc, xv, k) => acc + W[(2 * h + j) * d + k] * xv, 0));
            c += cand[s * b * h + e * h + j] * g;
            cPlain += g;
          }
          expect(r.c[e * h + j]).toBeCloseTo(c, 4);
          expect(full.c[e * h + j]).toBeCloseTo(cPlain, 4);
        }
      }
    });

    test('2–3: per-step masks differ between steps (agreement q² + p²); per-sequence masks repeat; mean of c_T ≈ unmasked', () => {
      const r = v.run(() => lstm(xs, params, { shape: [b, t, d], hiddenSize: h, dropout: { kind: 'semeniuta', p: 0.3 }, seed: 44, backend }));
      const cand = r.tape.masks.candidate!, n = b * h;
      let agree = 0;
      for (let i = 0; i < n; i++) if ((cand[i] === 0) === (cand[n + i] === 0)) agree++;
      const pe = effectiveP(0.3);
      expect(Math.abs(binomialZ(agree, n, (1 - pe) ** 2 + pe ** 2))).toBeLessThan(5);
      const seq = v.run(() => lstm(xs, params, { shape: [b, t, d], hiddenSize: h, dropout: { kind: 'semeniuta', p: 0.3, maskSampling: 'per-sequence' }, seed: 44, backend }));
      const cs = seq.tape.masks.candidate!;
      for (let s = 1; s < t; s++) expect(Array.from(cs.subarray(s * n, (s + 1) * n))).toEqual(Array.from(cs.subarray(0, n)));
      const full = v.run(() => lstm(xs, params, { shape: [b, t, d], hiddenSize: h, backend }));
      const runs = 40;
      let worst = 0;
      const mean = new Float64Array(n), sq = new Float64Array(n);
      for (let k = 0; k < runs; k++) {
        const rr = v.run(() => lstm(xs, params, { shape: [b, t, d], hiddenSize: h, dropout: { kind: 'semeniuta', p: 0.3 }, seed: 100 + k, backend }));
        for (let i = 0; i < n; i++) (mean[i] += rr.c[i] / runs), (sq[i] += rr.c[i] ** 2 / runs);
      }
      for (let i = 0; i < n; i += 13) {
        const sd = Math.sqrt(Math.max(sq[i] - mean[i] ** 2, 1e-12));
        worst = Math.max(worst, Math.abs(mean[i] - full.c[i]) / (sd / Math.sqrt(runs)));
      }
      expect(worst).toBeLessThan(5);
    });
  });

  describe('F18 Gal variational RNN', () => {
    const [b, t, d, h] = [300, 3, 40, 40];
    const xs = normal(b * t * d, { seed: 51 });
    const params = { W: normal(4 * h * d, { seed: 52 }), U: normal(4 * h * h, { seed: 53 }), b: normal(4 * h, { seed: 54 }) };
    const opts = { shape: [b, t, d], hiddenSize: h, seed: 55, backend } as const;

    test('1: one x mask and one h mask per sequence, for every step; examples and calls differ', () => {
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

    test('2: tied shares one mask; untied gates agree at rate q² + p²', () => {
      const tied = v.run(() => lstm(xs, params, { ...opts, dropout: { kind: 'gal', px: 0.3, ph: 0.3 } }));
      expect(tied.tape.masks.groups.length).toBe(1);
      const untied = v.run(() => lstm(xs, params, { ...opts, dropout: { kind: 'gal', px: 0.3, ph: 0.3, tied: false } }));
      const gs = untied.tape.masks.groups;
      expect(gs.length).toBe(4);
      const pe = effectiveP(0.3), n = b * h;
      for (const [a, c] of [[0, 1], [1, 2], [2, 3], [0, 3]]) {
        let agree = 0;
        for (let i = 0; i < n; i++) if ((gs[a].zh![i] === 0) === (gs[c].zh![i] === 0)) agree++;
        expect(Math.abs(binomialZ(agree, n, (1 - pe) ** 2 + pe ** 2))).toBeLessThan(5);
      }
    });

    test("3: 'mc' pass k draws new masks, reproducible from (seed, k); 'eval' uses none", () => {
      const pass = (k: number) => v.run(() => lstm(xs, params, { ...opts, mode: 'mc', stream: k, dropout: { kind: 'gal' } })).output;
      const a = pass(1), b2 = pass(2), a2 = pass(1);
      expect(Array.from(a)).toEqual(Array.from(a2));
      expect(Array.from(a)).not.toEqual(Array.from(b2));
      const e = v.run(() => lstm(xs, params, { ...opts, mode: 'eval', dropout: { kind: 'gal' } }));
      const plain = v.run(() => lstm(xs, params, opts));
      expect(Array.from(e.output)).toEqual(Array.from(plain.output));
    });
  });

  test('embedding (word-type) dropout: every occurrence of a dropped type is zero in its sequence; rate test; backward', () => {
    const [b, t, V, E] = [400, 30, 50, 3];
    const ids = Int32Array.from(randomBits(b * t, { seed: 61 }), (w) => w % V);
    const table = normal(V * E, { seed: 62 });
    const o = { shape: [b, t], vocabSize: V, p: 0.3, seed: 63, backend } as const;
    const out = v.run(() => embeddingDropout(ids, table, o));
    const scale = Math.fround(1 / (1 - effectiveP(0.3)));
    const state = new Int8Array(b * V).fill(-1);
    let bad = 0;
    for (let e = 0; e < b; e++) {
      for (let s = 0; s < t; s++) {
        const id = ids[e * t + s], k = e * V + id, row = out.subarray((e * t + s) * E, (e * t + s + 1) * E);
        const kept = row.some((x) => x !== 0) ? 1 : 0;
        if (state[k] === -1) state[k] = kept;
        if (state[k] !== kept) bad++;
        if (kept && Math.abs(row[0] - table[id * E] * scale) > 1e-6 * Math.abs(table[id * E] * scale)) bad++;
      }
    }
    expect(bad).toBe(0);
    let seen = 0, dropped = 0;
    for (const s of state) if (s !== -1) (seen++, (dropped += 1 - s));
    expect(Math.abs(binomialZ(dropped, seen, effectiveP(0.3)))).toBeLessThan(5);
    const g = normal(out.length, { seed: 64 });
    const dT = v.run(() => embeddingDropoutBackward(g, ids, { ...o, embeddingSize: E }));
    const loss = () => dot(v.run(() => embeddingDropout(ids, table, o)), g);
    for (let i = 0; i < table.length; i += 7) expect(dT[i]).toBeCloseTo(finiteDifference(table, i, 1e-2, loss), 2);
  });
});

describe('bad input to the recurrent ops', () => {
  const x = new Float32Array(2 * 3 * 4);
  const p = { W: new Float32Array(4 * 5 * 4), U: new Float32Array(4 * 5 * 5), b: new Float32Array(4 * 5) };
  const o = { shape: [2, 3, 4], hiddenSize: 5 };
  test.each([
    [() => lstm(x, p, { ...o, shape: [2, 3, 5] }), RangeError, /shape/],
    [() => lstm(x, p, { ...o, shape: [6, 4] }), TypeError, /shape/],
    [() => lstm(x, p, { ...o, hiddenSize: 4 }), RangeError, /params.W/],
    [() => lstm(x, { ...p, b: new Float32Array(3) }, o), RangeError, /params.b/],
    [() => lstm(x, p, { ...o, dropout: { kind: 'zoneout' } as never }), RangeError, /dropout.kind/],
    [() => lstm(x, p, { ...o, dropout: { kind: 'rnndrop', p: 1.5 } }), RangeError, /dropout.p/],
    [() => lstm(x, p, { ...o, dropout: { kind: 'gal', tied: 'yes' } as never }), TypeError, /dropout.tied/],
    [() => lstm(x, p, { ...o, h0: new Float32Array(3) }), RangeError, /h0/],
    [() => gru(x, { W: new Float32Array(60), U: new Float32Array(75), bW: new Float32Array(15), bU: new Float32Array(15) }, { ...o, c0: new Float32Array(10) }), TypeError, /GRU has no cell/],
    [() => lstmBackward(lstm(x, p, o).tape, new Float32Array(5)), RangeError, /dOutput/],
    [() => embeddingDropout(Int32Array.of(0, 9), new Float32Array(6), { shape: [1, 2], vocabSize: 3 }), RangeError, /ids\[1\]/],
  ])('%#', (call, type, message) => {
    expect(call).toThrow(type);
    expect(call).toThrow(message);
  });
});
