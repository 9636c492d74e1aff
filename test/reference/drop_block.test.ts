// DropBlock against timm: huggingface/pytorch-image-models, timm/layers/drop.py at commit
// aa4b5850c1543fa488abf260f18390eda46cf85d (drop_block_2d as rewritten in fff7ec5a: seeds at
// every position, max_pool2d with padding k // 2 and the even-size crop, couple_channels,
// scale_by_keep, with_noise) and at 6ee68e55 (the older drop_block_2d with batchwise=True),
// transcribed below. timm draws its seeds with bernoulli_ (torch's generator); given dropmask's
// seeds — the keep decisions of the call's position at drop probability 1 − γ — the outputs are
// compared exactly, and the dropped fraction statistically against its exact expectation.
// F.max_pool2d's transcription is checked against real torch 2.13 output (MAXPOOL_TORCH).
import { bernoulliMask, dropBlock, dropBlockBackward, dropBlockGamma, normal, streamWords } from '../../lib/index';
import { indexer, shapeOf, toLayout, variants, LAYOUTS } from '../helpers';
import type { ConvLayout } from '../../lib/index';

/** F.max_pool2d(m, (kh, kw), stride 1, padding (kh // 2, kw // 2)) of one plane, then timm's even crop [..., (kh+1)%2:, (kw+1)%2:]. */
function timmBlockMask(seeds: Uint8Array, H: number, W: number, kh: number, kw: number): Uint8Array {
  const ph = Math.floor(kh / 2),
    pw = Math.floor(kw / 2);
  const oh = H + 2 * ph - kh + 1,
    ow = W + 2 * pw - kw + 1;
  const pooled = new Uint8Array(oh * ow);
  for (let i = 0; i < oh; i++)
    for (let j = 0; j < ow; j++) {
      let m = 0;
      for (let a = 0; a < kh; a++)
        for (let b = 0; b < kw; b++) {
          const r = i - ph + a,
            c = j - pw + b;
          if (r >= 0 && r < H && c >= 0 && c < W) m = Math.max(m, seeds[r * W + c]); // padding never wins
        }
      pooled[i * ow + j] = m;
    }
  const dr = (kh + 1) % 2,
    dc = (kw + 1) % 2;
  const block = new Uint8Array(H * W);
  for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) block[r * W + c] = pooled[(r + dr) * ow + c + dc];
  return block;
}

/** torch: the keep mask 1 − block_mask for seeds at (0,0), (2,5), (5,3), (3,6) of a 6 × 7 plane. */
const MAXPOOL_TORCH: [number, number, string[]][] = [
  [4, 3, ['0011000', '0011000', '1111000', '1100000', '1100000', '1100011']],
  [3, 3, ['0011111', '0011000', '1111000', '1111000', '1100000', '1100011']],
  [2, 2, ['0111111', '1111001', '1111000', '1111100', '1100111', '1100111']],
  [6, 7, ['0000000', '0000000', '0000000', '0000000', '0000000', '0000000']],
];

/**
 * timm's drop_block_2d(x, drop_prob, block_size, gamma_scale, with_noise, couple_channels,
 * scale_by_keep) on NCHW x, with block_mask's Bernoulli draw given as seeds [B, 1 | C, H, W] and
 * its normal_() draw as noise (same shape).
 */
function refDropBlock(
  x: Float32Array,
  [B, C, H, W]: number[],
  blockSize: number,
  couple: boolean,
  scaleByKeep: boolean,
  seeds: Uint8Array,
  noise: Float32Array | null,
): Float32Array {
  const kh = Math.min(blockSize, H),
    kw = Math.min(blockSize, W);
  const planes = B * (couple ? 1 : C);
  const keep = new Float32Array(planes * H * W);
  for (let p = 0; p < planes; p++) {
    const block = timmBlockMask(seeds.subarray(p * H * W, (p + 1) * H * W), H, W, kh, kw);
    for (let i = 0; i < H * W; i++) keep[p * H * W + i] = 1 - block[i];
  }
  let scale = 1;
  if (!noise && scaleByKeep) {
    const sum = keep.reduce((a, b) => Math.fround(a + b), 0);
    scale = Math.fround(keep.length / Math.fround(sum + Math.fround(1e-7))); // numel / (sum + 1e-7)
  }
  const out = new Float32Array(x.length);
  for (let b = 0; b < B; b++)
    for (let c = 0; c < C; c++)
      for (let i = 0; i < H * W; i++) {
        const m = (b * (couple ? 1 : C) + (couple ? 0 : c)) * H * W + i,
          e = (b * C + c) * H * W + i;
        out[e] = noise
          ? Math.fround(Math.fround(x[e] * keep[m]) + Math.fround(noise[m] * (1 - keep[m]))) // x * keep_mask + noise
          : Math.fround(x[e] * Math.fround(keep[m] * scale)); // x * (keep_mask * normalize_scale)
      }
  return out;
}

/** The older (6ee68e55) drop_block_2d, batchwise=True: a kept-unit mask (1, C, H, W) from seeds on valid centres, min-pooled. */
function refBatchwise(x: Float32Array, [, C, H, W]: number[], bs: number, centreSeeds: Uint8Array): Float32Array {
  const k = Math.min(bs, W, H),
    half = Math.floor(k / 2);
  const mask = new Float32Array(C * H * W).fill(1);
  for (let c = 0; c < C; c++)
    for (let r = 0; r < H; r++)
      for (let q = 0; q < W; q++) {
        // -max_pool2d(-block_mask, k, stride 1, padding k // 2): 0 if any seed in the centred window
        for (let a = -half; a < k - half; a++)
          for (let d = -half; d < k - half; d++) {
            const rr = r + a,
              qq = q + d;
            if (rr >= 0 && rr < H && qq >= 0 && qq < W && centreSeeds[(c * H + rr) * W + qq]) mask[(c * H + r) * W + q] = 0;
          }
      }
  const sum = mask.reduce((a, b) => Math.fround(a + b), 0);
  const scale = Math.fround(mask.length / Math.fround(sum + Math.fround(1e-7)));
  return x.map((v, e) => Math.fround(v * Math.fround(mask[e % (C * H * W)] * scale)));
}

/** timm's x · 0 is −0 for negative x where dropmask writes +0: equal numbers, not equal bits. */
const plusZero = (a: Float32Array): Float32Array => a.map((e) => (e === 0 ? 0 : e));

/** NCHW copy of a tensor stored in `layout`. */
function fromLayout(y: Float32Array, [N, C, H, W]: number[], layout: ConvLayout): Float32Array {
  const at = indexer(C, H, W, layout),
    out = new Float32Array(y.length);
  for (let n = 0, i = 0; n < N; n++)
    for (let c = 0; c < C; c++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) out[i++] = y[at(n, c, h, w)];
  return out;
}

test("the transcription of timm's max_pool2d block mask matches torch", () => {
  const seeds = new Uint8Array(6 * 7);
  for (const [y, x] of [
    [0, 0],
    [2, 5],
    [5, 3],
    [3, 6],
  ])
    seeds[y * 7 + x] = 1;
  for (const [kh, kw, rows] of MAXPOOL_TORCH) {
    const keep = Array.from(timmBlockMask(seeds, 6, 7, kh, kw), (b) => 1 - b);
    expect(rows.join('')).toBe(keep.join(''));
  }
});

describe.each(variants())('DropBlock against timm on $label', (v) => {
  const backend = v.name;

  test("seedRegion 'full' is current timm's drop_block_2d: odd, even and clipped blocks, coupled or not, both layouts", () => {
    for (const [N, C, H, W, bs] of [
      [2, 3, 9, 11, 3],
      [2, 2, 8, 8, 4],
      [1, 3, 5, 12, 7],
      [2, 2, 10, 7, 2],
    ]) {
      const x = normal(N * C * H * W, { seed: N + C + H + W });
      for (const couple of [true, false]) {
        for (const layout of LAYOUTS) {
          const opts = {
            shape: shapeOf(N, C, H, W, layout),
            layout,
            keepProb: 0.7,
            blockSize: bs,
            seedRegion: 'full',
            shareAcrossChannels: couple,
            seed: 11,
            backend,
          } as const;
          const gamma = dropBlockGamma(0.7, bs, H, W, { seedRegion: 'full' });
          const planes = N * (couple ? 1 : C);
          const seedsStored = bernoulliMask(planes * H * W, { p: 1 - gamma, layout: 'uint8', seed: 11, backend: 'js' });
          // the seeds are drawn in storage order: back to NCHW planes for the reference
          const seeds = Uint8Array.from(fromLayout(Float32Array.from(seedsStored), [N, couple ? 1 : C, H, W], layout));
          const xs = toLayout(x, N, C, H, W, layout);
          for (const scaleByKeep of [true, false]) {
            const y = v.run(() => dropBlock(xs, { ...opts, scaleByKeep }));
            expect(fromLayout(y, [N, C, H, W], layout)).toEqual(
              plusZero(refDropBlock(x, [N, C, H, W], bs, couple, scaleByKeep, seeds, null)),
            );
          }
          // with_noise: the noise follows the seeds in the stream, one per mask element
          const words = streamWords.bernoulli(planes * H * W);
          const noiseStored = normal(planes * H * W, { seed: 11, offset: words, backend: 'js' });
          const noise = fromLayout(noiseStored, [N, couple ? 1 : C, H, W], layout);
          const y = v.run(() => dropBlock(xs, { ...opts, withNoise: true }));
          expect(fromLayout(y, [N, C, H, W], layout)).toEqual(
            plusZero(refDropBlock(x, [N, C, H, W], bs, couple, true, seeds, noise)),
          );
          const dy = new Float32Array(x.length).fill(1);
          const dx = v.run(() => dropBlockBackward(dy, { ...opts, withNoise: true }));
          expect(Array.from(dx, (d, i) => (d === 1) === (y[i] === xs[i]))).not.toContain(false);
        }
      }
    }
  });

  test('shareAcrossBatch is older timm batchwise=True: one mask (1, C, H, W) for every example', () => {
    const [N, C, H, W, bs] = [3, 2, 10, 10, 3];
    const x = normal(N * C * H * W, { seed: 5 });
    const y = v.run(() =>
      dropBlock(x, { shape: [N, C, H, W], keepProb: 0.8, blockSize: bs, shareAcrossBatch: true, seed: 6, backend }),
    );
    // the valid region's seeds are the top-left corners; the reference's valid centres sit ⌊k/2⌋ further
    const g = H - bs + 1;
    const corners = bernoulliMask(C * g * g, { p: 1 - dropBlockGamma(0.8, bs, H, W), layout: 'uint8', seed: 6, backend: 'js' });
    const centres = new Uint8Array(C * H * W);
    for (let c = 0; c < C; c++)
      for (let r = 0; r < g; r++) for (let q = 0; q < g; q++) centres[(c * H + r + 1) * W + q + 1] = corners[(c * g + r) * g + q];
    expect(y).toEqual(plusZero(refBatchwise(x, [N, C, H, W], bs, centres)));
  });

  test("the dropped fraction: 'full' drops about 2.2× what 'valid' drops (14×14, blockSize 7, keepProb 0.9)", () => {
    const [N, C, H, W, bs] = [64, 8, 14, 14, 7];
    const x = new Float32Array(N * C * H * W).fill(1);
    const expected = (full: boolean): number => {
      // exact: a unit survives iff none of the n seed positions whose block covers it fires
      const gamma = 1 - Math.round((1 - dropBlockGamma(0.9, bs, H, W, { seedRegion: full ? 'full' : 'valid' })) * 65536) / 65536;
      let sum = 0;
      for (let r = 0; r < H; r++)
        for (let q = 0; q < W; q++) {
          const span = (p: number, n: number) =>
            full
              ? Math.min(n - 1, p + Math.floor(bs / 2)) - Math.max(0, p + Math.floor(bs / 2) - bs + 1) + 1
              : Math.min(n - bs, p) - Math.max(0, p - bs + 1) + 1;
          sum += 1 - (1 - gamma) ** (span(r, H) * span(q, W));
        }
      return sum / (H * W);
    };
    /** The dropped fraction of every (example, channel) plane: independent draws. */
    const fractions = (full: boolean): number[] => {
      const y = v.run(() =>
        dropBlock(x, {
          shape: [N, C, H, W],
          keepProb: 0.9,
          blockSize: bs,
          seedRegion: full ? 'full' : 'valid',
          seed: 9,
          backend,
        }),
      );
      return Array.from(
        { length: N * C },
        (_, p) => y.subarray(p * H * W, (p + 1) * H * W).filter((e) => e === 0).length / (H * W),
      );
    };
    expect(expected(false)).toBeCloseTo(0.093, 3); // the README's 0.0929, with γ quantised
    const ratio = expected(true) / expected(false); // 2.25
    expect(ratio).toBeGreaterThan(2.1);
    expect(ratio).toBeLessThan(2.4);
    for (const full of [false, true]) {
      const f = fractions(full),
        mean = f.reduce((a, b) => a + b, 0) / f.length,
        sd = Math.sqrt(f.reduce((a, b) => a + (b - mean) ** 2, 0) / (f.length - 1));
      expect(Math.abs(mean - expected(full)) / (sd / Math.sqrt(f.length))).toBeLessThan(5);
    }
  });
});
