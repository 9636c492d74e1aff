// npm run demo: every method on the shipped sample image and small generated tensors, written as a
// gallery (demo-out/index.html and PNGs), with the chosen backend and a short throughput table on
// the terminal. Options: --out DIR (default demo-out), --quiet.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import dropmask from '../dist/index.js';
import { cnnGallery, denseGallery, rnnGallery, tfjsGallery } from './gallery.mjs';
import { readImage, writePanels } from './image.mjs';
import { writeUncertaintyPlot } from './plot.mjs';

const d = dropmask;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: { out: { type: 'string', default: join(root, 'demo-out') }, quiet: { type: 'boolean', default: false } },
});
const out = args.out;
mkdirSync(out, { recursive: true });
const started = performance.now();
const steps = 7;
let step = 0;
const progress = (what) => {
  if (!args.quiet) console.log(`[${++step}/${steps}] ${what} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
};

const info = d.backendInfo();
console.log(
  `dropmask demo — backend ${info.name} (${info.simd}): ${info.reason}${info.nativeError ? `\n  native unavailable: ${info.nativeError}` : ''}`,
);
console.log(`writing the gallery to ${relative(process.cwd(), out) || '.'}/\n`);

const figures = [];
const addFigures = (entries) => {
  for (const { name, methods, caption, panels } of entries) {
    writePanels(join(out, `${name}.png`), panels);
    figures.push({ file: `${name}.png`, methods, caption });
  }
};

progress('convolutional methods on assets/sample.png');
const { x, h, w } = readImage(join(root, 'assets', 'sample.png'));
addFigures(cnnGallery(d, x, h, w));

progress('dense-layer methods on generated activations');
addFigures(denseGallery(d));

progress('recurrent dropout masks over time');
addFigures(rnnGallery(d));

progress('MC dropout: training an MLP on a noisy sine, then 100 stochastic passes');
const train = d.noisySine(200, { seed: 40, noise: 0.1, low: -3, high: 3 });
const mlp = new d.Mlp({ sizes: [1, 64, 64, 1], dropout: { method: 'dropout', p: 0.1 }, seed: 41 });
mlp.train(train.x, train.y, { epochs: 150, seed: 42 });
const grid = Float32Array.from({ length: 240 }, (_, i) => -7 + (14 * i) / 239);
const pred = mlp.predict(grid, { seed: 43, examples: grid.length, samples: 100 });
writeUncertaintyPlot(join(out, 'mc-dropout.png'), {
  xs: grid,
  mean: pred.mean,
  std: pred.variance.map(Math.sqrt),
  points: train,
  truth: grid.map(Math.sin),
  xRange: [-7, 7],
  yRange: [-3, 3],
});
figures.push({
  file: 'mc-dropout.png',
  methods: ['mcPredict'],
  caption:
    'MC dropout on a noisy sine (orange: the 200 training points in [−3, 3]; grey: sin x): predictive mean (dark blue) and ±2σ band (light blue) of the MLP [1, 64, 64, 1] with dropout 0.1, 100 passes. The band widens away from the data.',
});

progress('TF.js: a tf.layers MLP on the UCI digits with and without dropmask/tfjs dropout');
{
  const require = createRequire(import.meta.url);
  const { warn, log } = console;
  let tf;
  try {
    console.warn = console.log = () => {}; // tfjs advertises tfjs-node when it loads
    tf = require('@tensorflow/tfjs');
    const wasm = require('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + '/');
    await tf.setBackend('wasm');
  } catch {
    tf = tf && (await tf.setBackend('cpu')) ? tf : undefined;
  } finally {
    Object.assign(console, { warn, log });
  }
  if (!tf) {
    console.log('  skipped: @tensorflow/tfjs does not load here');
  } else {
    const tfjs = require('../dist/tfjs/index.js');
    const digits = readFileSync(join(root, 'test', 'fixtures', 'digits.txt'), 'utf8');
    const figure = await tfjsGallery(d, tf, tfjs, digits);
    addFigures([figure]);
    const f = figure.final;
    console.log(
      `  tfjs ${tf.getBackend()}: final held-out loss ${f.plain.validation.toFixed(3)} without dropout, ${f.dropout.validation.toFixed(3)} with dropmask/tfjs dropout`,
    );
  }
}

progress('throughput');
d.setThreads(1);
const rate = (n, fn, reps = 5) => {
  fn();
  const t = performance.now();
  for (let i = 0; i < reps; i++) fn();
  return (reps * n) / ((performance.now() - t) / 1000);
};
const n = 1 << 22,
  buf = new Float32Array(n),
  xs = d.normal(n, { seed: 1 });
const fmap = d.normal(8 * 64 * 56 * 56, { seed: 2 });
const rows = [
  ['bernoulliMask float32', n, () => d.bernoulliMask(buf, { p: 0.5, seed: 1 })],
  ['dropout', n, () => d.dropout(xs, { p: 0.5, seed: 1, out: buf })],
  ['normal', n, () => d.normal(buf, { seed: 1 })],
  ['dropBlock [8, 64, 56, 56]', fmap.length, () => d.dropBlock(fmap, { shape: [8, 64, 56, 56], seed: 1 })],
  ['maxPoolDropout [8, 64, 56, 56]', fmap.length, () => d.maxPoolDropout(fmap, { shape: [8, 64, 56, 56], seed: 1 })],
].map(([name, size, fn]) => ({ kernel: name, 'M elements/s': (rate(size, fn) / 1e6).toFixed(0) }));
console.table(rows);

progress('writing index.html');
const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>dropmask gallery</title>
<style>body{font:15px/1.45 system-ui,sans-serif;margin:2em;max-width:1100px;color:#222}figure{margin:0 0 2em}img{image-rendering:pixelated;max-width:100%;border:1px solid #ddd}td,th{padding:.2em .8em;text-align:left}</style></head>
<body><h1>dropmask gallery</h1>
<p>Made by <code>npm run demo</code> on backend <b>${esc(info.name)}</b> (${esc(info.simd)}). Every picture comes from fixed seeds, so every backend draws the same pixels. The image is <code>assets/sample.png</code> (CC0); the original is the first panel of each row.</p>
${figures.map((f) => `<figure data-methods="${f.methods.join(' ')}"><img src="${f.file}" alt="${esc(f.caption)}"><figcaption>${esc(f.caption)}</figcaption></figure>`).join('\n')}
<h2>Throughput (one thread, this machine)</h2>
<table><tr><th>kernel</th><th>M elements/s</th></tr>${rows.map((r) => `<tr><td>${esc(r.kernel)}</td><td>${r['M elements/s']}</td></tr>`).join('')}</table>
</body></html>
`;
writeFileSync(join(out, 'index.html'), html);
console.log(
  `\ndone in ${((performance.now() - started) / 1000).toFixed(1)} s: open ${join(relative(process.cwd(), out) || '.', 'index.html')} (${figures.length} figures)`,
);
