// Peers: the same workloads with onnxruntime-node (CPU) and onnxruntime-web (WebAssembly SIMD),
// each a one-node model built in bench/onnx.mjs (RandomUniform, RandomNormal, Dropout in training
// mode, Gemm with W as an initializer) on one intra-op thread with spinning off, @tensorflow/tfjs
// (cpu backend), @tensorflow/tfjs-backend-wasm and plain-JavaScript generators (Math.random,
// seedrandom, pure-rand), in one run, as elements per second and as dropmask's ratio over each
// peer. tfjs results are read with dataSync() outside tf.tidy (tidy would walk a returned typed
// array element by element) and disposed. Writes rows to bench-out/results.json, a
// markdown table to bench-out/peers.md and a chart to bench-out/peers.svg. A peer that cannot load
// is skipped with its reason. Then bench/peers.py (DROPMASK_BENCH_PYTHON, default python3) times
// the Python frameworks that import, in the same run. `node bench/peers.mjs --quick` runs tiny
// sizes (the CI test).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { interleaved, seconds } from './timing.mjs';
import { dropoutModel, gemmModel, loadOrtNode, loadOrtWeb, ortOptions, ortWebOptions, randomModel } from './onnx.mjs';
import dropmask from '../dist/index.js';
import { OUT_DIR, saveRows } from './results.mjs';

const require = createRequire(import.meta.url);
const { availableBackends, bernoulliMask, dropout, linear, normal, setThreads, uniform } = dropmask;

/** tfjs with one backend, or the reason it cannot run here. */
async function loadTf(backend) {
  const { warn, log } = console;
  console.warn = console.log = () => {}; // tfjs advertises tfjs-node when it loads
  try {
    const tf = require('@tensorflow/tfjs');
    if (backend === 'wasm') require('@tensorflow/tfjs-backend-wasm');
    await tf.setBackend(backend);
    await tf.ready();
    if (tf.getBackend() !== backend) throw new Error(`tfjs chose ${tf.getBackend()}`);
    return { tf };
  } catch (e) {
    return { error: e.message };
  } finally {
    Object.assign(console, { warn, log });
  }
}

function jsPeers(n) {
  const out = new Float32Array(n);
  const peers = { 'Math.random': () => Math.random() };
  try {
    const seedrandom = require('seedrandom');
    peers['seedrandom (alea)'] = seedrandom.alea('dropmask');
  } catch (e) {
    peers['seedrandom (alea)'] = { error: e.message };
  }
  try {
    const prand = require('pure-rand');
    const g = prand.xoroshiro128plus(42);
    peers['pure-rand (xoroshiro128+)'] = () => (g.unsafeNext() >>> 0) * 2 ** -32;
  } catch (e) {
    peers['pure-rand (xoroshiro128+)'] = { error: e.message };
  }
  const workloads = {};
  for (const [name, next] of Object.entries(peers)) {
    if (typeof next !== 'function') {
      workloads[name] = next;
      continue;
    }
    workloads[name] = {
      uniform: () => {
        for (let i = 0; i < n; i++) out[i] = next();
      },
      normal: () => {
        for (let i = 0; i < n; i += 2) {
          const r = Math.sqrt(-2 * Math.log(1 - next())),
            a = 2 * Math.PI * next();
          out[i] = r * Math.cos(a);
          out[i + 1] = r * Math.sin(a);
        }
      },
      'bernoulli mask': () => {
        for (let i = 0; i < n; i++) out[i] = next() >= 0.5 ? 2 : 0;
      },
      dropout: (x) => () => {
        for (let i = 0; i < n; i++) out[i] = next() >= 0.5 ? x[i] * 2 : 0;
      },
    };
  }
  return workloads;
}

/** Runs a tfjs op outside tidy's bookkeeping of the result: the tensor is read, then disposed. */
const tfRead = (tf, op) => () => {
  const t = tf.tidy(op);
  t.dataSync();
  t.dispose();
};

function tfWorkloads(tf, n) {
  return {
    uniform: tfRead(tf, () => tf.randomUniform([n])),
    normal: tfRead(tf, () => tf.randomNormal([n])),
    'bernoulli mask': tfRead(tf, () => tf.randomUniform([n]).greaterEqual(0.5).cast('float32').mul(2)),
    dropout: (xt) => tfRead(tf, () => tf.dropout(xt, 0.5)),
    matmul: (at, wt) => tfRead(tf, () => tf.matMul(at, wt, false, true)),
  };
}

/** onnxruntime sessions for the peer workloads; each returns a function that runs once (async). */
async function ortWorkloads(ort, n, x, a, w, B, D, options) {
  const make = (model) => ort.InferenceSession.create(model, options);
  const [uniform, normal, dropout, gemm] = await Promise.all([
    make(randomModel('RandomUniform', n)),
    make(randomModel('RandomNormal', n)),
    make(dropoutModel(n, 0.5)),
    make(gemmModel(B, D, D, { weights: w })),
  ]);
  const X = new ort.Tensor('float32', x, [n]),
    A = new ort.Tensor('float32', a, [B, D]);
  return {
    uniform: () => uniform.run({}),
    normal: () => normal.run({}),
    dropout: () => dropout.run({ X }),
    matmul: () => gemm.run({ A }),
  };
}

export async function peersBench(row, quick = false) {
  const n = quick ? 1 << 14 : 1 << 22;
  const [B, D] = quick ? [4, 64] : [64, 1024];
  const it = quick ? 2 : 5;
  setThreads(1);
  const x = normal(n, { seed: 1 }),
    f32 = new Float32Array(n);
  const a = normal(B * D, { seed: 2 }),
    w = normal(D * D, { seed: 3 });
  const rates = {}; // workload → implementation → elements/s
  const put = (workload, impl, value) => {
    (rates[workload] ??= {})[impl] = value;
    row(`peers: ${workload}`, impl, workload === 'matmul' ? B : n, workload === 'matmul' ? 'GFLOP/s' : 'elem/s', value);
  };
  const flop = 2 * B * D * D;
  for (const backend of availableBackends().filter((b) => b !== 'js')) {
    const impl = `dropmask ${backend}`;
    put('uniform', impl, n / seconds(() => uniform(f32, { seed: 1, backend }), it));
    put('normal', impl, n / seconds(() => normal(f32, { seed: 1, backend }), it));
    put('bernoulli mask', impl, n / seconds(() => bernoulliMask(f32, { p: 0.5, seed: 1, backend }), it));
    put('dropout', impl, n / seconds(() => dropout(x, { p: 0.5, seed: 1, out: f32, backend }), it));
    put('matmul', impl, flop / seconds(() => linear(a, w, null, { inFeatures: D, outFeatures: D, backend }), it) / 1e9);
  }
  const skipped = {};
  for (const [name, w] of Object.entries(jsPeers(n))) {
    if (w.error) {
      skipped[name] = w.error;
      continue;
    }
    put('uniform', name, n / seconds(w.uniform, it));
    put('normal', name, n / seconds(w.normal, it));
    put('bernoulli mask', name, n / seconds(w['bernoulli mask'], it));
    put('dropout', name, n / seconds(w.dropout(x), it));
  }
  const ortPeers = [
    ['onnxruntime-node', loadOrtNode(), ortOptions(1)],
    ['onnxruntime-web (wasm)', await loadOrtWeb(), ortWebOptions],
  ];
  for (const [name, { ort, error }, options] of ortPeers) {
    if (error) {
      skipped[name] = error;
      continue;
    }
    const wl = await ortWorkloads(ort, n, x, a, w, B, D, options);
    const t = async (fn) => (await interleaved({ fn }, { rounds: it, warmup: 1 })).fn;
    put('uniform', name, n / (await t(wl.uniform)));
    put('normal', name, n / (await t(wl.normal)));
    put('dropout', name, n / (await t(wl.dropout)));
    put('matmul', name, flop / (await t(wl.matmul)) / 1e9);
  }
  for (const backend of ['cpu', 'wasm']) {
    const name = `tfjs ${backend}`;
    const { tf, error } = await loadTf(backend);
    if (error) {
      skipped[name] = error;
      continue;
    }
    const wl = tfWorkloads(tf, n);
    const xt = tf.tensor1d(x),
      at = tf.tensor2d(a, [B, D]),
      wt = tf.tensor2d(w, [D, D]);
    put('uniform', name, n / seconds(wl.uniform, it));
    put('normal', name, n / seconds(wl.normal, it));
    put('bernoulli mask', name, n / seconds(wl['bernoulli mask'], it));
    put('dropout', name, n / seconds(wl.dropout(xt), it));
    put('matmul', name, flop / seconds(wl.matmul(at, wt), it) / 1e9);
    tf.dispose([xt, at, wt]);
  }
  // bench/peers.py in a child process (its libraries each on one thread, this process idle):
  // PyTorch, JAX, numpy, TensorFlow and onnxruntime for Python, those that import.
  const python = process.env.DROPMASK_BENCH_PYTHON ?? 'python3';
  const py = spawnSync(python, [fileURLToPath(new URL('peers.py', import.meta.url)), '--json', ...(quick ? ['--quick'] : [])], {
    encoding: 'utf8',
    timeout: 900_000,
  });
  if (py.status !== 0) {
    const why = py.error?.message ?? `exit ${py.status}: ${(py.stderr ?? '').trim().split('\n').pop()}`;
    skipped['bench/peers.py (Python)'] = `${python}: ${why}`;
  } else {
    const { rows, skipped: notImported } = JSON.parse(py.stdout.trim().split('\n').pop());
    for (const [label, workloads] of Object.entries(rows))
      for (const [wl, value] of Object.entries(workloads)) put(wl, label, value);
    for (const [name, why] of Object.entries(notImported)) skipped[`${name} (Python)`] = why;
  }
  const table = report(rates, n, B, D);
  for (const [name, why] of Object.entries(skipped)) console.log(`skipped ${name}: ${why}`);
  return { rates, skipped, table };
}

const fmt = (v, unit) =>
  unit === 'GFLOP/s' ? `${v.toFixed(1)} GFLOP/s` : v >= 1e9 ? `${(v / 1e9).toFixed(2)} G/s` : `${(v / 1e6).toFixed(0)} M/s`;

/** Markdown table (dropmask native's ratio over each peer) and an SVG bar chart. */
function report(rates, n, B, D) {
  const impls = [...new Set(Object.values(rates).flatMap((r) => Object.keys(r)))];
  const ours = impls.find((i) => i === 'dropmask native') ?? impls.find((i) => i.startsWith('dropmask'));
  const lines = [
    `Workloads: uniform, normal, Bernoulli float32 mask and dropout on n = ${n} float32 (elements/s); matmul x [${B}×${D}] · Wᵀ [${D}×${D}] (GFLOP/s; onnxruntime with W as an initializer, packed once). One thread. Brackets: ${ours}'s ratio over that implementation.`,
    '',
    `| implementation | ${Object.keys(rates).join(' | ')} |`,
    `|---|${Object.keys(rates)
      .map(() => '---')
      .join('|')}|`,
  ];
  for (const impl of impls) {
    const cells = Object.entries(rates).map(([wl, r]) => {
      if (r[impl] === undefined) return '—';
      const ratio = impl === ours ? '' : ` (${(r[ours] / r[impl]).toFixed(1)}×)`;
      return fmt(r[impl], wl === 'matmul' ? 'GFLOP/s' : 'elem/s') + ratio;
    });
    lines.push(`| ${impl} | ${cells.join(' | ')} |`);
  }
  const md = lines.join('\n') + '\n';
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(join(OUT_DIR, 'peers.md'), md);
  writeFileSync(join(OUT_DIR, 'peers.svg'), chart(rates, impls));
  console.log(md);
  console.log(`peers table: ${join(OUT_DIR, 'peers.md')}, chart: ${join(OUT_DIR, 'peers.svg')}`);
  return md;
}

/** Horizontal bars on a log scale, one group per workload, one bar per implementation. */
function chart(rates, impls) {
  const colours = ['#1b6ac9', '#6aa3e8', '#d9822b', '#e0b33a', '#7a9a3a', '#9b59b6', '#c0392b', '#555'];
  const bar = 14,
    gap = 26,
    left = 190,
    width = 460;
  const workloads = Object.keys(rates);
  const height = 40 + workloads.length * (impls.length * bar + gap) + 20 * impls.length;
  const all = workloads.flatMap((wl) => Object.values(rates[wl]).map((v) => (wl === 'matmul' ? (v * 1e9) / 1e3 : v)));
  const lo = Math.floor(Math.log10(Math.min(...all))),
    hi = Math.ceil(Math.log10(Math.max(...all)));
  const xOf = (v) => left + ((Math.log10(v) - lo) / (hi - lo)) * width;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 40}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<text x="10" y="20" font-size="14" font-weight="bold">dropmask and peers (log scale; matmul in GFLOP/s × 10^6)</text>`,
  ];
  let y = 40;
  for (const wl of workloads) {
    parts.push(`<text x="10" y="${y + 10}" font-weight="bold">${wl}</text>`);
    impls.forEach((impl, k) => {
      const v = rates[wl][impl];
      if (v === undefined) return;
      const scaled = wl === 'matmul' ? (v * 1e9) / 1e3 : v;
      parts.push(
        `<rect x="${left}" y="${y + k * bar}" width="${Math.max(1, xOf(scaled) - left).toFixed(1)}" height="${bar - 3}" fill="${colours[k % colours.length]}"/>`,
      );
      parts.push(
        `<text x="${(xOf(scaled) + 4).toFixed(1)}" y="${y + k * bar + 10}">${fmt(v, wl === 'matmul' ? 'GFLOP/s' : 'elem/s')}</text>`,
      );
    });
    y += impls.length * bar + gap;
  }
  impls.forEach((impl, k) => {
    parts.push(
      `<rect x="10" y="${y + 20 * k - 10}" width="12" height="12" fill="${colours[k % colours.length]}"/><text x="28" y="${y + 20 * k}">${impl}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes('--quick');
  const rows = [];
  await peersBench((kernel, backend, n, unit, value) => rows.push({ kernel, backend, threads: 1, n, unit, value }), quick);
  if (!quick) console.log(`rows written to ${saveRows(rows)}`);
  process.exit(0); // onnxruntime-web's module keeps the event loop alive
}
