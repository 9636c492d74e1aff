// Dense-layer products for x [64 x 1024], W [1024 x 1024]: plain matmul, DropConnect with a shared
// mask, DropConnect per example, in GFLOP/s (2·64·1024·1024 per call), per backend, with one
// thread and with two (native: its own row split; wasm: two worker threads, half the batch each).
import { Worker } from 'node:worker_threads';
import { seconds } from './timing.mjs';
import dropmask from '../dist/index.js';

const { availableBackends, dropConnect, linear, normal, setThreads } = dropmask;
const B = 64,
  DIN = 1024,
  DOUT = 1024;
const FLOP = 2 * B * DIN * DOUT;

export const WORKLOADS = {
  'matmul (plain)': (x, W, bias, backend) => linear(x, W, bias, { inFeatures: DIN, outFeatures: DOUT, backend }),
  'DropConnect shared mask': (x, W, bias, backend) =>
    dropConnect(x, W, bias, { inFeatures: DIN, outFeatures: DOUT, perExample: false, seed: 1, backend }),
  'DropConnect per example': (x, W, bias, backend) =>
    dropConnect(x, W, bias, { inFeatures: DIN, outFeatures: DOUT, seed: 1, backend }),
};

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const d = require(${JSON.stringify(new URL('../dist/index.js', import.meta.url).pathname)});
d.setThreads(1);
const { x, W, bias, rows, first, backend, kind } = workerData;
const xs = new Float32Array(x).subarray(first * ${DIN}, (first + rows) * ${DIN});
const opts = { inFeatures: ${DIN}, outFeatures: ${DOUT}, backend, seed: 1 };
const run = kind === 'matmul (plain)' ? () => d.linear(xs, new Float32Array(W), new Float32Array(bias), opts)
  : kind === 'DropConnect shared mask' ? () => d.dropConnect(xs, new Float32Array(W), new Float32Array(bias), { ...opts, perExample: false })
  : () => d.dropConnect(xs, new Float32Array(W), new Float32Array(bias), opts);
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

export async function denseBench(row) {
  const x = normal(B * DIN, { seed: 1 }),
    W = normal(DIN * DOUT, { seed: 2 }),
    bias = normal(DOUT, { seed: 3 });
  const table = [];
  for (const backend of availableBackends().filter((b) => b !== 'js')) {
    for (const [kind, fn] of Object.entries(WORKLOADS)) {
      const perExample = kind.includes('per example');
      setThreads(1);
      const one = FLOP / seconds(() => fn(x, W, bias, backend), perExample ? 3 : 20);
      // native splits rows across its own threads; wasm runs in two worker_threads
      setThreads(2);
      const two =
        backend === 'native'
          ? FLOP / seconds(() => fn(x, W, bias, backend), perExample ? 3 : 20)
          : FLOP / (await twoThreads(kind, backend, perExample ? 3 : 15));
      setThreads(1);
      row(kind, backend, 1, B, 'GFLOP/s', one / 1e9);
      row(kind, backend, 2, B, 'GFLOP/s', two / 1e9);
      table.push({
        workload: kind,
        backend,
        'GFLOP/s (1 thread)': (one / 1e9).toFixed(1),
        'GFLOP/s (2 threads)': (two / 1e9).toFixed(1),
      });
    }
  }
  const jsFlop = 2 * 8 * DIN * DOUT; // the js reference on 8 rows, for the ratio
  const jsRate =
    jsFlop / seconds(() => linear(x.subarray(0, 8 * DIN), W, bias, { inFeatures: DIN, outFeatures: DOUT, backend: 'js' }), 3);
  row('matmul (plain)', 'js', 1, 8, 'GFLOP/s', jsRate / 1e9);
  table.push({
    workload: 'matmul (plain), 8 rows',
    backend: 'js',
    'GFLOP/s (1 thread)': (jsRate / 1e9).toFixed(2),
    'GFLOP/s (2 threads)': '',
  });
  console.log(
    `\ndense layer x [${B} x ${DIN}], W [${DOUT} x ${DIN}] (2 threads: native splits rows itself; wasm = two worker_threads, half the batch each)`,
  );
  console.table(table);
}
