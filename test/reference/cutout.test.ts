// Cutout against the reference code: uoguelph-mlrg/Cutout, util/cutout.py at commit
// 287f934ea5fa00d4345c2cccecf3552e2b1c33e3 (class Cutout, __call__), transcribed below. Given the
// centres dropmask drew (the reference draws y = np.random.randint(h), x = np.random.randint(w):
// the same distribution as centerRange 'image'), boxRule 'reference' erases exactly its pixels,
// (L − 1)×(L − 1) for odd L; the default erases L×L.
import { cutout, uniform } from '../../lib/index';
import { variants } from '../helpers';

/** Cutout.__call__ on img [C, H, W] with the hole centres given instead of drawn. */
function refCutout(img: Float32Array, [C, h, w]: number[], length: number, centres: [number, number][]): Float32Array {
  const mask = new Float32Array(h * w).fill(1);
  const clip = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);
  const half = Math.floor(length / 2); // length // 2
  for (const [y, x] of centres) {
    const y1 = clip(y - half, 0, h),
      y2 = clip(y + half, 0, h),
      x1 = clip(x - half, 0, w),
      x2 = clip(x + half, 0, w);
    for (let r = y1; r < y2; r++) for (let c = x1; c < x2; c++) mask[r * w + c] = 0; // mask[y1: y2, x1: x2] = 0.
  }
  const out = new Float32Array(img.length); // img * mask.expand_as(img)
  for (let c = 0; c < C; c++) for (let i = 0; i < h * w; i++) out[c * h * w + i] = img[c * h * w + i] * mask[i];
  return out;
}

describe.each(variants())('Cutout against the reference on $label', (v) => {
  const backend = v.name;
  const shape = [3, 20, 24];
  // positive pixels: the reference multiplies by 0, which would give −0 for negative ones
  const img = uniform(3 * 20 * 24, { seed: 1 }).map((u) => u + 0.5);

  test("boxRule 'reference' erases the reference's pixels for odd and even L, several holes, at the edges", () => {
    for (const length of [1, 2, 5, 8, 9, 16, 17]) {
      for (let seed = 0; seed < 12; seed++) {
        const r = v.run(() => cutout(img, { shape, size: length, holes: 3, boxRule: 'reference', seed, backend }));
        const centres: [number, number][] = [0, 1, 2].map((k) => [r.centres[2 * k], r.centres[2 * k + 1]]);
        expect(r.image).toEqual(refCutout(img, shape, length, centres));
      }
    }
  });

  test("the erased area: (L − 1)² for odd L inside the image with boxRule 'reference', L² by default", () => {
    const big = new Float32Array(64 * 64).fill(1);
    const count = (a: Float32Array): number => a.reduce((n, x) => n + (x === 0 ? 1 : 0), 0);
    for (let seed = 0; seed < 40; seed++) {
      const opts = { shape: [1, 64, 64], size: 9, seed, backend };
      const exact = v.run(() => cutout(big, opts));
      const [cy, cx] = exact.centres;
      if (cy < 4 || cy > 59 || cx < 4 || cx > 59) continue; // clipped by the edge
      expect(count(exact.image)).toBe(81);
      expect(count(v.run(() => cutout(big, { ...opts, boxRule: 'reference' })).image)).toBe(64);
    }
    expect(() => cutout(big, { shape: [1, 64, 64], boxRule: 'numpy' as 'exact', seed: 1, backend })).toThrow(/for boxRule/);
  });
});
