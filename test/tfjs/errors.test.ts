// Bad arguments to dropmask/tfjs layers, ops and mcPredict are TypeErrors (wrong type) or
// RangeErrors (bad value), and every message names the argument.
import { tf, useBackend } from './backends';
import { Generator } from '../../lib/index';
import { layers, mcPredict, ops } from '../../lib/tfjs/index';

beforeAll(() => useBackend('cpu'));

const x = (): tf.Tensor => tf.zeros([2, 4, 4, 3]);

test.each([
  ['layers.dropout without args', () => layers.dropout(undefined as never), TypeError, /for rate/],
  ['layers.dropout(null)', () => layers.dropout(null as never), TypeError, /for args/],
  ['layers.dropout rate 1.5', () => layers.dropout({ rate: 1.5 }), RangeError, /rate/],
  ["layers.dropout rate '0.5'", () => layers.dropout({ rate: '0.5' as never }), TypeError, /rate/],
  ['layers.dropout seed −1', () => layers.dropout({ rate: 0.5, seed: -1 }), RangeError, /seed/],
  ['layers.dropout seed 2^64', () => layers.dropout({ rate: 0.5, seed: 2n ** 64n }), RangeError, /seed/],
  ["layers.dropout stream 'x'", () => layers.dropout({ rate: 0.5, seed: 1, stream: 'x' }), RangeError, /stream/],
  ['layers.dropout offset 1.5', () => layers.dropout({ rate: 0.5, seed: 1, offset: 1.5 }), RangeError, /offset/],
  ['layers.dropout noiseShape 3', () => layers.dropout({ rate: 0.5, noiseShape: 3 as never }), TypeError, /noiseShape/],
  ["layers.dropout scaling 'none'", () => layers.dropout({ rate: 0.5, scaling: 'none' as never }), RangeError, /scaling/],
  [
    "layers.spatialDropout2d dataFormat 'NCHW'",
    () => layers.spatialDropout2d({ rate: 0.5, dataFormat: 'NCHW' as never }),
    RangeError,
    /dataFormat/,
  ],
  ['layers.gaussianDropout rate 1', () => layers.gaussianDropout({ rate: 1 }), RangeError, /rate/],
  ['layers.gaussianNoise stddev −1', () => layers.gaussianNoise({ stddev: -1 }), RangeError, /stddev/],
  ['layers.dropBlock2d blockSize 0', () => layers.dropBlock2d({ blockSize: 0 }), RangeError, /blockSize/],
  ['layers.maxPoolDropout2d poolSize [2]', () => layers.maxPoolDropout2d({ poolSize: [2] as never }), TypeError, /poolSize/],
  ["layers.maxDrop2d granularity 'map'", () => layers.maxDrop2d({ granularity: 'map' as never }), RangeError, /granularity/],
  ['layers.cutout holes 1.5', () => layers.cutout({ holes: 1.5 }), RangeError, /holes/],
  ['layers.dropConnectDense units 0', () => layers.dropConnectDense({ units: 0 }), RangeError, /units/],
  [
    'layers.dropConnectDense gaussian inference with softmax',
    () => layers.dropConnectDense({ units: 2, activation: 'softmax', inference: 'gaussian' }),
    RangeError,
    /activation/,
  ],
  ["layers.standout activation 'elu'", () => layers.standout({ units: 2, activation: 'elu' as never }), RangeError, /activation/],
  ['layers.concreteDropout without a layer', () => layers.concreteDropout({ layer: {} as never }), TypeError, /layer/],
  [
    'layers.lstm recurrentDropout with forward',
    () => layers.lstm({ units: 2, dropoutKind: 'forward', recurrentDropout: 0.2 }),
    RangeError,
    /recurrentDropout/,
  ],
  [
    "layers.gru kernelInitializer 'nope'",
    () => layers.gru({ units: 2, kernelInitializer: 'nope' }),
    RangeError,
    /kernelInitializer/,
  ],
  ['ops.dropout on an array', () => ops.dropout([1, 2] as never, { p: 0.5 }), TypeError, /for x/],
  ['ops.dropout p 2', () => ops.dropout(x(), { p: 2 }), RangeError, /for p/],
  [
    'ops.dropout noiseShape of the wrong rank',
    () => ops.dropout(x(), { p: 0.5, noiseShape: [1, 1, 1, 1, 1, 1] }),
    RangeError,
    /noiseShape/,
  ],
  ["ops.dropout mode 'test'", () => ops.dropout(x(), { p: 0.5, mode: 'test' as never }), RangeError, /mode/],
  [
    'ops.dropout generator and seed',
    () => ops.dropout(x(), { p: 0.5, seed: 1, generator: new Generator(1) }),
    TypeError,
    /generator/,
  ],
  ['ops.dropout stream without seed', () => ops.dropout(x(), { p: 0.5, stream: 1 }), TypeError, /seed/],
  ['ops.spatialDropout on a matrix', () => ops.spatialDropout(tf.zeros([2, 3]), {}), RangeError, /x of rank/],
  ['ops.dropBlock blockSize 0', () => ops.dropBlock(x(), { blockSize: 0, seed: 1 }), RangeError, /blockSize/],
  [
    'ops.dropPath branch of another shape',
    () => ops.dropPath(tf.zeros([2, 3]), tf.zeros([3, 2]), { p: 0.5 }),
    RangeError,
    /branch/,
  ],
  [
    'ops.dropConnect kernel of the wrong shape',
    () => ops.dropConnect(tf.zeros([2, 3]), tf.zeros([4, 2]), null, {}),
    RangeError,
    /kernel/,
  ],
  ['ops.concreteDropout pLogit a vector', () => ops.concreteDropout(x(), tf.zeros([2])), TypeError, /pLogit/],
  [
    'ops.lstm bias of the wrong length',
    () => ops.lstm(tf.zeros([1, 2, 3]), tf.zeros([3, 8]), tf.zeros([2, 8]), tf.zeros([7])),
    RangeError,
    /bias/,
  ],
  ['ops.maxPoolDropout kernel larger than the map', () => ops.maxPoolDropout(x(), { kernel: 5, seed: 1 }), RangeError, /kernel/],
  ['mcPredict on a layer', () => mcPredict(layers.dropout({ rate: 0.5 }) as never, x(), { seed: 1 }), TypeError, /model/],
  [
    'mcPredict passes 0',
    () =>
      mcPredict(tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] }), tf.zeros([2, 3]), {
        seed: 1,
        passes: 0,
      }),
    RangeError,
    /passes/,
  ],
  [
    'mcPredict without a seed',
    () => mcPredict(tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] }), tf.zeros([2, 3]), {} as never),
    TypeError,
    /seed/,
  ],
] as const)('%s', (_name, call, kind, names) => {
  expect(call).toThrow(kind);
  expect(call).toThrow(names);
});
