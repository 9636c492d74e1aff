// Cutout on every backend and both layouts: the erased regions are exactly the returned
// rectangles (or circles), centres are uniform, eval and applyProb, fill, padded centres, the backward.
import { cutout, cutoutBackward, normal, randomBits } from '../../../lib/index';
import { LAYOUTS, binomialZ, expectSameBits, indexer, shapeOf, variants } from '../../helpers';

describe.each(variants())('Cutout on $label', (v) => {
  const backend = v.name;

  describe.each(LAYOUTS)('%s layout', (layout) => {
    const C = 3,
      H = 32,
      W = 32;
    const at = indexer(C, H, W, layout);

    test('zeros form exactly the returned rectangles in every channel, clipped to the image', () => {
      for (const L of [16, 7]) {
        const N = 200;
        const x = new Float32Array(N * C * H * W).fill(1);
        const { image, centres, applied } = v.run(() =>
          cutout(x, { shape: shapeOf(N, C, H, W, layout), layout, size: L, holes: 2, seed: 31, backend }),
        );
        expect(applied.every((a) => a === 1)).toBe(true);
        let mismatches = 0;
        for (let n = 0; n < N; n++) {
          const rects = [0, 1].map((k) => {
            const cy = centres[(n * 2 + k) * 2],
              cx = centres[(n * 2 + k) * 2 + 1];
            expect(cy >= 0 && cy < H && cx >= 0 && cx < W).toBe(true);
            const top = cy - Math.floor(L / 2),
              left = cx - Math.floor(L / 2);
            const area = (Math.min(H, top + L) - Math.max(0, top)) * (Math.min(W, left + L) - Math.max(0, left));
            expect(area).toBeLessThanOrEqual(L * L);
            if (top >= 0 && left >= 0 && top + L <= H && left + L <= W) expect(area).toBe(L * L);
            return [top, left];
          });
          for (let h = 0; h < H; h++)
            for (let w = 0; w < W; w++) {
              const inside = rects.some(([t, l]) => h >= t && h < t + L && w >= l && w < l + L);
              for (let c = 0; c < C; c++) if ((image[at(n, c, h, w)] === 0) !== inside) mismatches++;
            }
        }
        expect(mismatches).toBe(0);
      }
    });

    test('centres are uniform over all pixels, borders included (chi-square); eval and applyProb 0 are identity', () => {
      const N = 20000;
      const x = new Float32Array(N * 1 * 8 * 8);
      const { centres } = v.run(() => cutout(x, { shape: shapeOf(N, 1, 8, 8, layout), layout, size: 4, seed: 32, backend }));
      const cells = new Array(16).fill(0);
      let border = 0;
      for (let i = 0; i < N; i++) {
        const cy = centres[2 * i],
          cx = centres[2 * i + 1];
        cells[(cy >> 1) * 4 + (cx >> 1)]++;
        if (cy === 0 || cx === 0 || cy === 7 || cx === 7) border++;
      }
      const e = N / 16,
        chi2 = cells.reduce((s, o) => s + (o - e) ** 2 / e, 0);
      expect(chi2).toBeLessThan(51.2); // χ²(15) upper 10^-6 quantile
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
      const rect = v.run(() =>
        cutout(x, { shape: layout === 'NCHW' ? [C, H, W] : [H, W, C], layout, size: [6, 10], fill: -1, seed: 35, backend }),
      );
      expect(rect.image.filter((a) => a === -1).length).toBeLessThanOrEqual(C * 60);
      const circle = v.run(() =>
        cutout(x, { shape: layout === 'NCHW' ? [C, H, W] : [H, W, C], layout, size: 11, region: 'circle', seed: 36, backend }),
      );
      const [cy, cx] = circle.centres;
      let erased = 0;
      for (let h = 0; h < H; h++)
        for (let w = 0; w < W; w++) {
          const inCircle = (h - cy) ** 2 + (w - cx) ** 2 <= 5.5 ** 2;
          expect(circle.image[at(0, 1, h, w)] === 0).toBe(inCircle);
          if (inCircle) erased++;
        }
      expect(erased).toBeLessThan(121);
      const N = 5000;
      const padded = v.run(() =>
        cutout(new Float32Array(N * 8 * 8), {
          shape: shapeOf(N, 1, 8, 8, layout),
          layout,
          size: 4,
          centerRange: 'padded',
          seed: 37,
          backend,
        }),
      );
      expect(Math.min(...padded.centres)).toBe(-2);
      expect(Math.max(...padded.centres)).toBe(9);
      const dy = normal(C * H * W, { seed: 38 });
      const o = { shape: layout === 'NCHW' ? [C, H, W] : [H, W, C], layout, size: 9, fill: 5, seed: 39, backend } as const;
      const fwd = v.run(() => cutout(x, o)).image;
      const dx = v.run(() => cutoutBackward(dy, o));
      for (let i = 0; i < dx.length; i++) expect(dx[i]).toBe(fwd[i] === 5 ? 0 : dy[i]);
    });
  });
});

describe('bad input to Cutout', () => {
  const x = new Float32Array(2 * 3 * 4 * 4);
  test.each([
    [() => cutout(x, { shape: [2, 3, 4, 4], holes: -1 }), RangeError, /holes/],
    [() => cutout(x, { shape: [2, 3, 4, 4], size: 0 }), RangeError, /size/],
    [() => cutout(x, { shape: [2, 3, 4, 4], region: 'star' as never }), RangeError, /region/],
    [() => cutout(x, { shape: [96] }), RangeError, /rank 3/],
    [() => cutout(x, { shape: [2, 3, 4, 4], applyProb: 1.5 }), RangeError, /applyProb/],
  ])('%#', (call, type, message) => {
    expect(call).toThrow(type);
    expect(call).toThrow(message);
  });
});

test('uniform draws feed Cutout centres exactly as documented', () => {
  const { centres, applied } = cutout(new Float32Array(8 * 8), { shape: [1, 8, 8], size: 2, seed: 5, applyProb: 0.5 });
  const raw = randomBits(3, { seed: 5 });
  expect(applied[0]).toBe((raw[0] >>> 8) * 2 ** -24 < 0.5 ? 1 : 0);
  expect(centres[0]).toBe(Math.floor((raw[1] * 8) / 2 ** 32));
  expect(centres[1]).toBe(Math.floor((raw[2] * 8) / 2 ** 32));
});
