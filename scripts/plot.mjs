// A small raster plot for the demo: MC dropout's predictive mean and ±2σ band over x, with the
// training points, drawn pixel by pixel into a PNG (pngjs encodes it).
import { writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';

/**
 * Writes `file`: band [mean − 2σ, mean + 2σ] (light blue), mean (dark blue), truth (grey, optional)
 * and points (orange) over grid xs, in a width × height frame.
 */
export function writeUncertaintyPlot(file, { xs, mean, std, points, truth, width = 560, height = 280, xRange, yRange }) {
  const png = new PNG({ width, height, colorType: 2 });
  png.data.fill(255);
  const [x0, x1] = xRange,
    [y0, y1] = yRange;
  const px = (x) => Math.round(((x - x0) / (x1 - x0)) * (width - 1));
  const py = (y) => Math.round((1 - (y - y0) / (y1 - y0)) * (height - 1));
  const set = (i, j, [r, g, b]) => {
    if (i < 0 || j < 0 || i >= width || j >= height) return;
    const o = 4 * (j * width + i);
    png.data[o] = r;
    png.data[o + 1] = g;
    png.data[o + 2] = b;
    png.data[o + 3] = 255;
  };
  for (let j = 0; j < height; j += 1) set(px(0), j, [225, 225, 225]); // axes
  for (let i = 0; i < width; i += 1) set(i, py(0), [225, 225, 225]);
  const column = (x) =>
    Math.min(xs.length - 1, Math.max(0, Math.round(((x - xs[0]) / (xs[xs.length - 1] - xs[0])) * (xs.length - 1))));
  for (let i = 0; i < width; i++) {
    const k = column(x0 + ((x1 - x0) * i) / (width - 1));
    for (let j = py(mean[k] + 2 * std[k]); j <= py(mean[k] - 2 * std[k]); j++) set(i, j, [190, 215, 245]);
  }
  const line = (ys, colour, thick) => {
    for (let i = 0; i < width; i++) {
      const k = column(x0 + ((x1 - x0) * i) / (width - 1)),
        k2 = column(x0 + ((x1 - x0) * (i + 1)) / (width - 1));
      const a = py(ys[k]),
        b = py(ys[k2]);
      for (let j = Math.min(a, b) - thick; j <= Math.max(a, b) + thick; j++) set(i, j, colour);
    }
  };
  if (truth) line(truth, [150, 150, 150], 0);
  line(mean, [20, 70, 160], 1);
  for (let k = 0; k < points.x.length; k++) {
    const i = px(points.x[k]),
      j = py(points.y[k]);
    for (let di = -1; di <= 1; di++) for (let dj = -1; dj <= 1; dj++) set(i + di, j + dj, [230, 120, 30]);
  }
  writeFileSync(file, PNG.sync.write(png, { colorType: 2 }));
}
