// The training comparison of the tfjs tests (training_cpu.test.ts, training_wasm.test.ts): an
// MLP and a small CNN on the UCI optical digits fixture, with dropmask's dropout or tf.layers',
// the same initial weights, and the test accuracy compared within the noise between seeds.
import { tf, useBackend } from './backends';
import { Digits, loadDigits, splitDigits } from './digits';
import { layers, resetLayerStreams } from '../../lib/tfjs/index';

const { train, test: held } = splitDigits(loadDigits(), 500);

export type Build = (drop: Dropout, seed: number) => tf.Sequential;

export type Dropout = (rate: number, noiseShape: (number | null)[] | undefined, seed: number) => tf.layers.Layer;
const dropmaskDropout: Dropout = (rate, noiseShape, seed) => layers.dropout({ rate, noiseShape, seed });
// tf.layers' dropout without a seed: with one it would draw the same mask on every call
const tfDropout: Dropout = (rate, noiseShape) => tf.layers.dropout({ rate, noiseShape: noiseShape as number[] | undefined });

const init = (seed: number) => tf.initializers.glorotUniform({ seed });

export function mlp(drop: Dropout, seed: number): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({ units: 64, activation: 'relu', inputShape: [64], kernelInitializer: init(seed) }),
      drop(0.3, undefined, seed),
      tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: init(seed + 100) }),
      drop(0.3, undefined, seed + 1),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(seed + 200) }),
    ],
  });
}

/**
 * A small CNN. Its convolution is a conv3d with [1, 3, 3] kernels over a depth-1 volume, which is
 * a 2-D convolution: tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel, so a conv2d
 * layer cannot be trained there, while conv3d's backward kernels exist on both backends.
 */
export function cnn(drop: Dropout, seed: number): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv3d({
        filters: 8,
        kernelSize: [1, 3, 3],
        activation: 'relu',
        inputShape: [1, 8, 8, 1],
        kernelInitializer: init(seed),
      }),
      drop(0.2, [null, 1, 1, 1, 8], seed), // spatial dropout: one decision per feature map
      tf.layers.maxPooling3d({ poolSize: [1, 2, 2] }),
      tf.layers.flatten(),
      drop(0.3, undefined, seed + 1),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(seed + 200) }),
    ],
  });
}

/** Test accuracy after training `model` (Adam, fixed order, no shuffling). */
async function accuracy(model: tf.Sequential, epochs: number, image: boolean): Promise<number> {
  const shape = (d: Digits): number[] => (image ? [d.n, 1, 8, 8, 1] : [d.n, 64]);
  model.compile({ optimizer: tf.train.adam(0.02), loss: 'categoricalCrossentropy' });
  const xs = tf.tensor(train.x, shape(train)),
    ys = tf.oneHot(tf.tensor1d(train.y, 'int32'), 10);
  await model.fit(xs, ys, { epochs, batchSize: 128, shuffle: false, verbose: 0 });
  const predicted = (model.predict(tf.tensor(held.x, shape(held))) as tf.Tensor).argMax(-1).dataSync();
  let right = 0;
  for (let i = 0; i < held.n; i++) right += predicted[i] === held.y[i] ? 1 : 0;
  tf.dispose([xs, ys]);
  return right / held.n;
}

const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;
const variance = (a: number[]): number => (a.length < 2 ? 0 : a.reduce((s, v) => s + (v - mean(a)) ** 2, 0) / (a.length - 1));

/**
 * Within noise: the difference of the mean accuracies is within 3 standard errors, each arm's
 * variance taken as at least the binomial variance of one test-set accuracy (a(1 − a)/n).
 */
function expectWithinNoise(dropmask: number[], tfjs: number[]): void {
  const floor = (a: number[]): number => Math.max(variance(a), (mean(a) * (1 - mean(a))) / held.n);
  const se = Math.sqrt(floor(dropmask) / dropmask.length + floor(tfjs) / tfjs.length);
  const diff = mean(dropmask) - mean(tfjs);
  expect({ diff, margin: 3 * se, within: Math.abs(diff) <= 3 * se }).toMatchObject({ within: true });
}

/** The comparison of `build` on `backend`: `seeds` per arm, `epochs` of training each, and reproducibility. */
export function compareOnDigits(
  backend: 'cpu' | 'wasm',
  name: string,
  build: Build,
  epochs: number,
  image: boolean,
  seeds: number[],
): void {
  describe(`tfjs ${backend}: ${name} on the digits`, () => {
    beforeAll(() => useBackend(backend));

    test(`with dropmask's dropout reaches tf.layers.dropout's accuracy within noise (${seeds.length} seeds each)`, async () => {
      const started = performance.now();
      const dropmask: number[] = [],
        tfjs: number[] = [];
      for (const seed of seeds) {
        resetLayerStreams();
        dropmask.push(await accuracy(build(dropmaskDropout, seed), epochs, image));
        tfjs.push(await accuracy(build(tfDropout, seed), epochs, image));
      }
      results[`${backend} ${name}`] = { dropmask, tfjs, seconds: (performance.now() - started) / 1000 };
      expect(Math.min(...dropmask, ...tfjs)).toBeGreaterThan(0.85); // trained: chance is 0.1
      expectWithinNoise(dropmask, tfjs);
    }, 120000);

    test('training with dropmask layers is reproducible: the same seed gives the same weights', async () => {
      const weights = async (): Promise<Float32Array> => {
        resetLayerStreams();
        const model = build(dropmaskDropout, 7);
        model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
        const x = tf.tensor(train.x.subarray(0, 64 * 64), image ? [64, 1, 8, 8, 1] : [64, 64]);
        await model.fit(x, tf.oneHot(tf.tensor1d(train.y.subarray(0, 64), 'int32'), 10), {
          epochs: 1,
          batchSize: 16,
          shuffle: false,
          verbose: 0,
        });
        return Float32Array.from(model.layers[model.layers.length - 1].getWeights()[0].dataSync());
      };
      expect(await weights()).toEqual(await weights());
    });
  });
}

/** The accuracies of every comparison run in this file, printed when it ends (for the report). */
export const results: Record<string, { dropmask: number[]; tfjs: number[]; seconds: number }> = {};
afterAll(() => process.stdout.write(`digits test accuracy (dropmask vs tf.layers): ${JSON.stringify(results)}\n`));
