// Recurrent methods: LSTM forward for B = 32, T = 64, D = H = 256 per dropout placement and
// backend, in sequences per second and as a ratio of the no-dropout LSTM's time (target on
// native: Gal, RNNDrop and Semeniuta within 1.15×); and mcPredict with T = 50 passes on the
// built-in MLP. Run alone with `node bench/rnn.mjs`; `npm run bench` includes it.
import { seconds } from './timing.mjs';
import { pathToFileURL } from 'node:url';
import dropmask from '../dist/index.js';
import { saveRows } from './results.mjs';

const { Mlp, availableBackends, lstm, normal, setThreads } = dropmask;
const [B, T, D, H] = [32, 64, 256, 256];

const PLACEMENTS = {
  none: { kind: 'none' },
  forward: { kind: 'forward', p: 0.25 },
  rnndrop: { kind: 'rnndrop', p: 0.25 },
  semeniuta: { kind: 'semeniuta', p: 0.25 },
  'gal (tied)': { kind: 'gal', px: 0.25, ph: 0.25 },
  'gal (untied)': { kind: 'gal', px: 0.25, ph: 0.25, tied: false },
};

export function rnnBench(row) {
  setThreads(1);
  const x = normal(B * T * D, { seed: 1 });
  const params = {
    W: normal(4 * H * D, { seed: 2, std: 0.05 }),
    U: normal(4 * H * H, { seed: 3, std: 0.05 }),
    b: new Float32Array(4 * H),
  };
  const table = [];
  for (const backend of availableBackends().filter((b) => b !== 'js')) {
    let reference = 0;
    for (const [name, dropout] of Object.entries(PLACEMENTS)) {
      const t = seconds(
        () => lstm(x, params, { shape: [B, T, D], hiddenSize: H, dropout, seed: 4, backend }),
        backend === 'native' ? 10 : 4,
      );
      if (name === 'none') reference = t;
      row(`lstm ${name}`, backend, B, 'sequences/s', B / t);
      table.push({
        dropout: name,
        backend,
        'sequences/s': (B / t).toFixed(0),
        'ms/call': (t * 1000).toFixed(1),
        '× no dropout': (t / reference).toFixed(2),
      });
    }
  }
  console.log(`LSTM forward, B = ${B}, T = ${T}, D = H = ${H}, one thread`);
  console.table(table);

  const mlp = new Mlp({ sizes: [1, 64, 64, 1], dropout: { method: 'dropout', p: 0.1 }, seed: 5 });
  const xs = normal(256, { seed: 6 });
  const mc = [];
  for (const backend of availableBackends()) {
    dropmask.setBackend(backend);
    for (const passesPerCall of [1, 50]) {
      const t = seconds(() => mlp.predict(xs, { seed: 7, examples: 256, samples: 50, passesPerCall }), 5);
      row(`mcPredict T=50 MLP 1-64-64-1, ${passesPerCall} per call`, backend, 256, 'predictions/s', 256 / t);
      mc.push({
        backend,
        'passes per call': passesPerCall,
        'ms for 256 inputs × 50 passes': (t * 1000).toFixed(1),
        'predictions/s': (256 / t).toFixed(0),
      });
    }
  }
  dropmask.setBackend('auto');
  console.log('mcPredict, T = 50 passes, MLP [1, 64, 64, 1] with dropout 0.1, 256 inputs');
  console.table(mc);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = [];
  rnnBench((kernel, backend, n, unit, value) => rows.push({ kernel, backend, threads: 1, n, unit, value }));
  console.log(`rows written to ${saveRows(rows)}`);
}
