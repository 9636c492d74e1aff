// Convolutional methods on x [32, 64, 56, 56] float32, one thread, per backend and layout, in
// elements of x per second, each as a ratio of plain dropout's time on the same tensor and
// backend (the target: within 3× on native). The js reference runs on 2 examples.
// Run alone with `node bench/conv.mjs`; `npm run bench` includes it.
import { seconds } from './timing.mjs';
import { pathToFileURL } from 'node:url';
import dropmask from '../dist/index.js';
import { saveRows } from './results.mjs';

const {
  availableBackends,
  cutout,
  dropBlock,
  dropPath,
  dropout,
  maxDrop,
  maxPoolDropout,
  maxPoolDropoutShape,
  normal,
  setThreads,
  spatialDropout,
  stochasticDropout,
} = dropmask;

const DIMS = [32, 64, 56, 56];

/** The workloads on a tensor of `n` examples in `layout`, all writing into preallocated outputs. */
function workloads(n, layout) {
  const [, c, h, w] = DIMS;
  const shape = layout === 'NCHW' ? [n, c, h, w] : [n, h, w, c];
  const x = normal(n * c * h * w, { seed: 1 }).map(Math.abs);
  const f = normal(x.length, { seed: 2 });
  const out = new Float32Array(x.length);
  const pooled = new Float32Array(maxPoolDropoutShape({ shape, layout, kernel: 2 }).reduce((a, b) => a * b, 1));
  const base = { shape, layout, seed: 3 };
  return {
    size: x.length,
    cases: {
      'dropout (reference)': (backend) => () => dropout(x, { p: 0.5, out, seed: 3, backend }),
      'max-pool dropout 2×2 (train)': (backend) => () => maxPoolDropout(x, { ...base, p: 0.5, kernel: 2, out: pooled, backend }),
      'weighted pooling 2×2 (eval)': (backend) => () =>
        maxPoolDropout(x, { ...base, p: 0.5, kernel: 2, mode: 'eval', out: pooled, backend }),
      'spatial dropout': (backend) => () => spatialDropout(x, { ...base, p: 0.5, out, backend }),
      'Cutout 16×16': (backend) => () => cutout(x, { ...base, size: 16, out, backend }),
      'Max-Drop feature': (backend) => () => maxDrop(x, { ...base, p: 0.1, out, backend }),
      'Max-Drop channel': (backend) => () => maxDrop(x, { ...base, p: 0.1, granularity: 'channel', out, backend }),
      'stochastic dropout': (backend) => () =>
        stochasticDropout(x, { rate: { distribution: 'uniform', low: 0, high: 0.5 }, out, seed: 3, backend }),
      'DropBlock 7×7': (backend) => () => dropBlock(x, { ...base, keepProb: 0.9, blockSize: 7, out, backend }),
      'DropPath (row)': (backend) => () => dropPath(x, f, { p: 0.1, shape, out, seed: 3, backend }),
    },
  };
}

export function convBench(row) {
  setThreads(1);
  const table = [];
  for (const layout of ['NCHW', 'NHWC']) {
    const full = workloads(DIMS[0], layout),
      small = workloads(2, layout);
    const jsRates = {};
    for (const [name, make] of Object.entries(small.cases)) jsRates[name] = small.size / seconds(make('js'), 2);
    for (const backend of availableBackends().filter((b) => b !== 'js')) {
      const reference = seconds(full.cases['dropout (reference)'](backend), 10);
      for (const [name, make] of Object.entries(full.cases)) {
        const t = name === 'dropout (reference)' ? reference : seconds(make(backend), 10);
        const rate = full.size / t;
        row(`${name} ${layout}`, backend, full.size, 'elem/s', rate);
        table.push({
          method: name,
          layout,
          backend,
          'M elem/s': (rate / 1e6).toFixed(0),
          '× dropout time': (t / reference).toFixed(2),
          '× js': (rate / jsRates[name]).toFixed(1),
        });
      }
    }
  }
  console.log(
    `convolutional methods, x [${DIMS.join(', ')}] float32, one thread ('× dropout time': time / plain dropout's time)`,
  );
  console.table(table);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = [];
  convBench((kernel, backend, n, unit, value) => rows.push({ kernel, backend, threads: 1, n, unit, value }));
  console.log(`rows written to ${saveRows(rows)}`);
}
