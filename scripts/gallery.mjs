// The pictures of the gallery: what each method does, as panels made by dropmask itself with
// fixed seeds. Shared by `npm run pictures` (README) and `npm run demo` (demo-out/index.html).
import { panel } from './image.mjs';

/** The convolutional methods on an image x [3, h, w]: [{ name, caption, panels }], original first in each. */
export function cnnGallery(d, x, h, w) {
  const shape = [1, 3, h, w];
  const original = panel(x, h, w);
  const entry = (name, methods, caption, panels) => ({ name, methods, caption, panels: [original, ...panels] });
  const pool = { shape, p: 0.85, kernel: 4, seed: 1 };
  const batch = new Float32Array(4 * x.length);
  for (let i = 0; i < 4; i++) batch.set(x, i * x.length);
  const joined = d.dropPath(
    batch,
    batch.map((v) => 1 - 2 * v),
    { p: 0.5, shape: [4, 3, h, w], scaling: 'test-time', seed: 12 },
  );
  return [
    entry(
      'max-pool-dropout',
      ['maxPoolDropout'],
      'Max-pooling dropout, 4×4 windows, p = 0.85: a training draw, then probabilistic weighted pooling (inference)',
      [panel(d.maxPoolDropout(x, pool), h / 4, w / 4, 4), panel(d.maxPoolDropout(x, { ...pool, mode: 'eval' }), h / 4, w / 4, 4)],
    ),
    entry(
      'spatial-dropout',
      ['spatialDropout'],
      'Spatial dropout, p = 0.5: whole channels (colours) dropped, four draws, shown at half brightness',
      [1, 2, 3, 4].map((seed) =>
        panel(
          d.spatialDropout(x, { shape, p: 0.5, seed }).map((v) => v / 2),
          h,
          w,
        ),
      ),
    ),
    entry('cutout', ['cutout'], 'Cutout: two 40-pixel grey squares; three circles of 36 pixels', [
      panel(d.cutout(x, { shape, size: 40, holes: 2, fill: 0.5, seed: 3 }).image, h, w),
      panel(d.cutout(x, { shape, size: 36, holes: 3, region: 'circle', seed: 4 }).image, h, w),
    ]),
    entry(
      'max-drop',
      ['maxDrop'],
      "Max-Drop: feature mode, p = 1, 21×21 window round each channel's strongest pixel; channel mode, p = 0.3",
      [
        panel(d.maxDrop(x, { shape, p: 1, kernel: 21, seed: 5 }), h, w),
        panel(d.maxDrop(x, { shape, p: 0.3, granularity: 'channel', seed: 6 }), h, w),
      ],
    ),
    entry(
      'stochastic-dropout',
      ['stochasticDropout'],
      'Stochastic dropout: each pass draws its rate r ~ U(0, 0.5); three passes, shown times 1 − r',
      [7, 8, 9].map((seed) => {
        const { rate } = d.stochasticDropoutRate({ seed });
        return panel(
          d.stochasticDropout(x, { seed }).map((v) => v * (1 - rate)),
          h,
          w,
        );
      }),
    ),
    entry('dropblock', ['dropBlock'], 'DropBlock, 12×12 blocks, keepProb 0.85: one mask for all channels, then one per channel', [
      panel(
        d.dropBlock(x, { shape, keepProb: 0.85, blockSize: 12, shareAcrossChannels: true, seed: 10 }).map((v) => v * 0.85),
        h,
        w,
      ),
      panel(
        d.dropBlock(x, { shape, keepProb: 0.85, blockSize: 12, seed: 11 }).map((v) => v * 0.85),
        h,
        w,
      ),
    ]),
    entry(
      'droppath',
      ['dropPath'],
      'DropPath, row mode, p = 0.5, on four copies; the branch F(x) = 1 − 2x turns x + F(x) into the negative',
      [0, 1, 2, 3].map((i) => panel(joined.subarray(i * x.length, (i + 1) * x.length), h, w)),
    ),
  ];
}

/** Dense methods on generated activations [32, 64] (rows = examples), as heat maps in [0, 1]. */
export function denseGallery(d) {
  const [B, D] = [32, 64];
  const x = d.uniform(B * D, { seed: 20 }).map((v) => 0.25 + 0.5 * v);
  const show = (y, lo = 0, hi = 1) =>
    panel(
      y.map((v) => (v - lo) / (hi - lo)),
      B,
      D,
      4,
    );
  const W = d.normal(D * D, { seed: 21, std: 0.1 });
  const dense = { inFeatures: D, outFeatures: D };
  const mask = d.dropConnect(
    new Float32Array(D * D).map((_, i) => (i % (D + 1) === 0 ? 1 : 0)),
    new Float32Array(D * D).fill(1),
    null,
    { inFeatures: D, outFeatures: D, perExample: false, p: 0.5, seed: 22 },
  );
  return [
    {
      name: 'dense-dropout',
      methods: ['dropout', 'gaussianDropout', 'alphaDropout', 'concreteDropout', 'tfStatelessDropout'],
      caption:
        "Activations [32 × 64]; standard dropout p = 0.5 (inverted, ×2); Gaussian dropout p = 0.5; AlphaDropout p = 0.2; Concrete dropout (relaxed mask, p = 0.3, t = 0.1); TensorFlow's stateless dropout, rate 0.5, seed [23, 0] (TF's own mask)",
      panels: [
        show(x),
        show(d.dropout(x, { p: 0.5, seed: 23 }), 0, 2),
        show(d.gaussianDropout(x, { p: 0.5, seed: 24 }), -0.5, 2),
        show(d.alphaDropout(x, { p: 0.2, seed: 25 }), -2, 2),
        show(d.concreteDropout(x, Math.log(0.3 / 0.7), { temperature: 0.1, seed: 26 }), 0, 2),
        show(d.tfStatelessDropout(x, { rate: 0.5, seed: [23, 0] }), 0, 2),
      ],
    },
    {
      name: 'dropconnect',
      methods: ['dropConnect'],
      caption:
        'DropConnect: a weight mask [64 × 64] read through one-hot inputs (p = 0.5), and the layer output of masked weights for one batch',
      panels: [
        panel(mask, D, D, 4),
        show(d.dropConnect(x, W, null, { inFeatures: D, outFeatures: D, p: 0.5, seed: 27 }), -1.5, 1.5),
      ],
    },
    {
      name: 'dense-bayes',
      methods: ['standout', 'fastDropout', 'variationalDense', 'sbpNoise'],
      caption:
        'Layer outputs [32 × 64] of x·Wᵀ: Standout (α = 1, β = 0, relu); fast dropout (one Gaussian sample per unit, p = 0.5); variational dropout (local reparameterisation, α = 0.5); structured Bayesian pruning noise on 64 channels (μ from −2 to 1, log σ = −1)',
      panels: [
        show(d.standout(x, W, null, { ...dense, seed: 28 }), -0.2, 1),
        show(d.fastDropout(x, W, null, { ...dense, p: 0.5, seed: 29 }), -1.5, 1.5),
        show(d.variationalDense(x, W, new Float32Array(D * D).fill(Math.log(0.5)), null, { ...dense, seed: 30 }), -1.5, 1.5),
        show(
          d.sbpNoise(
            x,
            Float32Array.from({ length: D }, (_, i) => -2 + (3 * i) / (D - 1)),
            new Float32Array(D).fill(-1),
            { shape: [B, D, 1], seed: 31 },
          ),
          0,
          3,
        ),
      ],
    },
  ];
}

/** Where each RNN dropout kind puts masks over time: rows = units of one sequence, columns = steps. */
export function rnnGallery(d) {
  const [T, D, H] = [48, 24, 24];
  const x = d.normal(T * D, { seed: 30 });
  const params = {
    W: d.normal(4 * H * D, { seed: 31, std: 0.3 }),
    U: d.normal(4 * H * H, { seed: 32, std: 0.3 }),
    b: new Float32Array(4 * H),
  };
  const over = (factors, n, constant) => {
    // factors [T, n] (or [n], the same for every step) → an image n rows × T columns
    const img = new Float32Array(n * T);
    for (let t = 0; t < T; t++)
      for (let u = 0; u < n; u++) img[u * T + t] = (constant ? factors[u] : factors[t * n + u]) > 0 ? 1 : 0.15;
    return panel(img, n, T, 4);
  };
  const run = (dropout) => d.lstm(x, params, { shape: [1, T, D], hiddenSize: H, dropout, seed: 33 }).tape.masks;
  const fwd = run({ kind: 'forward', p: 0.3 }),
    rnn = run({ kind: 'rnndrop', p: 0.3 });
  const sem = run({ kind: 'semeniuta', p: 0.3 }),
    gal = run({ kind: 'gal', px: 0.3, ph: 0.3 });
  const gruParams = {
    W: d.normal(3 * H * D, { seed: 34, std: 0.3 }),
    U: d.normal(3 * H * H, { seed: 35, std: 0.3 }),
    bW: new Float32Array(3 * H),
    bU: new Float32Array(3 * H),
  };
  const gruMasks = d.gru(x, gruParams, { shape: [1, T, D], hiddenSize: H, dropout: { kind: 'gal', px: 0.3, ph: 0.3 }, seed: 36 })
    .tape.masks;
  // embedding dropout: one decision per word type of the sequence, shared by its every occurrence
  const ids = Int32Array.from({ length: T }, (_, t) => (t * 7) % 12),
    table = new Float32Array(12 * D).fill(1);
  const embedded = d.embeddingDropout(ids, table, { shape: [1, T], vocabSize: 12, p: 0.3, seed: 37 });
  return [
    {
      name: 'rnn-masks',
      methods: ['lstm', 'gru', 'embeddingDropout'],
      caption:
        "LSTM masks over 48 steps (columns) for one sequence: forward dropout on x_t (fresh every step); RNNDrop on the cell (once per sequence); Semeniuta on the candidate (every step); Gal on x_t and h_{t−1} (once per sequence, tied); a GRU's Gal mask on h_{t−1}; embedding dropout of a sequence over 12 word types (every occurrence of a word shares its decision). Light = kept.",
      panels: [
        over(fwd.x, D, false),
        over(rnn.cell, H, true),
        over(sem.candidate, H, false),
        over(gal.groups[0].zx, D, true),
        over(gal.groups[0].zh, H, true),
        over(gruMasks.groups[0].zh, H, true),
        over(embedded, D, false),
      ],
    },
  ];
}

/**
 * The TF.js panel: the same tf.layers MLP (64 → 256 → 256 → 10) trained on `trainSize` images of
 * the UCI digits with and without dropmask/tfjs dropout (0.5 after each hidden layer), and the
 * loss per epoch on those images and on 500 held-out ones, as one plot; the caption gives the
 * measured held-out losses. `tf` is @tensorflow/tfjs on its
 * backend, `tfjs` is dropmask/tfjs, `digits` the fixture's text. Returns { name, methods,
 * caption, panels, final } with the last epoch's losses.
 */
export async function tfjsGallery(d, tf, tfjs, digits, epochs = 100, trainSize = 200, learningRate = 3e-3) {
  const rows = digits.trim().split('\n');
  const order = [...rows.keys()];
  const u = d.uniform(rows.length, { seed: 1 });
  order.sort((a, b) => u[a] - u[b]);
  const tensors = (ids) => {
    const x = new Float32Array(ids.length * 64);
    ids.forEach((id, i) => {
      for (let j = 0; j < 64; j++) x[i * 64 + j] = parseInt(rows[id][j], 17) / 16;
    });
    const labels = Int32Array.from(ids, (id) => Number(rows[id].slice(65)));
    return [tf.tensor2d(x, [ids.length, 64]), tf.oneHot(tf.tensor1d(labels, 'int32'), 10)];
  };
  const validation = tensors(order.slice(0, 500)),
    train = tensors(order.slice(500, 500 + trainSize));
  const curves = {};
  for (const dropout of [false, true]) {
    tfjs.resetLayerStreams();
    const init = (seed) => tf.initializers.glorotUniform({ seed });
    const layers = [tf.layers.dense({ units: 256, activation: 'relu', inputShape: [64], kernelInitializer: init(1) })];
    if (dropout) layers.push(tfjs.layers.dropout({ rate: 0.5, seed: 2 }));
    layers.push(tf.layers.dense({ units: 256, activation: 'relu', kernelInitializer: init(3) }));
    if (dropout) layers.push(tfjs.layers.dropout({ rate: 0.5, seed: 2 }));
    layers.push(tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(4) }));
    const model = tf.sequential({ layers });
    model.compile({ optimizer: tf.train.adam(learningRate), loss: 'categoricalCrossentropy' });
    const { history } = await model.fit(train[0], train[1], {
      epochs,
      batchSize: 32,
      shuffle: false,
      verbose: 0,
      validationData: validation,
    });
    curves[dropout ? 'dropout' : 'plain'] = { train: history.loss, validation: history.val_loss };
    model.dispose();
  }
  tf.dispose([...train, ...validation]);
  const colours = {
    plain: [
      [0.93, 0.6, 0.55],
      [0.8, 0.15, 0.1],
    ],
    dropout: [
      [0.6, 0.75, 0.95],
      [0.1, 0.35, 0.75],
    ],
  };
  const lines = Object.entries(curves).flatMap(([k, c]) => [
    { ys: c.train, colour: colours[k][0] },
    { ys: c.validation, colour: colours[k][1] },
  ]);
  return {
    name: 'tfjs-dropout-curves',
    methods: ['tfjs'],
    caption:
      `TensorFlow.js: a tf.layers MLP [64, 256, 256, 10] on ${trainSize} UCI digits, ${epochs} epochs of Adam (${learningRate}), ` +
      `cross-entropy per epoch (axis 0 to 0.6, dotted every 0.1) on the training images (light) and on 500 held-out images (dark), without dropout (red) ` +
      `and with dropmask/tfjs dropout 0.5 after each hidden layer (blue). Held-out loss: ${summary(curves.plain.validation)} without ` +
      `dropout, ${summary(curves.dropout.validation)} with it.`,
    panels: [curvesPanel(lines, epochs, 0.6)],
    final: Object.fromEntries(
      Object.entries(curves).map(([k, c]) => [k, { train: c.train.at(-1), validation: c.validation.at(-1) }]),
    ),
  };
}

/** 'lowest L at epoch e, last L' of a loss curve. */
const summary = (ys) => {
  const best = ys.indexOf(Math.min(...ys));
  return `lowest ${ys[best].toFixed(3)} at epoch ${best + 1}, last ${ys.at(-1).toFixed(3)}`;
};

/** Line plot as an RGB panel [3, h, w]: each line's ys over 0..n − 1 against 0..yMax, 2 px thick, light axes. */
function curvesPanel(lines, n, yMax, w = 560, h = 280) {
  const x = new Float32Array(3 * h * w).fill(1);
  const set = (i, j, rgb) => {
    if (i < 0 || j < 0 || i >= w || j >= h) return;
    for (let c = 0; c < 3; c++) x[c * h * w + j * w + i] = rgb[c];
  };
  const px = (t) => Math.round(8 + (t / (n - 1)) * (w - 16));
  const py = (v) => Math.round(h - 8 - (Math.min(v, yMax) / yMax) * (h - 16));
  for (let i = 0; i < w; i++) set(i, py(0), [0.85, 0.85, 0.85]);
  for (let j = 0; j < h; j++) set(px(0), j, [0.85, 0.85, 0.85]);
  for (let k = 1; k * 0.1 < yMax; k++) for (let i = 0; i < w; i += 4) set(i, py(k * 0.1), [0.9, 0.9, 0.9]);
  for (const { ys, colour } of lines) {
    for (let t = 0; t + 1 < ys.length; t++) {
      const [x0, y0, x1, y1] = [px(t), py(ys[t]), px(t + 1), py(ys[t + 1])];
      const steps = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0), 1);
      for (let s = 0; s <= steps; s++) {
        const i = Math.round(x0 + ((x1 - x0) * s) / steps),
          j = Math.round(y0 + ((y1 - y0) * s) / steps);
        for (const [di, dj] of [
          [0, 0],
          [1, 0],
          [0, 1],
          [1, 1],
        ])
          set(i + di, j + dj, colour);
      }
    }
  }
  return panel(x, h, w);
}
