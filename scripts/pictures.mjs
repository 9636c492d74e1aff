// npm run pictures: the README's pictures of the convolutional methods, each made by dropmask on
// assets/sample.png (3 × 128 × 128, NCHW): the original on the left, then what the method does.
// Fixed seeds, so the pictures are the same on every backend and every run.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import dropmask from '../dist/index.js';
import { cnnGallery } from './gallery.mjs';
import { panel, readImage, writePanels } from './image.mjs';

const d = dropmask;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'docs', 'img');
mkdirSync(outDir, { recursive: true });
const { x, h, w } = readImage(join(root, 'assets', 'sample.png'));
const original = panel(x, h, w);
const write = (name, panels) => {
  writePanels(join(outDir, `${name}.png`), [original, ...panels]);
  console.log(`docs/img/${name}.png`);
};

for (const { name, panels } of cnnGallery(d, x, h, w)) write(name, panels.slice(1));
