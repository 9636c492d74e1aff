// The async forms of the methods: the same results as the sync forms (in a worker thread on Node),
// generators advanced by exactly what the sync calls consume, busy generators refused, inputs
// copied at the call, bad arguments rejected with the sync form's error type.
import {
  Generator,
  cutout,
  cutoutAsync,
  dropBlock,
  dropBlockAsync,
  dropBlockBackwardAsync,
  dropConnect,
  dropConnectAsync,
  dropConnectBackward,
  dropConnectBackwardAsync,
  gaussianDropout,
  gaussianDropoutAsync,
  maxPoolDropout,
  maxPoolDropoutAsync,
  normal,
  sbpNoise,
  sbpNoiseAsync,
  spatialDropout,
  spatialDropoutAsync,
  stochasticDropout,
  stochasticDropoutAsync,
  Mlp,
  gru,
  gruAsync,
  gruBackward,
  gruBackwardAsync,
  lstm,
  lstmAsync,
  lstmBackward,
  lstmBackwardAsync,
  mcPredict,
  mcPredictAsync,
} from '../../lib/index';
import { expectSameBits } from '../helpers';

const shape = [4, 8, 16, 16];
const x = normal(4 * 8 * 16 * 16, { seed: 1 });

test('each async form gives the bits of its sync form (explicit positions)', async () => {
  const o = { shape, seed: 2, offset: 5 };
  expectSameBits(await dropBlockAsync(x, { ...o, blockSize: 3 }), dropBlock(x, { ...o, blockSize: 3 }), 'dropBlock');
  expectSameBits(await maxPoolDropoutAsync(x, { ...o, p: 0.3 }), maxPoolDropout(x, { ...o, p: 0.3 }), 'maxPoolDropout');
  expectSameBits(await spatialDropoutAsync(x, o), spatialDropout(x, o), 'spatialDropout');
  expectSameBits(await gaussianDropoutAsync(x, { p: 0.3, seed: 3 }), gaussianDropout(x, { p: 0.3, seed: 3 }), 'gaussianDropout');
  expectSameBits(await stochasticDropoutAsync(x, { seed: 4 }), stochasticDropout(x, { seed: 4 }), 'stochasticDropout');
  const c = await cutoutAsync(x, { shape, size: 5, seed: 5 }),
    s = cutout(x, { shape, size: 5, seed: 5 });
  expectSameBits(c.image, s.image, 'cutout image');
  expectSameBits(c.centres, s.centres, 'cutout centres');
  const mu = Float32Array.of(-1, -2, -0.5, -1, -1, -3, -1, -1),
    ls = new Float32Array(8);
  expectSameBits(await sbpNoiseAsync(x, mu, ls, { shape, seed: 6 }), sbpNoise(x, mu, ls, { shape, seed: 6 }), 'sbpNoise');
  const W = normal(32 * 64, { seed: 7 }),
    b = normal(32, { seed: 8 }),
    xs = x.subarray(0, 16 * 64);
  const dense = { inFeatures: 64, outFeatures: 32, p: 0.4, seed: 9 };
  expectSameBits(await dropConnectAsync(xs, W, b, dense), dropConnect(xs, W, b, dense), 'dropConnect');
  const dy = normal(16 * 32, { seed: 10 });
  const ga = await dropConnectBackwardAsync(dy, xs, W, b, dense),
    gs = dropConnectBackward(dy, xs, W, b, dense);
  expectSameBits(ga.dW, gs.dW, 'dropConnectBackward dW');
  expectSameBits(
    await dropBlockBackwardAsync(dy, { shape: [2, 16, 16, 1], blockSize: 3, seed: 11 }),
    dropBlock(dy, { shape: [2, 16, 16, 1], blockSize: 3, seed: 11 }),
    'backward',
  );
});

test('a generator advances by what the sync calls consume; queued calls keep their order; busy generators refuse sync calls', async () => {
  const sync = new Generator(20),
    asyncGen = new Generator(20);
  const want = [
    dropBlock(x, { shape, generator: sync }),
    spatialDropout(x, { shape, generator: sync }),
    gaussianDropout(x, { p: 0.2, generator: sync }),
  ];
  const pending = [
    dropBlockAsync(x, { shape, generator: asyncGen }),
    spatialDropoutAsync(x, { shape, generator: asyncGen }),
    gaussianDropoutAsync(x, { p: 0.2, generator: asyncGen }),
  ];
  expect(() => dropBlock(x, { shape, generator: asyncGen })).toThrow(TypeError);
  const got = await Promise.all(pending);
  got.forEach((g, i) => expectSameBits(g, want[i], `call ${i}`));
  expect(asyncGen.offset).toBe(sync.offset);
  expect(() => dropBlock(x, { shape, generator: asyncGen })).not.toThrow();
});

test('inputs are copied at the call; out receives the result; bad arguments reject with the same error type', async () => {
  const input = x.slice();
  const promise = dropBlockAsync(input, { shape, seed: 30 });
  input.fill(0);
  expectSameBits(await promise, dropBlock(x, { shape, seed: 30 }), 'copied input');
  const out = new Float32Array(x.length);
  expect(await spatialDropoutAsync(x, { shape, seed: 31, out })).toBe(out);
  expectSameBits(out, spatialDropout(x, { shape, seed: 31 }), 'out');
  await expect(dropBlockAsync(x, { shape: [1, 2, 3, 4], seed: 1 })).rejects.toThrow(RangeError);
  await expect(dropBlockAsync(x, { shape, blockSize: 0, seed: 1 })).rejects.toThrow(/blockSize/);
  await expect(gaussianDropoutAsync(x, { p: 2, seed: 1 })).rejects.toThrow(RangeError);
});

test('the event loop keeps running while a method runs off-thread', async () => {
  const big = normal(16 * 64 * 56 * 56, { seed: 40 });
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  const y = await dropBlockAsync(big, { shape: [16, 64, 56, 56], seed: 41 });
  clearInterval(timer);
  expect(y.length).toBe(big.length);
  expect(ticks).toBeGreaterThan(3);
});

test('a SharedArrayBuffer input written right after the call does not change the result', async () => {
  const shared = new Float32Array(new SharedArrayBuffer(x.byteLength));
  shared.set(x);
  const promise = spatialDropoutAsync(shared, { shape, seed: 50 });
  shared.fill(7);
  expectSameBits(await promise, spatialDropout(x, { shape, seed: 50 }), 'snapshot of the shared input');
});

test('lstmAsync and gruAsync return a tape that the async backward (or the sync one) accepts', async () => {
  const [B, T, D, H] = [3, 5, 4, 6];
  const xs = normal(B * T * D, { seed: 60 });
  const p = { W: normal(4 * H * D, { seed: 61 }), U: normal(4 * H * H, { seed: 62 }), b: normal(4 * H, { seed: 63 }) };
  const o = { shape: [B, T, D], hiddenSize: H, dropout: { kind: 'gal' as const }, seed: 64 };
  const sync = lstm(xs, p, o),
    viaWorker = await lstmAsync(xs, p, o);
  expectSameBits(viaWorker.output, sync.output, 'lstm output');
  const dOut = normal(B * T * H, { seed: 65 });
  const want = lstmBackward(sync.tape, dOut);
  expectSameBits((await lstmBackwardAsync(viaWorker.tape, dOut)).dW, want.dW, 'lstmBackwardAsync');
  expectSameBits(lstmBackward(viaWorker.tape, dOut).dx, want.dx, 'sync backward of the async tape');
  const g = {
    W: normal(3 * H * D, { seed: 66 }),
    U: normal(3 * H * H, { seed: 67 }),
    bW: normal(3 * H, { seed: 68 }),
    bU: normal(3 * H, { seed: 69 }),
  };
  const gs = gru(xs, g, o),
    ga = await gruAsync(xs, g, o);
  expectSameBits(ga.output, gs.output, 'gru output');
  expectSameBits((await gruBackwardAsync(ga.tape, dOut)).dU, gruBackward(gs.tape, dOut).dU, 'gruBackwardAsync');
});

test("mcPredictAsync over an async forward gives mcPredict's answer", async () => {
  const mlp = new Mlp({ sizes: [2, 8, 1], seed: 70 });
  const xs = normal(10, { seed: 71 });
  const want = mcPredict((x, pass) => mlp.forward(x, { mode: 'mc', generator: pass.generator }), xs, {
    seed: 72,
    examples: 5,
    samples: 12,
  });
  const got = await mcPredictAsync(async (x, pass) => mlp.forward(x, { mode: 'mc', generator: pass.generator }), xs, {
    seed: 72,
    examples: 5,
    samples: 12,
  });
  expectSameBits(got.passes, want.passes, 'passes');
  expectSameBits(got.variance, want.variance, 'variance');
});
