// PNG in and out for the pictures and the demo: images as float32 NCHW tensors in [0, 1], and
// panels laid side by side with a caption-free gap. PNG encoding by pngjs.
import { readFileSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';

/** Reads an RGB(A) PNG as { x: Float32Array [3, H, W] in [0, 1], h, w }. */
export function readImage(file) {
  const png = PNG.sync.read(readFileSync(file));
  const { width: w, height: h } = png;
  const x = new Float32Array(3 * h * w);
  for (let i = 0; i < h * w; i++) for (let c = 0; c < 3; c++) x[c * h * w + i] = png.data[4 * i + c] / 255;
  return { x, h, w };
}

/** A panel: an image [3, h, w] (or [1, h, w], shown grey) drawn `zoom` times larger. */
export const panel = (x, h, w, zoom = 1) => ({ x, h, w, zoom, channels: x.length / (h * w) });

/** Writes panels side by side, 6 px apart on white, top-aligned; values are clipped to [0, 1]. */
export function writePanels(file, panels) {
  const gap = 6;
  const width = panels.reduce((s, p) => s + p.w * p.zoom, 0) + gap * (panels.length - 1);
  const height = Math.max(...panels.map((p) => p.h * p.zoom));
  const png = new PNG({ width, height, colorType: 2 });
  png.data.fill(255);
  let left = 0;
  for (const p of panels) {
    for (let y = 0; y < p.h * p.zoom; y++) {
      for (let x = 0; x < p.w * p.zoom; x++) {
        const src = Math.floor(y / p.zoom) * p.w + Math.floor(x / p.zoom);
        const o = 4 * (y * width + left + x);
        for (let c = 0; c < 3; c++) {
          const v = p.x[(p.channels === 1 ? 0 : c) * p.h * p.w + src];
          png.data[o + c] = Math.round(255 * Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0)));
        }
      }
    }
    left += p.w * p.zoom + gap;
  }
  writeFileSync(file, PNG.sync.write(png, { colorType: 2 }));
}
