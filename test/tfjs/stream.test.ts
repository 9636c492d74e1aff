// The stream rule of dropmask/tfjs layers: which (seed, stream, offset) each training call uses,
// how the default stream is chosen, what the config records, and how model.fit advances it.
import { tf, useBackend } from './backends';
import { expectSameBits, values } from './expect';
import * as dm from '../../lib/index';
import { layers, resetLayerStreams } from '../../lib/tfjs/index';

beforeAll(() => useBackend('cpu'));
beforeEach(() => resetLayerStreams());

const x = dm.normal(240, { seed: 1 });
const xt = (): tf.Tensor => tf.tensor(x, [12, 20]);
const train = (layer: ReturnType<typeof layers.dropout>): Float32Array =>
  values(layer.apply(xt(), { training: true }) as tf.Tensor);

test('the first training call of dropout({ rate, seed }) is dropmask.dropout(x, { p: rate, seed }) bit for bit', () => {
  const layer = layers.dropout({ rate: 0.4, seed: 123 });
  expectSameBits(train(layer), dm.dropout(x, { p: 0.4, seed: 123 }));
  // call k continues the stream: offset_k = k · ceil(240 / 2)
  expectSameBits(train(layer), dm.dropout(x, { p: 0.4, seed: 123, offset: 120 }));
  expectSameBits(train(layer), dm.dropout(x, { p: 0.4, seed: 123, offset: 240 }));
});

test('layers constructed with the same seed take streams 0, 1, 2, … in construction order; resetLayerStreams restarts them', () => {
  const [a, b, c] = [0, 1, 2].map(() => layers.dropout({ rate: 0.5, seed: 9 }));
  expect([a, b, c].map((l) => l.position().stream)).toEqual([0n, 1n, 2n]);
  expectSameBits(train(b), dm.dropout(x, { p: 0.5, seed: 9, stream: 1 }));
  expect(layers.gaussianDropout({ rate: 0.1, seed: 10 }).position().stream).toBe(0n); // per seed
  expect(layers.spatialDropout1d({ rate: 0.1, seed: 9 }).position().stream).toBe(3n); // shared by every layer kind
  resetLayerStreams();
  expect(layers.dropout({ rate: 0.5, seed: 9 }).position().stream).toBe(0n);
});

test('explicit stream and offset, bigint and decimal-string seeds', () => {
  const big = 2n ** 63n + 5n;
  const layer = layers.dropout({ rate: 0.5, seed: big, stream: 7, offset: 1000 });
  expectSameBits(train(layer), dm.dropout(x, { p: 0.5, seed: big, stream: 7, offset: 1000 }));
  const fromString = layers.dropout({ rate: 0.5, seed: big.toString(), stream: '7', offset: '1000' });
  expectSameBits(train(fromString), dm.dropout(x, { p: 0.5, seed: big, stream: 7, offset: 1000 }));
  expect(layers.dropout({ rate: 0.5, seed: 9, stream: 4 }).position().stream).toBe(4n);
  expect(layers.dropout({ rate: 0.5, seed: 9 }).position().stream).toBe(0n); // an explicit stream takes no default
});

test('the config records seed, stream and the current offset (numbers, or decimal strings past 2^53)', () => {
  const layer = layers.dropout({ rate: 0.5, seed: 2n ** 60n, stream: 3 });
  train(layer);
  expect(layer.getConfig()).toMatchObject({ rate: 0.5, seed: (2n ** 60n).toString(), stream: 3, offset: 120 });
  const copy = new layers.Dropout(layer.getConfig() as never);
  expectSameBits(train(copy), train(layer)); // the copy continues where the original stands
});

test('a layer without a seed draws a fresh one and records it', () => {
  const a = layers.dropout({ rate: 0.5 }),
    b = layers.dropout({ rate: 0.5 });
  expect(a.position().seed).not.toBe(b.position().seed);
  expect(a.position().stream).toBe(0n);
  const seed = a.getConfig().seed as number | string;
  expectSameBits(train(a), dm.dropout(x, { p: 0.5, seed: BigInt(seed) }));
});

test('model.fit advances each layer by the words of every batch; predict and evaluate draw nothing', async () => {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 6, inputShape: [4] }),
      layers.dropout({ rate: 0.5, seed: 77 }),
      tf.layers.dense({ units: 1 }),
    ],
  });
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  const drop = model.layers[1] as InstanceType<typeof layers.Dropout>;
  await model.fit(tf.randomNormal([10, 4]), tf.randomNormal([10, 1]), { batchSize: 4, epochs: 2, shuffle: false, verbose: 0 });
  // batches of 4, 4, 2 rows × 6 units: 12 + 12 + 6 words per epoch
  expect(drop.position().offset).toBe(2n * (12n + 12n + 6n));
  model.predict(tf.randomNormal([5, 4]));
  await model.evaluate(tf.randomNormal([5, 4]), tf.randomNormal([5, 1]));
  expect(drop.position().offset).toBe(60n);
});
