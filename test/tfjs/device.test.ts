// On a backend that is neither 'cpu' nor 'wasm' (webgl, webgpu, …) dropmask/tfjs cannot reach
// tensor memory: ops whose mask does not depend on x upload the mask and apply it on the device,
// the others download x and upload the result. A cpu backend registered under another name takes
// exactly those paths here, and must agree with the in-memory path (up to the sign of zero).
import { tf, useBackend } from './backends';
import { expectSameBits, expectSameValues, values } from './expect';
import * as dm from '../../lib/index';
import { ops } from '../../lib/tfjs/index';
import { hostBackend } from '../../lib/tfjs/tensor_io';

type Run = (x: tf.Tensor) => tf.Tensor;

const OPS: [string, number[], Run][] = [
  ['dropout', [4, 6, 5], (x) => ops.dropout(x, { p: 0.3, noiseShape: [null, 1, 5], seed: 1 })],
  ['gaussianDropout', [4, 6], (x) => ops.gaussianDropout(x, { p: 0.3, seed: 2 })],
  ['gaussianNoise', [4, 6], (x) => ops.gaussianNoise(x, { std: 0.4, seed: 3 })],
  ['additiveGaussianNoise', [4, 6], (x) => ops.additiveGaussianNoise(x, { stddev: 0.4, seed: 4 })],
  ['alphaDropout', [4, 6], (x) => ops.alphaDropout(x, { p: 0.2, seed: 5 })],
  ['featureAlphaDropout', [2, 3, 3, 4], (x) => ops.featureAlphaDropout(x, { p: 0.3, seed: 5 })],
  ['spatialDropout', [2, 4, 4, 3], (x) => ops.spatialDropout(x, { p: 0.5, seed: 6 })],
  ['dropBlock', [2, 8, 8, 2], (x) => ops.dropBlock(x, { keepProb: 0.8, blockSize: 3, seed: 7 })],
  ['dropPath', [6, 3], (x) => ops.dropPath(null, x, { p: 0.5, seed: 8 })],
  ['cutout', [2, 8, 8, 2], (x) => ops.cutout(x, { size: 3, fill: 0.25, seed: 9 })],
  ['maxDrop', [2, 5, 5, 3], (x) => ops.maxDrop(x, { p: 0.5, seed: 10 })],
  ['maxPoolDropout', [2, 6, 6, 3], (x) => ops.maxPoolDropout(x, { p: 0.5, seed: 11 })],
];

/** Forward values and the gradient of Σ w ⊙ op(x) on the current backend. */
function run(shape: number[], op: Run): { y: Float32Array; dx: Float32Array } {
  const n = shape.reduce((a, b) => a * b, 1);
  const x = tf.tensor(dm.normal(n, { seed: 99 }), shape);
  const y = op(x);
  const w = tf.tensor(dm.normal(y.size, { seed: 98 }), y.shape);
  const dx = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(op(t), w)))(x);
  return { y: values(y), dx: values(dx) };
}

test.each(OPS)('%s: the device path agrees with the in-memory path', async (_name, shape, op) => {
  await useBackend('cpu');
  expect(hostBackend()).toBe(true);
  const host = run(shape, op);
  await useBackend('device');
  expect([tf.getBackend(), hostBackend()]).toEqual(['device', false]);
  const device = run(shape, op);
  expectSameValues(device.y, host.y);
  expectSameValues(device.dx, host.dx);
});

test('dense and recurrent ops on the device path equal the in-memory path bit for bit', async () => {
  const runDense = (): Float32Array[] => {
    const x = tf.tensor(dm.normal(15, { seed: 1 }), [3, 5]);
    const k = tf.tensor(dm.normal(20, { seed: 2 }), [5, 4]);
    const b = tf.tensor(dm.normal(4, { seed: 3 }), [4]);
    const xs = tf.tensor(dm.normal(24, { seed: 4 }), [2, 3, 4]);
    const lk = tf.tensor(dm.normal(4 * 4 * 2, { seed: 5 }), [4, 8]);
    const lr = tf.tensor(dm.normal(2 * 8, { seed: 6 }), [2, 8]);
    const lb = tf.tensor(dm.normal(8, { seed: 7 }), [8]);
    return [
      values(ops.dropConnect(x, k, b, { seed: 4 })),
      values(ops.standout(x, k, b, { seed: 5 })),
      values(ops.concreteDropout(x, tf.scalar(-1), { seed: 6 })),
      values(ops.lstm(xs, lk, lr, lb, { dropout: { kind: 'gal' }, seed: 7 }).output),
    ];
  };
  await useBackend('cpu');
  const host = runDense();
  await useBackend('device');
  runDense().forEach((y, i) => expectSameBits(y, host[i]));
});
