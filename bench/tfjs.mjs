// dropmask/tfjs against tf.layers' own dropout, on the tfjs cpu and wasm backends, in one run:
// one training step of the same MLP (64 → 512 → 512 → 10, batch 256, dropout 0.5 after each
// hidden layer, Adam) with dropmask's layers, with tf.layers.dropout and without dropout; and the
// dropout layer's training forward alone on x [128, 8192]. Ratios are tf.layers' time over
// dropmask's. The arms are timed in alternating rounds (median of round medians), so that the
// load of a shared machine drifts over all of them alike. `node bench/tfjs.mjs` runs only this (`--quick`: tiny sizes, the CI smoke run).
import { createRequire } from 'node:module';
import { dirname, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { seconds } from './timing.mjs';
import { saveRows } from './results.mjs';

const require = createRequire(import.meta.url);

/** tfjs on `backend` (the wasm module read from node_modules), or the reason it cannot run. */
async function loadTf(backend) {
  const { warn, log } = console;
  console.warn = console.log = () => {}; // tfjs advertises tfjs-node when it loads
  try {
    const tf = require('@tensorflow/tfjs');
    if (backend === 'wasm') {
      const wasm = require('@tensorflow/tfjs-backend-wasm');
      wasm.setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + sep);
    }
    await tf.setBackend(backend);
    await tf.ready();
    if (tf.getBackend() !== backend) throw new Error(`tfjs chose ${tf.getBackend()}`);
    tf.tidy(() => tf.zeros([1]).dataSync());
    return { tf };
  } catch (e) {
    return { error: e.message };
  } finally {
    Object.assign(console, { warn, log });
  }
}

/** The MLP with `drop(rate)` after each hidden layer (or none), and one synchronous Adam step on (x, y). */
function trainingStep(tf, drop, sizes) {
  const [din, hidden, classes, batch] = sizes;
  const layers = [tf.layers.dense({ units: hidden, activation: 'relu', inputShape: [din] })];
  if (drop) layers.push(drop(0.5));
  layers.push(tf.layers.dense({ units: hidden, activation: 'relu' }));
  if (drop) layers.push(drop(0.5));
  layers.push(tf.layers.dense({ units: classes }));
  const model = tf.sequential({ layers });
  const optimizer = tf.train.adam(1e-3);
  const x = tf.randomNormal([batch, din]),
    y = tf.oneHot(tf.randomUniform([batch], 0, classes, 'int32'), classes);
  const step = () =>
    tf.tidy(() => optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }))));
  return { step, dispose: () => (tf.dispose([x, y]), model.dispose(), optimizer.dispose()) };
}

/** Per arm, the median over `rounds` alternating rounds of time(arm). */
function median(rounds, arms, time) {
  const samples = Object.fromEntries(arms.map(({ arm }) => [arm, []]));
  for (let r = 0; r < rounds; r++) for (const a of arms) samples[a.arm].push(time(a));
  return Object.fromEntries(Object.entries(samples).map(([arm, v]) => [arm, v.sort((p, q) => p - q)[Math.floor(v.length / 2)]]));
}

export async function tfjsBench(row, quick = false) {
  const sizes = quick ? [32, 16, 4, 8] : [64, 512, 10, 256];
  const forwardShape = quick ? [8, 64] : [128, 8192];
  const it = quick ? 2 : 4;
  const rounds = quick ? 1 : 5;
  const { layers } = require('../dist/tfjs/index.js');
  const table = [],
    skipped = {};
  for (const backend of ['cpu', 'wasm']) {
    const { tf, error } = await loadTf(backend);
    if (error) {
      skipped[backend] = error;
      continue;
    }
    let seed = 1;
    const arms = {
      dropmask: (rate) => layers.dropout({ rate, seed: seed++ }),
      'tf.layers': (rate) => tf.layers.dropout({ rate }),
      'no dropout': null,
    };
    const steps = Object.entries(arms).map(([arm, drop]) => ({ arm, ...trainingStep(tf, drop, sizes) }));
    const forwardLayers = [
      { arm: 'dropmask', layer: layers.dropout({ rate: 0.5, seed: 99 }) },
      { arm: 'tf.layers', layer: tf.layers.dropout({ rate: 0.5 }) },
    ];
    const x = tf.randomNormal(forwardShape);
    const stepMs = median(rounds, steps, ({ step }) => seconds(step, it, 1) * 1e3);
    const forwardMs = median(
      rounds,
      forwardLayers,
      ({ layer }) => seconds(() => tf.tidy(() => layer.apply(x, { training: true })), it * 3, 2) * 1e3,
    );
    for (const { arm, dispose } of steps) {
      dispose();
      row(`tfjs training step: ${arm}`, `tfjs ${backend}`, sizes[3], 'ms', stepMs[arm]);
    }
    for (const { arm } of forwardLayers) row(`tfjs dropout forward: ${arm}`, `tfjs ${backend}`, x.size, 'ms', forwardMs[arm]);
    x.dispose();
    table.push({
      backend: `tfjs ${backend}`,
      'step, dropmask (ms)': stepMs.dropmask.toFixed(2),
      'step, tf.layers (ms)': stepMs['tf.layers'].toFixed(2),
      'step, no dropout (ms)': stepMs['no dropout'].toFixed(2),
      'step × (tf.layers / dropmask)': (stepMs['tf.layers'] / stepMs.dropmask).toFixed(2),
      'forward, dropmask (ms)': forwardMs.dropmask.toFixed(2),
      'forward, tf.layers (ms)': forwardMs['tf.layers'].toFixed(2),
      'forward × (tf.layers / dropmask)': (forwardMs['tf.layers'] / forwardMs.dropmask).toFixed(2),
    });
  }
  console.log(
    `dropmask/tfjs vs tf.layers.dropout: training step of the MLP [${sizes.slice(0, 2).join(' → ')} → ${sizes[1]} → ${sizes[2]}], batch ${sizes[3]}, dropout 0.5 twice, Adam; dropout forward on [${forwardShape.join(', ')}]`,
  );
  console.table(table);
  for (const [name, why] of Object.entries(skipped)) console.log(`skipped tfjs ${name}: ${why}`);
  return { table, skipped };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes('--quick');
  const rows = [];
  await tfjsBench((kernel, backend, n, unit, value) => rows.push({ kernel, backend, threads: 1, n, unit, value }), quick);
  // a quick run's tiny sizes say nothing about speed: they are not saved
  if (!quick) console.log(`rows written to ${saveRows(rows)}`);
}
