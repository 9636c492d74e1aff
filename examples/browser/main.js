// Loads the edge bundle, draws masks on canvases, runs the checks here and in a Web Worker, and
// publishes window.results (read by test/runtimes/browser.test.ts) when done.
import * as dm from '../../dist/edge.mjs';
import { checks } from './checks.js';

function draw(id, values, w, h, scale = 255) {
  const ctx = document.getElementById(id).getContext('2d');
  const img = ctx.createImageData(w, h);
  for (let i = 0; i < w * h; i++) {
    const v = Math.max(0, Math.min(255, Math.round(values[i] * scale)));
    img.data.set([v, v, v, 255], 4 * i);
  }
  ctx.putImageData(img, 0, 0);
}

try {
  const info = await dm.init();
  draw('bernoulli', dm.bernoulliMask(128 * 128, { p: 0.5, seed: 1, layout: 'uint8' }), 128, 128);
  draw(
    'dropblock',
    dm.dropBlock(new Float32Array(128 * 128).fill(1), { shape: [1, 1, 128, 128], keepProb: 0.8, blockSize: 12, seed: 2 }),
    128,
    128,
    200,
  );
  draw('noise', dm.normal(128 * 128, { mean: 0.5, std: 0.15, seed: 3 }), 128, 128);
  draw(
    'cutout',
    dm.cutout(new Float32Array(128 * 128).fill(0.9), { shape: [1, 128, 128], size: 40, holes: 3, region: 'circle', seed: 4 })
      .image,
    128,
    128,
  );
  const page = checks(dm);
  const worker = await new Promise((resolve, reject) => {
    const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    w.onmessage = (e) => resolve(e.data);
    w.onerror = (e) => reject(new Error(e.message));
  });
  window.results = { info, page, worker };
  document.getElementById('status').textContent =
    `backend ${info.name} (${info.simd}): Bernoulli float32 ${(page.bernoulliPerSecond / 1e9).toFixed(2)} G elements/s`;
  document.getElementById('report').textContent = JSON.stringify(window.results, null, 2);
} catch (e) {
  window.results = { error: String((e && e.stack) || e) };
  document.getElementById('status').textContent = `failed: ${e}`;
}
