// Draws assets/sample.png, the picture the README's method pictures and the demo start from:
// a house, a tree, hills and a sun, 128×128 RGB. Made for dropmask and dedicated to the public
// domain (CC0 1.0), so it can ship anywhere the package does. Run: node scripts/sample-image.mjs
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';

const SIZE = 128;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Coverage of a shape at pixel (x, y) from its signed distance d (negative inside), antialiased over one pixel. */
const cover = (d) => Math.min(1, Math.max(0, 0.5 - d));
const mix = (a, b, t) => a.map((v, i) => v + (b[i] - v) * t);

function colour(x, y) {
  const u = x + 0.5,
    v = y + 0.5;
  let c = mix([70, 130, 210], [200, 225, 250], v / 80); // sky
  c = mix(c, [255, 214, 64], cover(Math.hypot(u - 100, v - 24) - 13)); // sun
  c = mix(c, [92, 160, 80], cover(72 + 8 * Math.sin(u / 14) - v)); // far hills
  c = mix(c, [52, 120, 52], cover(92 + 5 * Math.sin(u / 9 + 1) - v)); // near field
  const wall = Math.max(Math.abs(u - 48) - 20, Math.abs(v - 82) - 16);
  c = mix(c, [220, 200, 170], cover(wall)); // house wall
  const roof = Math.max(v - 66, Math.abs(u - 48) * 0.8 - (v - 44));
  c = mix(c, [170, 50, 40], cover(roof)); // roof
  c = mix(c, [90, 60, 40], cover(Math.max(Math.abs(u - 52) - 5, Math.abs(v - 89) - 9))); // door
  c = mix(c, [120, 180, 230], cover(Math.max(Math.abs(u - 38) - 5, Math.abs(v - 78) - 5))); // window
  c = mix(c, [100, 70, 40], cover(Math.max(Math.abs(u - 98) - 3, Math.abs(v - 88) - 12))); // trunk
  c = mix(c, [40, 110, 50], cover(Math.hypot(u - 98, v - 66) - 14)); // crown
  return c;
}

const png = new PNG({ width: SIZE, height: SIZE, colorType: 2 });
for (let y = 0; y < SIZE; y++) {
  for (let x = 0; x < SIZE; x++) {
    const c = colour(x, y),
      i = (y * SIZE + x) * 4;
    png.data[i] = Math.round(c[0]);
    png.data[i + 1] = Math.round(c[1]);
    png.data[i + 2] = Math.round(c[2]);
    png.data[i + 3] = 255;
  }
}
mkdirSync(join(root, 'assets'), { recursive: true });
writeFileSync(join(root, 'assets', 'sample.png'), PNG.sync.write(png, { colorType: 2 }));
console.log('wrote assets/sample.png');
