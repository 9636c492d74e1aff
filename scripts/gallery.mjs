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
