// model.save / tf.loadLayersModel round trips of models made of dropmask layers: the configs
// (with each layer's stream position), the weights, inference, and training after loading, which
// continues every layer's stream where the saved model stood.
import { tf, useBackend } from './backends';
import { expectSameBits, values } from './expect';
import * as dm from '../../lib/index';
import { layers, resetLayerStreams } from '../../lib/tfjs/index';

beforeAll(() => useBackend('cpu'));
beforeEach(() => resetLayerStreams());

/** Saves `model` to memory and loads it back. */
async function roundTrip(model: tf.LayersModel): Promise<tf.LayersModel> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = JSON.parse(JSON.stringify({ ...artifacts, weightData: undefined })) as tf.io.ModelArtifacts;
      saved.weightData = artifacts.weightData;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return tf.loadLayersModel(tf.io.fromMemory(saved!));
}

/** One SGD step on (x, y), then the last layer's kernel. */
async function stepAndRead(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): Promise<Float32Array> {
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
  await model.trainOnBatch(x, y);
  return Float32Array.from(model.getWeights()[model.getWeights().length - 2].dataSync());
}

async function expectRoundTrip(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): Promise<void> {
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
  await model.fit(x, y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 }); // positions move past 0
  const loaded = await roundTrip(model);
  expect(loaded.layers.map((l) => l.getClassName())).toEqual(model.layers.map((l) => l.getClassName()));
  loaded.layers.forEach((layer, i) => expect(layer.getConfig()).toEqual(model.layers[i].getConfig()));
  model.getWeights().forEach((w, i) => expectSameBits(values(loaded.getWeights()[i]), values(w)));
  expectSameBits(values(loaded.predict(x) as tf.Tensor), values(model.predict(x) as tf.Tensor));
  // the next training step draws the same masks in both: the loaded model resumes the streams
  expectSameBits(await stepAndRead(loaded, x, y), await stepAndRead(model, x, y));
}

test('an MLP of every dense dropmask layer round-trips', async () => {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 8, activation: 'selu', inputShape: [6] }),
      layers.alphaDropout({ rate: 0.1, seed: 1 }),
      layers.dropout({ rate: 0.3, noiseShape: [null, 8], seed: 1 }),
      layers.gaussianDropout({ rate: 0.2, seed: 1 }),
      layers.gaussianNoise({ stddev: 0.1, seed: 1 }),
      layers.dropConnectDense({ units: 7, activation: 'tanh', rate: 0.3, samples: 50, seed: 2 }),
      layers.standout({ units: 6, alpha: 0.5, seed: 3 }),
      layers.dropConnectDense({ units: 5, perExample: false, activation: 'softmax', seed: 4 }),
      tf.layers.dense({ units: 2 }),
    ],
  });
  await expectRoundTrip(model, tf.tensor(dm.normal(48, { seed: 1 }), [8, 6]), tf.tensor(dm.normal(16, { seed: 2 }), [8, 2]));
});

test('a CNN of every convolutional dropmask layer round-trips', async () => {
  const model = tf.sequential({
    layers: [
      layers.cutout({ size: 3, inputShape: [10, 10, 2], seed: 1 }),
      tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same' }),
      layers.spatialDropout2d({ rate: 0.2, seed: 1 }),
      layers.dropBlock2d({ rate: 0.2, blockSize: 3, scheduleSteps: 10, seed: 1 }),
      layers.maxDrop2d({ rate: 0.3, seed: 1 }),
      layers.maxPoolDropout2d({ rate: 0.3, poolSize: 2, seed: 1 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 2 }),
    ],
  });
  const x = tf.tensor(dm.normal(8 * 200, { seed: 3 }), [8, 10, 10, 2]);
  await expectRoundTrip(model, x, tf.tensor(dm.normal(16, { seed: 4 }), [8, 2]));
  expect((model.layers[3] as InstanceType<typeof layers.DropBlock2D>).step).toBe(5); // the schedule's position is saved too
});

test('recurrent layers and the Concrete dropout wrapper round-trip', async () => {
  const model = tf.sequential({
    layers: [
      layers.lstm({ units: 5, returnSequences: true, dropout: 0.2, recurrentDropout: 0.2, inputShape: [4, 3], seed: 1 }),
      layers.gru({ units: 4, dropoutKind: 'semeniuta', recurrentDropout: 0.3, seed: 2 }),
      layers.concreteDropout({ layer: tf.layers.dense({ units: 2 }), initP: 0.2, seed: 3 }),
    ],
  });
  await expectRoundTrip(model, tf.tensor(dm.normal(96, { seed: 5 }), [8, 4, 3]), tf.tensor(dm.normal(16, { seed: 6 }), [8, 2]));
});

test('a residual block with dropPath on [shortcut, branch] round-trips (functional model)', async () => {
  const input = tf.input({ shape: [6] });
  const branch = tf.layers.dense({ units: 6, activation: 'relu' }).apply(input) as tf.SymbolicTensor;
  const joined = layers.dropPath({ rate: 0.5, seed: 8 }).apply([input, branch]) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: 2 }).apply(joined) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output });
  await expectRoundTrip(model, tf.tensor(dm.normal(48, { seed: 7 }), [8, 6]), tf.tensor(dm.normal(16, { seed: 8 }), [8, 2]));
});
