// Max-Drop on every backend and both layouts: feature mode drops each selected map's arg-max,
// channel mode the arg-max channel at a position, windows around it; the backward; eval.
import { effectiveP, maxDrop, maxDropBackward, normal } from '../../../lib/index';
import { LAYOUTS, binomialZ, expectSameBits, finiteDifference, indexer, shapeOf, variants } from '../../helpers';

describe.each(variants())('Max-Drop on $label', (v) => {
  const backend = v.name;

  describe.each(LAYOUTS)('%s layout', (layout) => {
    test("feature mode drops each selected map's first arg-max; rate test over maps; the rest is x·s", () => {
      const [N, C, H, W] = [100, 100, 4, 5];
      const at = indexer(C, H, W, layout);
      const x = normal(N * C * H * W, { seed: 41 });
      const y = v.run(() => maxDrop(x, { shape: shapeOf(N, C, H, W, layout), layout, p: 0.2, seed: 42, backend }));
      const s = Math.fround(1 / (1 - effectiveP(0.2) / (H * W)));
      let affected = 0,
        bad = 0;
      for (let n = 0; n < N; n++)
        for (let c = 0; c < C; c++) {
          let best = -Infinity,
            arg = -1;
          for (let h = 0; h < H; h++)
            for (let w = 0; w < W; w++) {
              if (x[at(n, c, h, w)] > best) {
                best = x[at(n, c, h, w)];
                arg = at(n, c, h, w);
              }
            }
          if (y[arg] === 0) affected++;
          for (let h = 0; h < H; h++)
            for (let w = 0; w < W; w++) {
              const i = at(n, c, h, w);
              if (i !== arg && y[i] !== Math.fround(x[i] * s)) bad++;
            }
        }
      expect(bad).toBe(0);
      expect(Math.abs(binomialZ(affected, N * C, effectiveP(0.2)))).toBeLessThan(5);
    });

    test('channel mode zeroes exactly the arg-max channel at affected positions; rate test; window drop', () => {
      const [N, C, H, W] = [20, 8, 25, 25];
      const at = indexer(C, H, W, layout);
      const x = normal(N * C * H * W, { seed: 43 });
      const shape = shapeOf(N, C, H, W, layout);
      const y = v.run(() => maxDrop(x, { shape, layout, p: 0.3, granularity: 'channel', seed: 44, backend }));
      let affected = 0,
        bad = 0;
      for (let n = 0; n < N; n++)
        for (let h = 0; h < H; h++)
          for (let w = 0; w < W; w++) {
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
      ones[at(0, 2, 5, 5)] = 2; // the arg-max of map (0, 2)
      const win = v.run(() => maxDrop(ones, { shape, layout, p: 1, kernel: 3, seed: 45, backend }));
      for (let h = 0; h < H; h++)
        for (let w = 0; w < W; w++) expect(win[at(0, 2, h, w)] === 0).toBe(Math.abs(h - 5) <= 1 && Math.abs(w - 5) <= 1);
    });

    test('backward: dy ⊙ M · s, checked by finite differences; eval is identity', () => {
      const shape = shapeOf(2, 3, 4, 4, layout);
      const x = normal(96, { seed: 46 }),
        g = normal(96, { seed: 47 });
      const o = { shape, layout, p: 0.7, kernel: [1, 3] as [number, number], seed: 48, backend };
      const dx = v.run(() => maxDropBackward(g, x, o));
      const loss = () => v.run(() => maxDrop(x, o)).reduce((s, y, i) => s + g[i] * y, 0);
      for (let i = 0; i < x.length; i += 3) expect(dx[i]).toBeCloseTo(finiteDifference(x, i, 1e-4, loss), 2);
      expectSameBits(
        v.run(() => maxDrop(x, { ...o, mode: 'eval' })),
        x,
        'eval',
      );
    });
  });
});

describe('bad input to Max-Drop', () => {
  const x = new Float32Array(2 * 3 * 4 * 4);
  test.each([
    [() => maxDrop(x, { shape: [2, 3, 4, 4], granularity: 'pixel' as never }), RangeError, /granularity/],
    [() => maxDrop(x, { shape: [2, 3, 4, 4], p: 1, kernel: 4 }), RangeError, /p·kh·kw/],
  ])('%#', (call, type, message) => {
    expect(call).toThrow(type);
    expect(call).toThrow(message);
  });
});
