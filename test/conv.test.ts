// Convolutional methods (METHODS.md Part F, F9–F14) on every backend and both layouts.
import {
  cutout, cutoutBackward, dropBlock, dropBlockBackward, dropBlockGamma, dropBlockSchedule, dropPath, dropPathBackward,
  dropPathKeep, effectiveP, maxDrop, maxDropBackward, maxPoolDropout, maxPoolDropoutBackward, maxPoolDropoutShape, normal,
  spatialDropout, spatialDropoutBackward, stochasticDepthRates, stochasticDropout, stochasticDropoutBackward,
  stochasticDropoutRate, randomBits, weightedPoolingWeights,
} from '../lib/index';
import type { ConvLayout } from '../lib/index';
import { expectSameBits, finiteDifference, variants } from './helpers';

const binomialZ = (k: number, n: number, r: number): number => (k - n * r) / Math.sqrt(n * r * (1 - r));
const LAYOUTS: ConvLayout[] = ['NCHW', 'NHWC'];

/** Storage index of (n, c, h, w) in a map [N, C, H, W] stored in `layout`. */
const indexer = (C: number, H: number, W: number, layout: ConvLayout) => (n: number, c: number, h: number, w: number): number =>
  layout === 'NCHW' ? ((n * C + c) * H + h) * W + w : ((n * H + h) * W + w) * C + c;
const shapeOf = (N: number, C: number, H: number, W: number, layout: ConvLayout): number[] => (layout === 'NCHW' ? [N, C, H, W] : [N, H, W, C]);

/** Copies an NCHW tensor into the given layout. */
function toLayout(x: Float32Array, N: number, C: number, H: number, W: number, layout: ConvLayout): Float32Array {
  if (layout === 'NCHW') return x.slice();
  const at = indexer(C, H, W, 'NHWC'), out = new Float32Array(x.length);
  for (let n = 0, i = 0; n < N; n++) for (let c = 0; c < C; c++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) out[at(n, c, h, w)] = x[i++];
  return out;
}

describe.each(variants())('convolutional methods on $label', (v) => {
  const backend = v.name;

  describe.each(LAYOUTS)('F9 max-pooling dropout (%s)', (layout) => {
    // 2×2 windows holding {0.1, 0.5, 0.3, 0.9} everywhere: N·C independent windows per call
    const N = 500, C = 200, values = [0.1, 0.5, 0.3, 0.9];
    const at = indexer(C, 2, 2, layout);
    const x = new Float32Array(N * C * 4);
    for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) values.forEach((a, k) => (x[at(n, c, k >> 1, k & 1)] = a));
    const shape = shapeOf(N, C, 2, 2, layout);

    test.each([0.5, 0.3])('1 and 3: the output is a_(k) with probability q·p^(n−k), 0 with p^n; mean ≈ weighted pooling (p = %p)', (p) => {
      const y = v.run(() => maxPoolDropout(x, { shape, layout, p, kernel: 2, seed: 11, backend }));
      expect(y.length).toBe(N * C);
      const sorted = Float32Array.from(values).sort();
      const counts = new Map<number, number>();
      for (const o of y) counts.set(o, (counts.get(o) ?? 0) + 1);
      const pe = effectiveP(p), q = 1 - pe;
      expect(Math.abs(binomialZ(counts.get(0) ?? 0, y.length, pe ** 4))).toBeLessThan(5);
      sorted.forEach((a, k) => expect(Math.abs(binomialZ(counts.get(a) ?? 0, y.length, q * pe ** (3 - k)))).toBeLessThan(5));
      let s = 0, s2 = 0;
      for (const o of y) (s += o), (s2 += o * o);
      const mean = s / y.length, sd = Math.sqrt(s2 / y.length - mean * mean);
      const weighted = v.run(() => maxPoolDropout(x, { shape, layout, p, mode: 'eval', backend }));
      expect(Math.abs(mean - weighted[0]) / (sd / Math.sqrt(y.length))).toBeLessThan(5);
    });

    test('2: weighted pooling gives 0.61875, weights sum to 1 − p^n, p = 0 is max pooling', () => {
      const y = v.run(() => maxPoolDropout(x.subarray(0, 4 * C), { shape: shapeOf(1, C, 2, 2, layout), layout, p: 0.5, mode: 'eval', backend }));
      expect(y[0]).toBeCloseTo(0.61875, 6);
      expect(y.every((o) => o === y[0])).toBe(true);
      const w = weightedPoolingWeights(0.3, 9);
      expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1 - effectiveP(0.3) ** 9, 12);
      const m = normal(2 * 3 * 6 * 8, { seed: 3 });
      for (const mode of ['train', 'eval'] as const) {
        const y0 = v.run(() => maxPoolDropout(m, { shape: shapeOf(2, 3, 6, 8, layout), layout, p: 0, kernel: [3, 2], stride: [2, 2], mode, seed: 1, backend }));
        const idx = indexer(3, 6, 8, layout), odx = indexer(3, 2, 4, layout);
        for (let n = 0; n < 2; n++) for (let c = 0; c < 3; c++) for (let i = 0; i < 2; i++) for (let j = 0; j < 4; j++) {
          let best = -Infinity;
          for (let a = 0; a < 3; a++) for (let b = 0; b < 2; b++) best = Math.max(best, m[idx(n, c, 2 * i + a, 2 * j + b)]);
          expect(y0[odx(n, c, i, j)]).toBe(best);
        }
      }
      const scaled = v.run(() => maxPoolDropout(x, { shape, layout, p: 0.5, mode: 'eval', inference: 'scaled-max', backend }));
      expect(scaled[0]).toBe(Math.fround(0.9 * 0.5));
    });

    test('4: the gradient reaches exactly one input per window, none when all are dropped; finite differences agree', () => {
      const xs = x.subarray(0, 4 * 100 * C);
      const opts = { shape: shapeOf(100, C, 2, 2, layout), layout, p: 0.5, seed: 5, backend } as const;
      const y = v.run(() => maxPoolDropout(xs, opts));
      const dx = v.run(() => maxPoolDropoutBackward(new Float32Array(y.length).fill(1), xs, opts));
      for (let n = 0; n < 100; n++) for (let c = 0; c < C; c++) {
        let hits = 0;
        for (let k = 0; k < 4; k++) hits += dx[at(n, c, k >> 1, k & 1)];
        expect(hits).toBe(y[n * C + c] === 0 ? 0 : 1);
      }
      const small = normal(2 * 3 * 4 * 4, { seed: 7 }).map(Math.abs), g = normal(2 * 3 * 2 * 2, { seed: 8 });
      for (const mode of ['train', 'eval'] as const) {
        const o = { shape: shapeOf(2, 3, 4, 4, layout), layout, p: 0.4, mode, seed: 9, backend } as const;
        const d = v.run(() => maxPoolDropoutBackward(g, small, o));
        const loss = () => v.run(() => maxPoolDropout(small, o)).reduce((s, yy, i) => s + g[i] * yy, 0);
        for (let i = 0; i < small.length; i += 5) expect(d[i]).toBeCloseTo(finiteDifference(small, i, 1e-4, loss), 2);
      }
    });

    test('eval is the same map in both layouts (a transpose)', () => {
      const m = normal(2 * 3 * 6 * 6, { seed: 12 });
      const a = v.run(() => maxPoolDropout(m, { shape: [2, 3, 6, 6], p: 0.3, kernel: 3, stride: 1, mode: 'eval', backend }));
      const b = v.run(() => maxPoolDropout(toLayout(m, 2, 3, 6, 6, 'NHWC'), { shape: [2, 6, 6, 3], layout: 'NHWC', p: 0.3, kernel: 3, stride: 1, mode: 'eval', backend }));
      expectSameBits(b, toLayout(a, 2, 3, 4, 4, 'NHWC'), 'weighted pooling');
      expect(maxPoolDropoutShape({ shape: [2, 6, 6, 3], layout: 'NHWC', kernel: 3, stride: 1 })).toEqual([2, 4, 4, 3]);
    });
  });

  describe.each(LAYOUTS)('F10 spatial dropout (%s)', (layout) => {
    test.each([[[50, 200, 3, 4]], [[20, 500, 7]], [[10, 1000, 2, 2, 3]]])('1–3: each map is all zero or exactly x/q; rate and mean tests; eval; backward (shape %j)', (dims) => {
      const [N, C, ...spatial] = dims;
      const S = spatial.reduce((a, b) => a * b, 1);
      const shape = layout === 'NCHW' ? dims : [N, ...spatial, C];
      const x = normal(N * C * S, { seed: 21, mean: 1 });
      const opts = { shape, layout, p: 0.3, seed: 22, backend } as const;
      const y = v.run(() => spatialDropout(x, opts));
      const q = 1 - effectiveP(0.3), scale = Math.fround(1 / q);
      const mapIndex = (i: number): number => (layout === 'NCHW' ? Math.floor(i / S) : Math.floor(i / (S * C)) * C + (i % C));
      const state = new Int8Array(N * C).fill(-1);
      let bad = 0, s = 0;
      for (let i = 0; i < x.length; i++) {
        const kept = y[i] !== 0 ? 1 : 0, m = mapIndex(i);
        if (state[m] === -1) state[m] = kept;
        if (state[m] !== kept || (kept && y[i] !== Math.fround(x[i] * scale))) bad++;
        s += y[i];
      }
      expect(bad).toBe(0);
      expect(Math.abs(binomialZ(state.reduce((a, b) => a + b, 0), N * C, q))).toBeLessThan(5);
      expect(Math.abs(s / x.length - 1)).toBeLessThan(0.05);
      expectSameBits(v.run(() => spatialDropout(x, { ...opts, mode: 'eval' })), x, 'eval');
      const dy = normal(x.length, { seed: 23 });
      const dx = v.run(() => spatialDropoutBackward(dy, opts));
      for (let i = 0; i < x.length; i += 97) expect(dx[i]).toBe(state[mapIndex(i)] ? Math.fround(dy[i] * scale) : 0);
    });
  });

  describe.each(LAYOUTS)('F11 Cutout (%s)', (layout) => {
    const C = 3, H = 32, W = 32;
    const at = indexer(C, H, W, layout);

    test('1–2: zeros form exactly the returned rectangles in every channel, clipped to the image', () => {
      for (const L of [16, 7]) {
        const N = 200;
        const x = new Float32Array(N * C * H * W).fill(1);
        const { image, centres, applied } = v.run(() => cutout(x, { shape: shapeOf(N, C, H, W, layout), layout, size: L, holes: 2, seed: 31, backend }));
        expect(applied.every((a) => a === 1)).toBe(true);
        let mismatches = 0;
        for (let n = 0; n < N; n++) {
          const rects = [0, 1].map((k) => {
            const cy = centres[(n * 2 + k) * 2], cx = centres[(n * 2 + k) * 2 + 1];
            expect(cy >= 0 && cy < H && cx >= 0 && cx < W).toBe(true);
            const top = cy - Math.floor(L / 2), left = cx - Math.floor(L / 2);
            const area = (Math.min(H, top + L) - Math.max(0, top)) * (Math.min(W, left + L) - Math.max(0, left));
            expect(area).toBeLessThanOrEqual(L * L);
            if (top >= 0 && left >= 0 && top + L <= H && left + L <= W) expect(area).toBe(L * L);
            return [top, left];
          });
          for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) {
            const inside = rects.some(([t, l]) => h >= t && h < t + L && w >= l && w < l + L);
            for (let c = 0; c < C; c++) if ((image[at(n, c, h, w)] === 0) !== inside) mismatches++;
          }
        }
        expect(mismatches).toBe(0);
      }
    });

    test('3: centres are uniform over all pixels, borders included (chi-square); eval and applyProb 0 are identity', () => {
      const N = 20000;
      const x = new Float32Array(N * 1 * 8 * 8);
      const { centres } = v.run(() => cutout(x, { shape: shapeOf(N, 1, 8, 8, layout), layout, size: 4, seed: 32, backend }));
      const cells = new Array(16).fill(0);
      let border = 0;
      for (let i = 0; i < N; i++) {
        const cy = centres[2 * i], cx = centres[2 * i + 1];
        cells[(cy >> 1) * 4 + (cx >> 1)]++;
        if (cy === 0 || cx === 0 || cy === 7 || cx === 7) border++;
      }
      const e = N / 16, chi2 = cells.reduce((s, o) => s + (o - e) ** 2 / e, 0);
      expect(chi2).toBeLessThan(51.2);  // χ²(15) upper 10^-6 quantile
      expect(Math.abs(binomialZ(border, N, 28 / 64))).toBeLessThan(5);
      const img = normal(2 * C * H * W, { seed: 33 });
      const o = { shape: shapeOf(2, C, H, W, layout), layout, seed: 34, backend } as const;
      expectSameBits(v.run(() => cutout(img, { ...o, mode: 'eval' })).image, img, 'eval');
      const skipped = v.run(() => cutout(img, { ...o, applyProb: 0 }));
      expectSameBits(skipped.image, img, 'applyProb 0');
      expect(Array.from(skipped.applied)).toEqual([0, 0]);
    });

    test('rectangles, circles, fill, padded centres and the backward', () => {
      const x = new Float32Array(C * H * W).fill(1);
      const rect = v.run(() => cutout(x, { shape: layout === 'NCHW' ? [C, H, W] : [H, W, C], layout, size: [6, 10], fill: -1, seed: 35, backend }));
      expect(rect.image.filter((a) => a === -1).length).toBeLessThanOrEqual(C * 60);
      const circle = v.run(() => cutout(x, { shape: layout === 'NCHW' ? [C, H, W] : [H, W, C], layout, size: 11, region: 'circle', seed: 36, backend }));
      const [cy, cx] = circle.centres;
      let erased = 0;
      for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) {
        const inCircle = (h - cy) ** 2 + (w - cx) ** 2 <= 5.5 ** 2;
        expect(circle.image[at(0, 1, h, w)] === 0).toBe(inCircle);
        if (inCircle) erased++;
      }
      expect(erased).toBeLessThan(121);
      const N = 5000;
      const padded = v.run(() => cutout(new Float32Array(N * 8 * 8), { shape: shapeOf(N, 1, 8, 8, layout), layout, size: 4, centerRange: 'padded', seed: 37, backend }));
      expect(Math.min(...padded.centres)).toBe(-2);
      expect(Math.max(...padded.centres)).toBe(9);
      const dy = normal(C * H * W, { seed: 38 });
      const o = { shape: layout === 'NCHW' ? [C, H, W] : [H, W, C], layout, size: 9, fill: 5, seed: 39, backend } as const;
      const fwd = v.run(() => cutout(x, o)).image;
      const dx = v.run(() => cutoutBackward(dy, o));
      for (let i = 0; i < dx.length; i++) expect(dx[i]).toBe(fwd[i] === 5 ? 0 : dy[i]);
    });
  });

  describe.each(LAYOUTS)('F12 Max-Drop and stochastic dropout (%s)', (layout) => {
    test('1: feature mode drops each selected map\'s first arg-max; rate test over maps; the rest is x·s', () => {
      const [N, C, H, W] = [100, 100, 4, 5];
      const at = indexer(C, H, W, layout);
      const x = normal(N * C * H * W, { seed: 41 });
      const y = v.run(() => maxDrop(x, { shape: shapeOf(N, C, H, W, layout), layout, p: 0.2, seed: 42, backend }));
      const s = Math.fround(1 / (1 - effectiveP(0.2) / (H * W)));
      let affected = 0, bad = 0;
      for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) {
        let best = -Infinity, arg = -1;
        for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) if (x[at(n, c, h, w)] > best) (best = x[at(n, c, h, w)]), (arg = at(n, c, h, w));
        if (y[arg] === 0) affected++;
        for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) {
          const i = at(n, c, h, w);
          if (i !== arg && y[i] !== Math.fround(x[i] * s)) bad++;
        }
      }
      expect(bad).toBe(0);
      expect(Math.abs(binomialZ(affected, N * C, effectiveP(0.2)))).toBeLessThan(5);
    });

    test('2: channel mode zeroes exactly the arg-max channel at affected positions; rate test; window drop', () => {
      const [N, C, H, W] = [20, 8, 25, 25];
      const at = indexer(C, H, W, layout);
      const x = normal(N * C * H * W, { seed: 43 });
      const shape = shapeOf(N, C, H, W, layout);
      const y = v.run(() => maxDrop(x, { shape, layout, p: 0.3, granularity: 'channel', seed: 44, backend }));
      let affected = 0, bad = 0;
      for (let n = 0; n < N; n++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) {
        let arg = 0;
        for (let c = 1; c < C; c++) if (x[at(n, c, h, w)] > x[at(n, arg, h, w)]) arg = c;
        let zeros = 0;
        for (let c = 0; c < C; c++) if (y[at(n, c, h, w)] === 0) zeros++;
        if (zeros) affected++;
        if (zeros && (zeros !== 1 || y[at(n, arg, h, w)] !== 0)) bad++;
      }
      expect(bad).toBe(0);
      expect(Math.abs(binomialZ(affected, N * H * W, effectiveP(0.3)))).toBeLessThan(5);
      const ones = new Float32Array(x.length).fill(1);
      ones[at(0, 2, 5, 5)] = 2;  // the arg-max of map (0, 2)
      const win = v.run(() => maxDrop(ones, { shape, layout, p: 1, kernel: 3, seed: 45, backend }));
      for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) expect(win[at(0, 2, h, w)] === 0).toBe(Math.abs(h - 5) <= 1 && Math.abs(w - 5) <= 1);
    });

    test('backward: dy ⊙ M · s, checked by finite differences; eval is identity', () => {
      const shape = shapeOf(2, 3, 4, 4, layout);
      const x = normal(96, { seed: 46 }), g = normal(96, { seed: 47 });
      const o = { shape, layout, p: 0.7, kernel: [1, 3] as [number, number], seed: 48, backend };
      const dx = v.run(() => maxDropBackward(g, x, o));
      const loss = () => v.run(() => maxDrop(x, o)).reduce((s, y, i) => s + g[i] * y, 0);
      for (let i = 0; i < x.length; i += 3) expect(dx[i]).toBeCloseTo(finiteDifference(x, i, 1e-4, loss), 2);
      expectSameBits(v.run(() => maxDrop(x, { ...o, mode: 'eval' })), x, 'eval');
    });
  });

  describe('F12 stochastic dropout', () => {
    test('3: one r per pass (x ≡ 1: every nonzero equals 1/(1 − r)); r follows the clipped N(0.02, 0.05)', () => {
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
      let zero = 0, sum = 0;
      for (let i = 0; i < trials; i++) {
        const r = stochasticDropoutRate({ rate, seed: 52, offset: i * 4, backend }).rate;
        if (r === 0) zero++;
        sum += r;
      }
      expect(Math.abs(binomialZ(zero, trials, 0.3446))).toBeLessThan(5);
      expect(Math.abs(sum / trials - 0.0315)).toBeLessThan(5 * 0.035 / Math.sqrt(trials) + 2e-4);
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
      expectSameBits(v.run(() => stochasticDropout(x, { ...o, mode: 'eval' })), x, 'eval');
      let skipped = 0;
      for (let i = 0; i < 2000; i++) if (!stochasticDropoutRate({ ...o, layerProb: 0.25, offset: 4 * i }).applied) skipped++;
      expect(Math.abs(binomialZ(skipped, 2000, 0.75))).toBeLessThan(5);
    });
  });

  describe.each(LAYOUTS)('F13 DropBlock (%s)', (layout) => {
    // 5·10^4 maps of 14×14 (one interior cell each for the rate test)
    const [N, C, H, W] = [200, 250, 14, 14];
    const at = indexer(C, H, W, layout);
    const shape = shapeOf(N, C, H, W, layout);
    let y: Float32Array;
    beforeAll(() => {
      const x = new Float32Array(N * C * H * W).fill(1);
      y = v.run(() => dropBlock(x, { shape, layout, keepProb: 0.9, blockSize: 7, seed: 61, backend }));
    });
    afterAll(() => {
      y = new Float32Array(0);
    });

    test('1 and 3: zeros are unions of whole 7×7 blocks inside the map; survivors equal numel/ΣM', () => {
      let zeros = 0, bad = 0;
      for (const a of y) if (a === 0) zeros++;
      const scale = Math.fround(y.length / (y.length - zeros));
      for (const a of y) if (a !== 0 && a !== scale) bad++;
      expect(bad).toBe(0);
      for (let m = 0; m < 300; m++) {
        const n = m % N, c = (m * 7) % C;
        const z = (h: number, w: number): boolean => y[at(n, c, h, w)] === 0;
        for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) {
          if (!z(h, w)) continue;
          let covered = false;
          for (let t = Math.max(0, h - 6); t <= Math.min(H - 7, h) && !covered; t++) {
            for (let l = Math.max(0, w - 6); l <= Math.min(W - 7, w) && !covered; l++) {
              let all = true;
              for (let i = 0; i < 7 && all; i++) for (let j = 0; j < 7 && all; j++) all = z(t + i, l + j);
              covered = all;
            }
          }
          if (!covered) bad++;
        }
      }
      expect(bad).toBe(0);
    });

    test('2: the drop fraction matches (1/HW) Σ [1 − (1−γ)^n_cell] (0.0929); an interior cell drops at 0.2645', () => {
      const gamma = dropBlockGamma(0.9, 7, 14, 14);
      expect(gamma).toBeCloseTo(0.00625, 10);
      const ge = 1 - effectiveP(1 - gamma);
      const cover = (i: number): number => Math.min(i, 7) - Math.max(0, i - 6) + 1;
      let expected = 0, expectedRaw = 0;
      for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) {
        expected += 1 - (1 - ge) ** (cover(h) * cover(w));
        expectedRaw += 1 - (1 - gamma) ** (cover(h) * cover(w));
      }
      expected /= H * W;
      expect(expectedRaw / (H * W)).toBeCloseTo(0.0929, 4);
      expect(1 - (1 - gamma) ** 49).toBeCloseTo(0.2645, 4);
      const maps = N * C;
      const fractions = new Float64Array(maps);
      let interior = 0;
      for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) {
        let z = 0;
        for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) if (y[at(n, c, h, w)] === 0) z++;
        fractions[n * C + c] = z / (H * W);
        if (y[at(n, c, 7, 7)] === 0) interior++;
      }
      const mean = fractions.reduce((a, b) => a + b, 0) / maps;
      const sd = Math.sqrt(fractions.reduce((a, b) => a + (b - mean) ** 2, 0) / maps);
      expect(Math.abs(mean - expected)).toBeLessThan((5 * sd) / Math.sqrt(maps));
      expect(Math.abs(binomialZ(interior, maps, 1 - (1 - ge) ** 49))).toBeLessThan(5);
    });

    test('3 and 4: keepProb 1 and eval are identity; channels differ unless shared; backward', () => {
      const small = normal(4 * 6 * 10 * 10, { seed: 62 });
      const s = shapeOf(4, 6, 10, 10, layout), idx = indexer(6, 10, 10, layout);
      expectSameBits(v.run(() => dropBlock(small, { shape: s, layout, keepProb: 1, seed: 1, backend })), small, 'keepProb 1');
      expectSameBits(v.run(() => dropBlock(small, { shape: s, layout, mode: 'eval', backend })), small, 'eval');
      const ones = new Float32Array(small.length).fill(1);
      for (const shared of [false, true]) {
        const o = { shape: s, layout, keepProb: 0.7, blockSize: 3, shareAcrossChannels: shared, seed: 63, backend };
        const m = v.run(() => dropBlock(ones, o));
        let differ = 0;
        for (let n = 0; n < 4; n++) for (let c = 1; c < 6; c++) for (let h = 0; h < 10; h++) for (let w = 0; w < 10; w++) {
          if ((m[idx(n, c, h, w)] === 0) !== (m[idx(n, 0, h, w)] === 0)) differ++;
        }
        if (shared) expect(differ).toBe(0);
        else expect(differ).toBeGreaterThan(0);
        const dy = normal(small.length, { seed: 64 });
        const dx = v.run(() => dropBlockBackward(dy, o));
        for (let i = 0; i < dy.length; i++) expect(dx[i]).toBe(m[i] === 0 ? 0 : Math.fround(dy[i] * m[i]));
      }
      expect(dropBlockSchedule({ step: 0, totalSteps: 100 })).toBe(1);
      expect(dropBlockSchedule({ step: 50, totalSteps: 100 })).toBeCloseTo(0.95, 12);
      expect(dropBlockSchedule({ step: 500, totalSteps: 100, targetKeepProb: 0.8 })).toBeCloseTo(0.8, 12);
    });
  });

  describe('F14 DropPath / stochastic depth', () => {
    const [N, D] = [20000, 6];
    const x = normal(N * D, { seed: 71 }), f = normal(N * D, { seed: 72 });

    test('1 and 2: per example y − x is 0 or F/q exactly; batch mode agrees across examples; rate and mean tests', () => {
      const p = 0.3, q = 1 - effectiveP(p), s = Math.fround(1 / q);
      const y = v.run(() => dropPath(x, f, { p, shape: [N, D], seed: 73, backend }));
      let kept = 0, bad = 0, mean = 0, ref = 0;
      for (let n = 0; n < N; n++) {
        const k = y[n * D] !== x[n * D] || f[n * D] === 0 ? (y[n * D] === Math.fround(x[n * D] + Math.fround(f[n * D] * s)) ? 1 : 0) : 0;
        kept += k;
        for (let d = 0; d < D; d++) {
          const i = n * D + d;
          if (y[i] !== (k ? Math.fround(x[i] + Math.fround(f[i] * s)) : x[i])) bad++;
          mean += y[i];
          ref += x[i] + f[i];
        }
      }
      expect(bad).toBe(0);
      expect(Math.abs(binomialZ(kept, N, q))).toBeLessThan(5);
      expect(Math.abs(mean - ref) / (N * D)).toBeLessThan(0.02);
      const keep = dropPathKeep({ p, shape: [N, D], seed: 73, backend });
      expect(keep.reduce((a, b) => a + b, 0)).toBe(kept);
      for (const seed of [1, 2, 3, 4]) {
        const yb = v.run(() => dropPath(x.subarray(0, 60), f.subarray(0, 60), { p: 0.5, shape: [10, 6], granularity: 'batch', seed, backend }));
        const dropped = yb.every((a, i) => a === x[i]);
        const all = yb.every((a, i) => a === Math.fround(x[i] + Math.fround(f[i] * 2)));
        expect(dropped || all).toBe(true);
      }
    });

    test('3: linear depth rule; test-time scaling; backward', () => {
      const rates = stochasticDepthRates(10);
      expect(1 - rates[0]).toBeCloseTo(1 - 0.5 / 10, 12);
      expect(1 - rates[9]).toBeCloseTo(0.5, 12);
      const q = 1 - effectiveP(0.25);
      const e = v.run(() => dropPath(x, f, { p: 0.25, shape: [N, D], scaling: 'test-time', mode: 'eval', backend }));
      expect(e[3]).toBe(Math.fround(x[3] + Math.fround(f[3] * Math.fround(q))));
      const inv = v.run(() => dropPath(x, f, { p: 0.25, shape: [N, D], mode: 'eval', backend }));
      expect(inv[3]).toBe(Math.fround(x[3] + f[3]));
      const o = { p: 0.4, shape: [N, D], seed: 74, backend } as const;
      const y = v.run(() => dropPath(x, f, o));
      const dF = v.run(() => dropPathBackward(f, o));
      for (let i = 0; i < 600; i++) expect(Math.fround(x[i] + dF[i])).toBe(y[i]);
    });
  });
});

describe('bad input to the convolutional methods', () => {
  const x = new Float32Array(2 * 3 * 4 * 4);
  test.each([
    [() => maxPoolDropout(x, { shape: [2, 3, 4, 5] }), RangeError, /shape/],
    [() => maxPoolDropout(x, { shape: [6, 4, 4] }), RangeError, /rank 4/],
    [() => maxPoolDropout(x, {} as never), TypeError, /shape/],
    [() => maxPoolDropout(x, { shape: [2, 3, 4, 4], kernel: 5 }), RangeError, /kernel/],
    [() => maxPoolDropout(x, { shape: [2, 3, 4, 4], kernel: [2, 0] }), RangeError, /kernel\[1\]/],
    [() => maxPoolDropout(x, { shape: [2, 3, 4, 4], layout: 'NWHC' as never }), RangeError, /layout/],
    [() => maxPoolDropout(x, { shape: [2, 3, 4, 4], p: 2 }), RangeError, /p/],
    [() => maxPoolDropout(x, { shape: [2, 3, 4, 4], out: new Float32Array(3) }), RangeError, /out.length/],
    [() => maxPoolDropoutBackward(new Float32Array(1), x, { shape: [2, 3, 4, 4], seed: 1 }), RangeError, /dy.length/],
    [() => spatialDropout(x, { shape: [96] }), RangeError, /rank/],
    [() => dropBlock(x, { shape: [2, 3, 4, 4], blockSize: 0 }), RangeError, /blockSize/],
    [() => dropBlock(x, { shape: [2, 3, 4, 4], blockSize: 2.5 }), RangeError, /blockSize/],
    [() => dropBlock(x, { shape: [2, 3, 4, 4], keepProb: -0.1 }), RangeError, /keepProb/],
    [() => dropBlock(x, { shape: [2, 3, 4, 4], shareAcrossChannels: 1 as never }), TypeError, /shareAcrossChannels/],
    [() => cutout(x, { shape: [2, 3, 4, 4], holes: -1 }), RangeError, /holes/],
    [() => cutout(x, { shape: [2, 3, 4, 4], size: 0 }), RangeError, /size/],
    [() => cutout(x, { shape: [2, 3, 4, 4], region: 'star' as never }), RangeError, /region/],
    [() => cutout(x, { shape: [96] }), RangeError, /rank 3/],
    [() => cutout(x, { shape: [2, 3, 4, 4], applyProb: 1.5 }), RangeError, /applyProb/],
    [() => maxDrop(x, { shape: [2, 3, 4, 4], granularity: 'pixel' as never }), RangeError, /granularity/],
    [() => maxDrop(x, { shape: [2, 3, 4, 4], p: 1, kernel: 4 }), RangeError, /p·kh·kw/],
    [() => stochasticDropout(x, { rate: { distribution: 'uniform', low: 0.5, high: 0.1 } }), RangeError, /rate.high/],
    [() => stochasticDropout(x, { rate: { distribution: 'normal', mean: 0, std: -1 } }), RangeError, /rate.std/],
    [() => stochasticDropout(x, { rate: 0.1 as never }), TypeError, /rate/],
    [() => dropPath(x, new Float32Array(3), { p: 0.1 }), RangeError, /branch.length/],
    [() => dropPath(x, x, { p: 0.1, shape: [5, 5] }), RangeError, /shape/],
    [() => dropPathBackward(x, { p: 0.1 }), TypeError, /seed/],
    [() => stochasticDepthRates(0), RangeError, /blocks/],
    [() => dropBlockSchedule({ step: -1, totalSteps: 10 }), RangeError, /step/],
  ])('%#', (call, type, message) => {
    expect(call).toThrow(type);
    expect(call).toThrow(message);
  });

  test('uniform draws feed Cutout centres exactly as documented', () => {
    const { centres, applied } = cutout(new Float32Array(8 * 8), { shape: [1, 8, 8], size: 2, seed: 5, applyProb: 0.5 });
    const raw = randomBits(3, { seed: 5 });
    expect(applied[0]).toBe((raw[0] >>> 8) * 2 ** -24 < 0.5 ? 1 : 0);
    expect(centres[0]).toBe(Math.floor((raw[1] * 8) / 2 ** 32));
    expect(centres[1]).toBe(Math.floor((raw[2] * 8) / 2 ** 32));
  });
});
