// npm run pictures: the README's pictures of the convolutional methods, each made by dropmask on
// assets/sample.png (3 × 128 × 128, NCHW): the original on the left, then what the method does.
// Fixed seeds, so the pictures are the same on every backend and every run.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import dropmask from '../dist/index.js';
import { panel, readImage, writePanels } from './image.mjs';

const d = dropmask;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'docs', 'img');
mkdirSync(outDir, { recursive: true });
const { x, h, w } = readImage(join(root, 'assets', 'sample.png'));
const shape = [1, 3, h, w];
const original = panel(x, h, w);
const write = (name, panels) => {
  writePanels(join(outDir, `${name}.png`), [original, ...panels]);
  console.log(`docs/img/${name}.png`);
};

// Max-pooling dropout, 4×4 windows: a training draw and the weighted pooling used at inference.
const pool = { shape, p: 0.85, kernel: 4, seed: 1 };
write('max-pool-dropout', [
  panel(d.maxPoolDropout(x, pool), h / 4, w / 4, 4),
  panel(d.maxPoolDropout(x, { ...pool, mode: 'eval' }), h / 4, w / 4, 4),
]);

// Spatial dropout drops whole channels (colours here), four draws; survivors scaled by 1/q.
write('spatial-dropout', [1, 2, 3, 4].map((seed) => panel(d.spatialDropout(x, { shape, p: 0.5, seed }).map((v) => v / 2), h, w)));

// Cutout: two 40-pixel squares filled with grey, and three circles.
write('cutout', [
  panel(d.cutout(x, { shape, size: 40, holes: 2, fill: 0.5, seed: 3 }).image, h, w),
  panel(d.cutout(x, { shape, size: 36, holes: 3, region: 'circle', seed: 4 }).image, h, w),
]);

// Max-Drop, feature mode with p = 1 and a 21×21 window: each colour channel loses the window
// around its brightest pixel; channel mode drops the strongest colour of 30 % of pixels.
write('max-drop', [
  panel(d.maxDrop(x, { shape, p: 1, kernel: 21, seed: 5 }), h, w),
  panel(d.maxDrop(x, { shape, p: 0.3, granularity: 'channel', seed: 6 }), h, w),
]);

// Stochastic dropout: each pass draws its own rate r ~ U(0, 0.5), then drops elements.
write('stochastic-dropout', [7, 8, 9].map((seed) => {
  const { rate } = d.stochasticDropoutRate({ seed });
  return panel(d.stochasticDropout(x, { seed }).map((v) => v * (1 - rate)), h, w);
}));

// DropBlock: 12×12 blocks, keepProb 0.85, one mask for all channels, then per channel.
write('dropblock', [
  panel(d.dropBlock(x, { shape, keepProb: 0.85, blockSize: 12, shareAcrossChannels: true, seed: 10 }).map((v) => v * 0.85), h, w),
  panel(d.dropBlock(x, { shape, keepProb: 0.85, blockSize: 12, seed: 11 }).map((v) => v * 0.85), h, w),
]);

// DropPath on a batch of four copies: the residual branch F(x) = 1 − 2x turns x + F(x) into the
// negative; row mode keeps or drops it per example (test-time scaling, so kept = x + F(x)).
const batch = new Float32Array(4 * x.length);
for (let i = 0; i < 4; i++) batch.set(x, i * x.length);
const branch = batch.map((v) => 1 - 2 * v);
const joined = d.dropPath(batch, branch, { p: 0.5, shape: [4, 3, h, w], scaling: 'test-time', seed: 12 });
write('droppath', [0, 1, 2, 3].map((i) => panel(joined.subarray(i * x.length, (i + 1) * x.length), h, w)));
