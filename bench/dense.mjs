// Dense-layer products for x [64 x 1024], W [1024 x 1024]: plain matmul and DropConnect with a
// shared mask (each with W as given, and with W packed ahead by packWeights, the like of
// onnxruntime's initializer), DropConnect per example, in GFLOP/s (2·64·1024·1024 per call), per backend, with one
// thread and with two (native: its own threads; wasm: two worker threads, half the batch each),
// against onnxruntime's Gemm in the same rounds: onnxruntime-node (CPU, MLAS; spinning off, the
// same thread count) with W as an input (packed on every run, as dropmask packs it) and with W as
// an initializer (packed once when the session is made, its inference path), and onnxruntime-web
// (its WebAssembly SIMD build, one thread) for the wasm backend. Per-example DropConnect is
// compared with drawing its keep bits alone. Then y = x·Wᵀ for M ∈ {1, 8, 64, 256} rows and
// K = N ∈ {256, 1024, 4096} against onnxruntime-node. A peer that cannot load is skipped with a note.
// Run alone with `node bench/dense.mjs` (`--quick`: small sizes).
import { Worker } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { interleaved, seconds } from './timing.mjs';
import dropmask from '../dist/index.js';
import { gemmModel, loadOrtNode, loadOrtWeb, ortOptions, ortWebOptions } from './onnx.mjs';
import { saveRows } from './results.mjs';

const { availableBackends, bernoulliMask, dropConnect, linear, normal, packWeights, setThreads } = dropmask;
const B = 64,
  DIN = 1024,
  DOUT = 1024;
const FLOP = 2 * B * DIN * DOUT;

// Every workload writes into a preallocated `out`, as a server reusing its buffers does (and as
// onnxruntime's arena reuses its outputs): a fresh 256 KiB result costs 64 page faults per call.
// `linear, W packed ahead` packs W once per backend (outside the timing, as onnxruntime packs an
// initializer when the session is made), then runs every call from the packed form.
const packs = new Map();
const packedFor = (W, backend) => {
  if (!packs.has(backend)) packs.set(backend, packWeights(W, { inFeatures: DIN, outFeatures: DOUT, backend }));
  return packs.get(backend);
};
export const WORKLOADS = {
  'matmul (plain)': (x, W, bias, backend, out) => linear(x, W, bias, { inFeatures: DIN, outFeatures: DOUT, out, backend }),
  'linear, W packed ahead': (x, W, bias, backend, out) => linear(x, packedFor(W, backend), bias, { out, backend }),
  'DropConnect shared mask': (x, W, bias, backend, out) =>
    dropConnect(x, W, bias, { inFeatures: DIN, outFeatures: DOUT, perExample: false, seed: 1, out, backend }),
  'DropConnect shared mask, W packed ahead': (x, W, bias, backend, out) =>
    dropConnect(x, packedFor(W, backend), bias, { perExample: false, seed: 1, out, backend }),
  'DropConnect per example': (x, W, bias, backend, out) =>
    dropConnect(x, W, bias, { inFeatures: DIN, outFeatures: DOUT, seed: 1, out, backend }),
};

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const d = require(${JSON.stringify(new URL('../dist/index.js', import.meta.url).pathname)});
d.setThreads(1);
const { x, W, bias, rows, first, backend, kind } = workerData;
const xs = new Float32Array(x).subarray(first * ${DIN}, (first + rows) * ${DIN});
const w = new Float32Array(W), b = new Float32Array(bias), out = new Float32Array(rows * ${DOUT});
const opts = { inFeatures: ${DIN}, outFeatures: ${DOUT}, backend, seed: 1, out };
const packed = kind.endsWith('W packed ahead') ? d.packWeights(w, { inFeatures: ${DIN}, outFeatures: ${DOUT}, backend }) : null;
const run = kind === 'matmul (plain)' ? () => d.linear(xs, w, b, opts)
  : kind === 'linear, W packed ahead' ? () => d.linear(xs, packed, b, { out, backend })
  : packed ? () => d.dropConnect(xs, packed, b, { out, backend, seed: 1, perExample: false })
  : kind === 'DropConnect shared mask' ? () => d.dropConnect(xs, w, b, { ...opts, perExample: false })
  : () => d.dropConnect(xs, w, b, opts);
parentPort.on('message', () => { run(); parentPort.postMessage(0); });
`;

/** Seconds for two workers to each compute half of the batch (median of `reps`). */
async function twoThreads(kind, backend, reps) {
  const shared = (a) => {
    const s = new Float32Array(new SharedArrayBuffer(a.byteLength));
    s.set(a);
    return s.buffer;
  };
  const data = {
    x: shared(normal(B * DIN, { seed: 1 })),
    W: shared(normal(DIN * DOUT, { seed: 2 })),
    bias: shared(normal(DOUT, { seed: 3 })),
  };
  const workers = [0, 1].map(
    (i) => new Worker(WORKER, { eval: true, workerData: { ...data, rows: B / 2, first: i * (B / 2), backend, kind } }),
  );
  const round = () =>
    Promise.all(
      workers.map(
        (w) =>
          new Promise((resolve) => {
            w.once('message', resolve);
            w.postMessage(0);
          }),
      ),
    );
  await round();
  const times = [];
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    await round();
    times.push((performance.now() - t) / 1000);
  }
  await Promise.all(workers.map((w) => w.terminate()));
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

/** onnxruntime Gemm sessions for [m x k]·[n x k]ᵀ: W as an input and W as an initializer. */
async function ortGemm(ort, m, n, k, x, W, options) {
  const input = await ort.InferenceSession.create(gemmModel(m, n, k), options);
  const packed = await ort.InferenceSession.create(gemmModel(m, n, k, { weights: W }), options);
  const A = new ort.Tensor('float32', x, [m, k]),
    B = new ort.Tensor('float32', W, [n, k]);
  // release: each session holds its own threads and its copy of W until released.
  return {
    input: () => input.run({ A, B }),
    packed: () => packed.run({ A }),
    release: () => Promise.all([input.release(), packed.release()]),
  };
}

const gf = (flop, s) => flop / s / 1e9;
const ratio = (a, b) => (b ? (a / b).toFixed(2) : '—');

export async function denseBench(row, quick = false) {
  const { ort, error: ortError } = loadOrtNode();
  const web = await loadOrtWeb();
  if (ortError) console.log(`skipped onnxruntime-node: ${ortError}`);
  if (web.error) console.log(`skipped onnxruntime-web: ${web.error}`);
  const x = normal(B * DIN, { seed: 1 }),
    W = normal(DIN * DOUT, { seed: 2 }),
    bias = normal(DOUT, { seed: 3 });
  const out = new Float32Array(B * DOUT);
  const reps = quick ? 2 : 9;
  const table = [];
  const ortRates = {}; // kind → threads → { input, packed } GFLOP/s, and web: from the same rounds as dropmask's
  const oursNative = {};
  for (const backend of availableBackends().filter((b) => b !== 'js')) {
    for (const [kind, fn] of Object.entries(WORKLOADS)) {
      const perExample = kind.includes('per example');
      const rates = [];
      for (const threads of [1, 2]) {
        setThreads(threads);
        const contenders = {};
        contenders.ours = backend === 'wasm' && threads === 2 ? null : () => fn(x, W, bias, backend, out);
        // ORT's plain Gemm runs in the rounds of both the plain and the shared-mask product, so
        // each ratio compares timings taken under the same load.
        const sessions = [];
        if (backend === 'native' && ort && !perExample) {
          const g = await ortGemm(ort, B, DOUT, DIN, x, W, ortOptions(threads));
          contenders.ortInput = g.input;
          contenders.ortPacked = g.packed;
          sessions.push(g);
        }
        if (backend === 'native' && perExample) {
          const bits = new Uint32Array((B * DIN * DOUT) / 32);
          contenders.bits = () => bernoulliMask(bits, { p: 0.5, seed: 1, backend });
        }
        if (backend === 'wasm' && threads === 1 && web.ort && kind === 'matmul (plain)') {
          const g = await ortGemm(web.ort, B, DOUT, DIN, x, W, ortWebOptions);
          contenders.web = g.packed;
          contenders.webInput = g.input;
          sessions.push(g);
        }
        if (!contenders.ours) delete contenders.ours;
        const t = Object.keys(contenders).length
          ? await interleaved(contenders, {
              rounds: perExample ? 5 : reps,
              inner: perExample ? 1 : 3,
              // wasm: ours and onnxruntime-web past the baseline tier; native: a fresh onnxruntime
              // session's first runs, and the collection of the model's arrays, settle first (the
              // first rounds timed both contenders 20-40 % low, unevenly, on the 2-core VM)
              warmupMs: quick ? 0 : backend === 'wasm' ? 1500 : 500,
            })
          : {};
        await Promise.all(sessions.map((g) => g.release()));
        const one = t.ours ? gf(FLOP, t.ours) : gf(FLOP, await twoThreads(kind, backend, perExample ? 3 : 15));
        rates.push(one);
        row(kind, backend, threads, B, 'GFLOP/s', one);
        if (t.ortInput) {
          const rates = { input: gf(FLOP, t.ortInput), packed: gf(FLOP, t.ortPacked) };
          (ortRates[kind] ??= {})[threads] = rates;
          const during = kind === 'matmul (plain)' ? '' : `, in the ${kind} rounds`;
          row(`onnxruntime-node Gemm (W input)${during}`, 'peer', threads, B, 'GFLOP/s', rates.input);
          row(`onnxruntime-node Gemm (W initializer)${during}`, 'peer', threads, B, 'GFLOP/s', rates.packed);
        }
        if (backend === 'native') (oursNative[kind] ??= {})[threads] = { rate: one, bitsTime: t.bits, time: t.ours };
        if (t.web) {
          ortRates.web = { packed: gf(FLOP, t.web), input: gf(FLOP, t.webInput), ours: one };
          row('onnxruntime-web Gemm (W initializer)', 'peer', 1, B, 'GFLOP/s', ortRates.web.packed);
          row('onnxruntime-web Gemm (W input)', 'peer', 1, B, 'GFLOP/s', ortRates.web.input);
        }
      }
      setThreads(1);
      table.push({
        workload: kind,
        backend,
        'GFLOP/s (1 thread)': rates[0].toFixed(1),
        'GFLOP/s (2 threads)': rates[1].toFixed(1),
      });
    }
  }
  const jsFlop = 2 * 8 * DIN * DOUT; // the js reference on 8 rows, for the ratio
  const jsRate =
    jsFlop /
    seconds(() => linear(x.subarray(0, 8 * DIN), W, bias, { inFeatures: DIN, outFeatures: DOUT, backend: 'js' }), quick ? 1 : 3);
  row('matmul (plain)', 'js', 1, 8, 'GFLOP/s', jsRate / 1e9);
  table.push({
    workload: 'matmul (plain), 8 rows',
    backend: 'js',
    'GFLOP/s (1 thread)': (jsRate / 1e9).toFixed(2),
    'GFLOP/s (2 threads)': '',
  });
  const ortPlain = ortRates['matmul (plain)'] ?? {},
    ortShared = ortRates['DropConnect shared mask'] ?? {};
  for (const t of [1, 2]) {
    if (!ortPlain[t]) continue;
    table.push({
      workload: 'onnxruntime-node Gemm, W input / W initializer',
      backend: 'peer',
      [`GFLOP/s (${t === 1 ? '1 thread' : '2 threads'})`]: `${ortPlain[t].input.toFixed(1)} / ${ortPlain[t].packed.toFixed(1)}`,
    });
  }
  if (ortRates.web)
    table.push({
      workload: 'onnxruntime-web Gemm, W input / W initializer',
      backend: 'peer',
      'GFLOP/s (1 thread)': `${ortRates.web.input.toFixed(1)} / ${ortRates.web.packed.toFixed(1)}`,
    });
  console.log(
    `\ndense layer x [${B} x ${DIN}], W [${DOUT} x ${DIN}] (2 threads: native splits the product itself; wasm = two worker_threads, half the batch each; peers in the same interleaved rounds)`,
  );
  console.table(table);

  // The ratios, each from the same interleaved rounds.
  const ratios = [];
  const plain = oursNative['matmul (plain)'],
    ahead = oursNative['linear, W packed ahead'],
    ortAhead = ortRates['linear, W packed ahead'] ?? {},
    sharedAhead = oursNative['DropConnect shared mask, W packed ahead'],
    ortSharedAhead = ortRates['DropConnect shared mask, W packed ahead'] ?? {},
    shared = oursNative['DropConnect shared mask'],
    per = oursNative['DropConnect per example'];
  for (const t of [1, 2]) {
    if (plain && ortPlain[t]) {
      ratios.push({
        ratio: `linear ÷ ORT Gemm (W input), ${t} thread${t > 1 ? 's' : ''}`,
        value: ratio(plain[t].rate, ortPlain[t].input),
        target: '≥ 0.85',
      });
      ratios.push({
        ratio: `linear ÷ ORT Gemm (W initializer), ${t} thread${t > 1 ? 's' : ''}`,
        value: ratio(plain[t].rate, ortPlain[t].packed),
        target: '≥ 0.85',
      });
    }
    if (ahead && ortAhead[t])
      ratios.push({
        ratio: `linear, W packed ahead ÷ ORT Gemm (W initializer), ${t} thr.`,
        value: ratio(ahead[t].rate, ortAhead[t].packed),
        target: '≥ 0.85',
      });
    if (shared && ortShared[t]) {
      ratios.push({
        ratio: `shared-mask DropConnect ÷ ORT plain Gemm (W input), ${t} thr.`,
        value: ratio(shared[t].rate, ortShared[t].input),
        target: '≥ 0.75',
      });
      ratios.push({
        ratio: `shared-mask DropConnect ÷ ORT plain Gemm (W initializer), ${t} thr.`,
        value: ratio(shared[t].rate, ortShared[t].packed),
        target: '≥ 0.75',
      });
    }
    if (sharedAhead && ortSharedAhead[t])
      ratios.push({
        ratio: `shared-mask DropConnect, W packed ahead ÷ ORT plain Gemm (W initializer), ${t} thr.`,
        value: ratio(sharedAhead[t].rate, ortSharedAhead[t].packed),
        target: '≥ 0.75',
      });
    if (per && per[t]?.bitsTime)
      ratios.push({
        ratio: `per-example DropConnect speed ÷ drawing its keep bits alone, ${t} thr.`,
        value: ratio(per[t].bitsTime, per[t].time),
        target: '≥ 0.8',
      });
  }
  if (ortRates.web) {
    ratios.push({
      ratio: 'wasm linear ÷ onnxruntime-web Gemm (W initializer), 1 thread',
      value: ratio(ortRates.web.ours, ortRates.web.packed),
      target: '≥ 1',
    });
    ratios.push({
      ratio: 'wasm linear ÷ onnxruntime-web Gemm (W input), 1 thread',
      value: ratio(ortRates.web.ours, ortRates.web.input),
      target: '≥ 1',
    });
  }
  for (const r of ratios)
    row(`ratio: ${r.ratio}`, r.ratio.startsWith('wasm') ? 'wasm' : 'native', 0, B, 'ratio', Number(r.value));
  console.log('ratios (same process, same rounds)');
  console.table(ratios);

  if (ort) await gridBench(row, ort, quick);
  return ratios;
}

/** y = x·Wᵀ (linear) for M x K, W [K x K], against onnxruntime-node's Gemm, 1 and 2 threads. */
async function gridBench(row, ort, quick) {
  const Ms = quick ? [1, 8] : [1, 8, 64, 256],
    Ks = quick ? [64, 128] : [256, 1024, 4096];
  const table = [];
  for (const K of Ks) {
    const W = normal(K * K, { seed: 5 });
    for (const M of Ms) {
      const x = normal(M * K, { seed: 6 }),
        y = new Float32Array(M * K),
        flop = 2 * M * K * K;
      const cells = { shape: `M ${M}, K = N ${K}` };
      for (const threads of [1, 2]) {
        setThreads(threads);
        const g = await ortGemm(ort, M, K, K, x, W, ortOptions(threads));
        const inner = Math.max(1, Math.min(50, Math.round(2e7 / flop)));
        const ahead = packWeights(W, { inFeatures: K, outFeatures: K });
        const t = await interleaved(
          {
            ours: () => linear(x, W, null, { inFeatures: K, outFeatures: K, out: y, threads }),
            ahead: () => linear(x, ahead, null, { out: y, threads }),
            input: g.input,
            packed: g.packed,
          },
          { rounds: quick ? 2 : flop > 1e9 ? 5 : 7, inner },
        );
        await g.release();
        const [o, a, i, p] = [t.ours, t.ahead, t.input, t.packed].map((s) => gf(flop, s));
        row(`grid linear M${M} K${K}`, 'native', threads, M, 'GFLOP/s', o);
        row(`grid linear, W packed ahead M${M} K${K}`, 'native', threads, M, 'GFLOP/s', a);
        row(`grid onnxruntime-node Gemm (W input) M${M} K${K}`, 'peer', threads, M, 'GFLOP/s', i);
        row(`grid onnxruntime-node Gemm (W initializer) M${M} K${K}`, 'peer', threads, M, 'GFLOP/s', p);
        cells[`${threads}T dropmask / packed`] = `${o.toFixed(1)} / ${a.toFixed(1)}`;
        cells[`${threads}T ORT in / init`] = `${i.toFixed(1)} / ${p.toFixed(1)}`;
        cells[`${threads}T ratio`] = `${ratio(o, i)} / ${ratio(a, p)}`;
      }
      setThreads(1);
      table.push(cells);
    }
  }
  console.log(
    '\ny = x·Wᵀ, x [M x K], W [K x K], GFLOP/s: dropmask linear (W / W packed ahead) and onnxruntime-node Gemm (W input / W initializer), ratios like for like: W ÷ W input, packed ahead ÷ initializer',
  );
  console.table(table);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = [];
  await denseBench(
    (kernel, backend, threads, n, unit, value) => rows.push({ kernel, backend, threads, n, unit, value }),
    process.argv.includes('--quick'),
  );
  console.log(`rows written to ${saveRows(rows)}`);
  process.exit(0); // onnxruntime-web's module keeps the event loop alive
}
