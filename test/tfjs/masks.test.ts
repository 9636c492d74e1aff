// Every dropmask/tfjs layer draws exactly dropmask's own masks: training call k equals the
// dropmask function at (seed, stream, offset_k), on the tfjs cpu and wasm backends (so also the
// same bits across them), and offset_{k+1} is offset_k plus the words call k consumed.
import { BACKENDS, tf, useBackend } from './backends';
import { expectSameBits, values } from './expect';
import * as dm from '../../lib/index';
import { layers, ops, resetLayerStreams } from '../../lib/tfjs/index';

type Layer = ReturnType<typeof layers.dropout> | InstanceType<typeof layers.StreamLayer>;
type Expected = (x: Float32Array, generator: dm.Generator, layer: Layer) => Float32Array;

interface Case {
  name: string;
  shape: number[];
  make: (seed: number) => Layer;
  /** dropmask's result for input x, drawing from `generator` (which advances as the layer's should). */
  expected: Expected;
  /** The inference output, when it is not the identity. */
  inference?: (x: Float32Array, layer: Layer) => Float32Array;
}

const weightsOf = (layer: Layer): Float32Array[] => layer.getWeights().map((w) => Float32Array.from(w.dataSync()));
const transposed = (a: Float32Array, rows: number, cols: number): Float32Array => {
  const out = new Float32Array(a.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c];
  return out;
};

const CASES: Case[] = [
  {
    name: 'dropout',
    shape: [4, 6, 5],
    make: (seed) => layers.dropout({ rate: 0.3, seed }),
    expected: (x, generator) => dm.dropout(x, { p: 0.3, shape: [4, 6, 5], generator }),
  },
  {
    name: 'dropout with noiseShape [null, 1, 5]',
    shape: [4, 6, 5],
    make: (seed) => layers.dropout({ rate: 0.5, noiseShape: [null, 1, 5], seed }),
    expected: (x, generator) => dm.dropout(x, { p: 0.5, shape: [4, 6, 5], noiseShape: [4, 1, 5], generator }),
  },
  {
    name: "dropout with scaling 'test-time'",
    shape: [3, 7],
    make: (seed) => layers.dropout({ rate: 0.25, scaling: 'test-time', seed }),
    expected: (x, generator) => dm.dropout(x, { p: 0.25, scaling: 'test-time', generator }),
    inference: (x) => dm.dropout(x, { p: 0.25, scaling: 'test-time', mode: 'eval', seed: 0 }),
  },
  {
    name: 'spatialDropout1d',
    shape: [4, 6, 5],
    make: (seed) => layers.spatialDropout1d({ rate: 0.5, seed }),
    expected: (x, generator) => dm.spatialDropout(x, { p: 0.5, shape: [4, 6, 5], layout: 'NHWC', generator }),
  },
  {
    name: 'spatialDropout2d (channels last)',
    shape: [3, 5, 4, 6],
    make: (seed) => layers.spatialDropout2d({ rate: 0.4, seed }),
    expected: (x, generator) => dm.spatialDropout(x, { p: 0.4, shape: [3, 5, 4, 6], layout: 'NHWC', generator }),
  },
  {
    name: 'spatialDropout2d (channels first)',
    shape: [3, 6, 5, 4],
    make: (seed) => layers.spatialDropout2d({ rate: 0.4, dataFormat: 'channelsFirst', seed }),
    expected: (x, generator) => dm.spatialDropout(x, { p: 0.4, shape: [3, 6, 5, 4], layout: 'NCHW', generator }),
  },
  {
    name: 'spatialDropout3d',
    shape: [2, 3, 4, 4, 5],
    make: (seed) => layers.spatialDropout3d({ rate: 0.5, seed }),
    expected: (x, generator) => dm.spatialDropout(x, { p: 0.5, shape: [2, 3, 4, 4, 5], layout: 'NHWC', generator }),
  },
  {
    name: 'gaussianDropout',
    shape: [5, 9],
    make: (seed) => layers.gaussianDropout({ rate: 0.2, seed }),
    expected: (x, generator) => dm.gaussianDropout(x, { p: 0.2, generator }),
  },
  {
    name: 'gaussianNoise (additive)',
    shape: [5, 9],
    make: (seed) => layers.gaussianNoise({ stddev: 0.7, seed }),
    expected: (x, generator) => {
      const z = dm.normal(x.length, { std: 0.7, generator });
      return z.map((v, i) => v + x[i]);
    },
  },
  {
    name: 'alphaDropout',
    shape: [6, 8],
    make: (seed) => layers.alphaDropout({ rate: 0.1, seed }),
    expected: (x, generator) => dm.alphaDropout(x, { p: 0.1, generator }),
  },
  {
    name: 'dropBlock2d',
    shape: [2, 9, 8, 3],
    make: (seed) => layers.dropBlock2d({ rate: 0.2, blockSize: 3, seed }),
    expected: (x, generator) => dm.dropBlock(x, { keepProb: 0.8, blockSize: 3, shape: [2, 9, 8, 3], layout: 'NHWC', generator }),
  },
  {
    name: 'dropBlock2d shared across channels, channels first',
    shape: [2, 3, 9, 8],
    make: (seed) => layers.dropBlock2d({ rate: 0.3, blockSize: 2, shareAcrossChannels: true, dataFormat: 'channelsFirst', seed }),
    expected: (x, generator) =>
      dm.dropBlock(x, { keepProb: 0.7, blockSize: 2, shareAcrossChannels: true, shape: [2, 3, 9, 8], layout: 'NCHW', generator }),
  },
  {
    name: 'dropPath (branch only)',
    shape: [6, 4, 3],
    make: (seed) => layers.dropPath({ rate: 0.5, seed }),
    expected: (x, generator) => dm.dropPath(new Float32Array(x.length), x, { p: 0.5, shape: [6, 4, 3], generator }),
  },
  {
    name: 'maxDrop2d',
    shape: [2, 6, 5, 3],
    make: (seed) => layers.maxDrop2d({ rate: 0.5, kernelSize: 3, seed }),
    expected: (x, generator) => dm.maxDrop(x, { p: 0.5, kernel: [3, 3], shape: [2, 6, 5, 3], layout: 'NHWC', generator }),
  },
  {
    name: 'maxDrop2d per channel',
    shape: [2, 4, 4, 6],
    make: (seed) => layers.maxDrop2d({ rate: 0.3, granularity: 'channel', seed }),
    expected: (x, generator) => dm.maxDrop(x, { p: 0.3, granularity: 'channel', shape: [2, 4, 4, 6], layout: 'NHWC', generator }),
  },
  {
    name: 'maxPoolDropout2d',
    shape: [2, 6, 8, 3],
    make: (seed) => layers.maxPoolDropout2d({ rate: 0.4, poolSize: 2, seed }),
    expected: (x, generator) => dm.maxPoolDropout(x, { p: 0.4, kernel: 2, shape: [2, 6, 8, 3], layout: 'NHWC', generator }),
    inference: (x) => dm.maxPoolDropout(x, { p: 0.4, kernel: 2, shape: [2, 6, 8, 3], layout: 'NHWC', mode: 'eval', seed: 0 }),
  },
  {
    name: 'cutout',
    shape: [3, 10, 10, 2],
    make: (seed) => layers.cutout({ size: 4, holes: 2, fill: 0.5, seed }),
    expected: (x, generator) =>
      dm.cutout(x, { size: 4, holes: 2, fill: 0.5, shape: [3, 10, 10, 2], layout: 'NHWC', generator }).image,
  },
  {
    name: 'dropConnectDense (per example)',
    shape: [5, 7],
    make: (seed) => layers.dropConnectDense({ units: 4, rate: 0.5, seed }),
    expected: (x, generator, layer) => {
      const [kernel, bias] = weightsOf(layer);
      return dm.dropConnect(x, transposed(kernel, 7, 4), bias, { inFeatures: 7, outFeatures: 4, p: 0.5, generator });
    },
    inference: (x, layer) => {
      const [kernel, bias] = weightsOf(layer);
      const { seed, stream } = layer.position();
      // Gaussian moment matching at a fixed position of the stream with the top bit flipped
      return dm.dropConnectInference(x, transposed(kernel, 7, 4), bias, {
        inFeatures: 7,
        outFeatures: 4,
        p: 0.5,
        seed,
        stream: stream ^ (1n << 63n),
      });
    },
  },
  {
    name: 'dropConnectDense (shared, inverted, relu)',
    shape: [5, 7],
    make: (seed) =>
      layers.dropConnectDense({ units: 4, rate: 0.3, perExample: false, scaling: 'inverted', activation: 'relu', seed }),
    expected: (x, generator, layer) => {
      const [kernel, bias] = weightsOf(layer);
      const y = dm.dropConnect(x, transposed(kernel, 7, 4), bias, {
        inFeatures: 7,
        outFeatures: 4,
        p: 0.3,
        perExample: false,
        scaling: 'inverted',
        generator,
      });
      return y.map((v) => Math.max(0, v));
    },
    inference: (x, layer) => {
      const [kernel, bias] = weightsOf(layer);
      const { seed, stream } = layer.position();
      const options = {
        inFeatures: 7,
        outFeatures: 4,
        p: 0.3,
        scaling: 'inverted',
        activation: 'relu',
        seed,
        stream: stream ^ (1n << 63n),
      } as const;
      return dm.dropConnectInference(x, transposed(kernel, 7, 4), bias, options);
    },
  },
  {
    name: 'standout',
    shape: [6, 5],
    make: (seed) => layers.standout({ units: 4, alpha: 2, beta: -0.5, seed }),
    expected: (x, generator, layer) => {
      const [kernel, bias] = weightsOf(layer);
      return dm.standout(x, transposed(kernel, 5, 4), bias, { inFeatures: 5, outFeatures: 4, alpha: 2, beta: -0.5, generator });
    },
    inference: (x, layer) => {
      const [kernel, bias] = weightsOf(layer);
      return dm.standout(x, transposed(kernel, 5, 4), bias, {
        inFeatures: 5,
        outFeatures: 4,
        alpha: 2,
        beta: -0.5,
        mode: 'eval',
        seed: 0,
      });
    },
  },
];

/** A model input of `shape` whose values are distinct (so arg-max searches have no ties). */
const inputOf = (shape: number[], seed: number): Float32Array =>
  dm.normal(
    shape.reduce((a, b) => a * b, 1),
    { seed },
  );

describe.each(BACKENDS)('tfjs %s backend', (backend) => {
  beforeAll(() => useBackend(backend));
  beforeEach(() => resetLayerStreams());

  test.each(CASES.map((c, i) => [c.name, c, i] as const))(
    '%s: training calls equal dropmask at (seed, 0, offset_k)',
    (_name, c, i) => {
      const seed = 7000 + i;
      const layer = c.make(seed);
      const x = inputOf(c.shape, 100 + i);
      const xt = tf.tensor(x, c.shape);
      layer.apply(xt, { training: false }); // builds the layer (weights) without drawing
      expect(layer.position()).toEqual({ seed: BigInt(seed), stream: 0n, offset: 0n });
      const reference = new dm.Generator(seed);
      for (let call = 0; call < 3; call++) {
        const y = values(layer.apply(xt, { training: true }) as tf.Tensor);
        expectSameBits(y, c.expected(x, reference, layer));
        expect(layer.position().offset).toBe(reference.offset);
      }
      const inferred = values(layer.apply(xt) as tf.Tensor);
      if (c.inference) expectSameBits(inferred, c.inference(x, layer));
      else expectSameBits(inferred, x);
      expect(layer.position().offset).toBe(reference.offset); // inference draws nothing
    },
  );

  test('dropPath on [shortcut, branch] equals dropmask.dropPath(x, branch)', () => {
    const shape = [8, 3, 2];
    const layer = layers.dropPath({ rate: 0.5, granularity: 'row', seed: 42 });
    const x = inputOf(shape, 1),
      f = inputOf(shape, 2);
    const y = layer.apply([tf.tensor(x, shape), tf.tensor(f, shape)], { training: true }) as tf.Tensor;
    expectSameBits(values(y), dm.dropPath(x, f, { p: 0.5, shape, seed: 42 }));
    const inferred = layer.apply([tf.tensor(x, shape), tf.tensor(f, shape)]) as tf.Tensor;
    expectSameBits(
      values(inferred),
      Float32Array.from(x, (v, i) => v + f[i]),
    );
  });

  test('concreteDropout drops the wrapped layer input as dropmask.concreteDropout', () => {
    const layer = layers.concreteDropout({ layer: tf.layers.dense({ units: 3, useBias: false }), initP: 0.3, seed: 5 });
    const x = inputOf([4, 6], 3);
    const xt = tf.tensor(x, [4, 6]);
    const y = values(layer.apply(xt, { training: true }) as tf.Tensor);
    const [kernel, pLogit] = [
      layer.getWeights().find((w) => w.shape.length === 2)!,
      layer.getWeights().find((w) => w.shape.length === 0)!,
    ];
    const dropped = dm.concreteDropout(x, pLogit.dataSync()[0], { seed: 5 });
    expectSameBits(y, values(tf.matMul(tf.tensor(dropped, [4, 6]), kernel)));
    expect(layer.position().offset).toBe(24n); // one uniform word per element
  });

  test.each([
    ['lstm', 'gal', { dropout: 0.25, recurrentDropout: 0.3 }],
    ['lstm', 'forward', { dropout: 0.2, dropoutKind: 'forward' }],
    ['lstm', 'rnndrop', { recurrentDropout: 0.3, dropoutKind: 'rnndrop' }],
    ['lstm', 'semeniuta', { recurrentDropout: 0.3, dropoutKind: 'semeniuta' }],
    ['gru', 'gal tied', { dropout: 0.25, recurrentDropout: 0.3, tied: true }],
    ['gru', 'semeniuta', { recurrentDropout: 0.3, dropoutKind: 'semeniuta' }],
  ] as const)('%s with %s dropout equals dropmask.%s', (kind, _label, args) => {
    const [B, T, D, H] = [3, 5, 4, 6];
    const layer =
      kind === 'lstm'
        ? layers.lstm({ units: H, returnSequences: true, seed: 11, ...args })
        : layers.gru({ units: H, returnSequences: true, seed: 11, ...args });
    const x = inputOf([B, T, D], 4);
    const y = values(layer.apply(tf.tensor(x, [B, T, D]), { training: true }) as tf.Tensor);
    const w = weightsOf(layer);
    const options = { shape: [B, T, D], hiddenSize: H, dropout: layer.placement(), seed: 11 };
    const expected =
      kind === 'lstm'
        ? dm.lstm(x, { W: transposed(w[0], D, 4 * H), U: transposed(w[1], H, 4 * H), b: w[2] }, options).output
        : dm.gru(x, { W: transposed(w[0], D, 3 * H), U: transposed(w[1], H, 3 * H), bW: w[2], bU: w[3] }, options).output;
    expectSameBits(y, expected);
    const eval_ = values(layer.apply(tf.tensor(x, [B, T, D])) as tf.Tensor);
    const evalExpected =
      kind === 'lstm'
        ? dm.lstm(x, { W: transposed(w[0], D, 4 * H), U: transposed(w[1], H, 4 * H), b: w[2] }, { ...options, mode: 'eval' })
            .output
        : dm.gru(
            x,
            { W: transposed(w[0], D, 3 * H), U: transposed(w[1], H, 3 * H), bW: w[2], bU: w[3] },
            { ...options, mode: 'eval' },
          ).output;
    expectSameBits(eval_, evalExpected);
  });

  // With RNNDrop's default 'inverted-h' scaling a GRU emits h / q and carries h: the ops' h (and c)
  // are dropmask's final states, the layers' last output (returnSequences false) the last emitted step.
  test.each(['lstm', 'gru'] as const)('ops.%s returns dropmask final states, its layer the last emitted step', (kind) => {
    const [B, T, D, H] = [3, 4, 5, 6];
    const G = kind === 'lstm' ? 4 : 3;
    const x = inputOf([B, T, D], 4);
    const [k, r, b, rb] = [inputOf([D, G * H], 5), inputOf([H, G * H], 6), inputOf([G * H], 7), inputOf([G * H], 8)];
    const dropout = { kind: 'rnndrop' as const, p: 0.4 };
    const options = { shape: [B, T, D], hiddenSize: H, dropout, seed: 3 };
    const [W, U] = [transposed(k, D, G * H), transposed(r, H, G * H)];
    const args = [tf.tensor(x, [B, T, D]), tf.tensor(k, [D, G * H]), tf.tensor(r, [H, G * H]), tf.tensor(b, [G * H])] as const;
    if (kind === 'lstm') {
      const y = ops.lstm(...args, { dropout, seed: 3 });
      const want = dm.lstm(x, { W, U, b }, options);
      expectSameBits(values(y.output), want.output);
      expectSameBits(values(y.h), want.h);
      expectSameBits(values(y.c), want.c);
    } else {
      const y = ops.gru(...args, tf.tensor(rb, [G * H]), { dropout, seed: 3 });
      const want = dm.gru(x, { W, U, bW: b, bU: rb }, options);
      expectSameBits(values(y.output), want.output);
      expectSameBits(values(y.h), want.h);
    }
    const layer =
      kind === 'lstm'
        ? layers.lstm({ units: H, seed: 11, recurrentDropout: 0.4, dropoutKind: 'rnndrop', returnState: true })
        : layers.gru({ units: H, seed: 11, recurrentDropout: 0.4, dropoutKind: 'rnndrop', returnState: true });
    const [last, ...states] = layer.apply(tf.tensor(x, [B, T, D]), { training: true }) as tf.Tensor[];
    resetLayerStreams();
    const sequence =
      kind === 'lstm'
        ? layers.lstm({ units: H, seed: 11, recurrentDropout: 0.4, dropoutKind: 'rnndrop', returnSequences: true })
        : layers.gru({ units: H, seed: 11, recurrentDropout: 0.4, dropoutKind: 'rnndrop', returnSequences: true });
    sequence.build([B, T, D]);
    sequence.setWeights(layer.getWeights());
    const all = values(sequence.apply(tf.tensor(x, [B, T, D]), { training: true }) as tf.Tensor);
    const lastStep = new Float32Array(B * H);
    for (let i = 0; i < B; i++) lastStep.set(all.subarray((i * T + T - 1) * H, (i * T + T) * H), i * H);
    expectSameBits(values(last), lastStep);
    expect(states.length).toBe(kind === 'lstm' ? 2 : 1);
    // an LSTM carries the emitted h_t (its mask is on c); a GRU carries h and emits h / q
    if (kind === 'lstm') expectSameBits(values(states[0]), lastStep);
    else expect(values(states[0])).not.toEqual(values(last));
  });
});
