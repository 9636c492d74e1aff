// mcPredict over tf.layers models: the same statistics as dropmask's mcPredict, every pass drawn
// from its own stream, tf.layers' own dropout layers made stochastic too, the other layers left in
// inference mode, and the predictive variance larger away from the training data than on it.
import { tf, useBackend } from './backends';
import { expectClose, expectSameBits, values } from './expect';
import * as dm from '../../lib/index';
import { layers, mcPredict, ops, resetLayerStreams } from '../../lib/tfjs/index';

beforeEach(() => resetLayerStreams());

/** A small classifier [4 → 16 → dropout → 3 softmax]. */
function classifier(): { model: tf.Sequential; hidden: tf.layers.Layer; out: tf.layers.Layer } {
  const hidden = tf.layers.dense({
    units: 16,
    activation: 'relu',
    inputShape: [4],
    kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
  });
  const out = tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) });
  return { model: tf.sequential({ layers: [hidden, layers.dropout({ rate: 0.5, seed: 3 }), out] }), hidden, out };
}

describe.each(['cpu', 'wasm'] as const)('tfjs %s backend', (backend) => {
  beforeAll(() => useBackend(backend));

  test('pass k draws from stream k of the seed; the statistics are dropmask.mcPredict definitions', () => {
    const { model, hidden, out } = classifier();
    const x = tf.tensor(dm.normal(20, { seed: 4 }), [5, 4]);
    const T = 8;
    const r = mcPredict(model, x, { passes: T, seed: 99 });
    expect(r.passes.shape).toEqual([T, 5, 3]);
    // each pass by hand: the hidden layer, dropout from generator (99, stream k), the output layer
    const probs: Float32Array[] = [];
    for (let k = 0; k < T; k++) {
      const h = hidden.apply(x) as tf.Tensor;
      const dropped = ops.dropout(h, { p: 0.5, generator: new dm.Generator(99, { stream: k }) });
      probs.push(values(out.apply(dropped) as tf.Tensor));
    }
    expectClose(values(r.passes), Float32Array.from(probs.flatMap((p) => Array.from(p, Math.log))), 1e-6);
    const mean = new Float64Array(15),
      expected = new Float64Array(5),
      votes = new Int32Array(15);
    for (const p of probs) {
      for (let b = 0; b < 5; b++) {
        let arg = 0;
        for (let j = 0; j < 3; j++) {
          mean[b * 3 + j] += p[b * 3 + j] / T;
          expected[b] -= (p[b * 3 + j] * Math.log(p[b * 3 + j])) / T;
          if (p[b * 3 + j] > p[b * 3 + arg]) arg = j;
        }
        votes[b * 3 + arg]++;
      }
    }
    const entropy = Array.from(
      { length: 5 },
      (_, b) => -[0, 1, 2].reduce((s, j) => s + mean[b * 3 + j] * Math.log(mean[b * 3 + j]), 0),
    );
    expectClose(values(r.mean), mean, 1e-6);
    expectClose(values(r.entropy!), entropy, 1e-5);
    expectClose(values(r.expectedEntropy!), expected, 1e-5);
    expectClose(
      values(r.mutualInformation!),
      entropy.map((h, b) => Math.max(0, h - expected[b])),
      1e-5,
    );
    expectClose(
      values(r.variationRatio!),
      Array.from({ length: 5 }, (_, b) => 1 - Math.max(...votes.subarray(b * 3, b * 3 + 3)) / T),
      1e-9,
    );
    const variance = Array.from({ length: 15 }, (_, i) => probs.reduce((s, p) => s + p[i] ** 2, 0) / T - mean[i] ** 2);
    expectClose(values(r.variance), variance, 1e-5);
  });

  test("mcPredict is reproducible and leaves the layers' own stream positions alone", () => {
    const { model } = classifier();
    const x = tf.tensor(dm.normal(20, { seed: 5 }), [5, 4]);
    const drop = model.layers[1] as InstanceType<typeof layers.Dropout>;
    const before = drop.position();
    const a = mcPredict(model, x, { passes: 5, seed: 7 }),
      b = mcPredict(model, x, { passes: 5, seed: 7 });
    expectSameBits(values(a.passes), values(b.passes));
    expect(drop.position()).toEqual(before);
    expect(values(mcPredict(model, x, { passes: 5, seed: 8 }).passes)).not.toEqual(values(a.passes));
  });

  test("tf.layers' own dropout layers become stochastic (from dropmask's stream), and are restored afterwards", () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({
          units: 8,
          activation: 'relu',
          inputShape: [3],
          kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
        }),
        tf.layers.dropout({ rate: 0.5 }),
        tf.layers.gaussianNoise({ stddev: 0.1 }),
        tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      ],
    });
    const x = tf.tensor(dm.normal(12, { seed: 6 }), [4, 3]);
    const plain = values(model.predict(x) as tf.Tensor);
    const a = mcPredict(model, x, { passes: 6, seed: 3, task: 'regression' }),
      b = mcPredict(model, x, { passes: 6, seed: 3, task: 'regression' });
    expect(Math.max(...values(a.variance))).toBeGreaterThan(0);
    expectSameBits(values(a.passes), values(b.passes));
    expectSameBits(values(model.predict(x) as tf.Tensor), plain);
  });

  test('layers without dropout stay in inference mode: batch normalisation uses its moving statistics', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ units: 6, inputShape: [3] }),
        tf.layers.batchNormalization(),
        tf.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
    const x = tf.tensor(dm.normal(12, { seed: 7 }), [4, 3]);
    const r = mcPredict(model, x, { passes: 4, seed: 1 });
    expectClose(values(r.mean), values(model.predict(x) as tf.Tensor), 1e-6);
    expect(Math.max(...values(r.variance))).toBeLessThan(1e-12);
  });
});

test('after training on a noisy sine, the MC variance far from the data is many times the variance on it', async () => {
  await useBackend('wasm');
  const { x, y } = dm.noisySine(256, { seed: 1 }); // x in [−3, 3)
  const model = tf.sequential({
    layers: [
      tf.layers.dense({
        units: 64,
        activation: 'relu',
        inputShape: [1],
        kernelInitializer: tf.initializers.heNormal({ seed: 1 }),
      }),
      layers.dropout({ rate: 0.1, seed: 2 }),
      tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 3 }) }),
      layers.dropout({ rate: 0.1, seed: 2 }),
      tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
  await model.fit(tf.tensor2d(x, [256, 1]), tf.tensor2d(y, [256, 1]), { epochs: 60, batchSize: 32, shuffle: false, verbose: 0 });
  const grid = Float32Array.of(-2, -1, 0, 1, 2, 8, 10, -8);
  const { variance } = mcPredict(model, tf.tensor2d(grid, [8, 1]), { passes: 100, seed: 5, task: 'regression' });
  const v = values(variance);
  const inside = Math.max(...v.subarray(0, 5)),
    outside = Math.min(...v.subarray(5));
  expect({ inside, outside, ratio: outside / inside }).toMatchObject({ ratio: expect.any(Number) });
  expect(outside).toBeGreaterThan(5 * inside);
});
