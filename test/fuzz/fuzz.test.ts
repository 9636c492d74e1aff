// Property-based hardening (fast-check): every export called with random types, lengths, shapes,
// offsets and values, on every backend. Only TypeError and RangeError of the caller's realm may
// come out — an error from the addon itself would mean lib/ let a bad argument through — and no
// call writes outside the arrays it was given (guard elements around every output are checked).
// The seed is fixed so CI is reproducible; change it locally to explore further.
import fc from 'fast-check';
import * as dm from '../../lib/index';
import { variants } from '../helpers';

const GUARD = 7;
const SENTINEL = 1234.5;

/** A Float32Array view with guard elements on both sides, and a check that they are intact. */
function guarded(n: number): { view: Float32Array; intact: () => boolean } {
  const base = new Float32Array(n + 2 * GUARD).fill(SENTINEL);
  return {
    view: base.subarray(GUARD, GUARD + n),
    intact: () => base.subarray(0, GUARD).every((v) => v === SENTINEL) && base.subarray(GUARD + n).every((v) => v === SENTINEL),
  };
}

const anyValue = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.string({ maxLength: 3 }),
  fc.double({ noNaN: false }),
  fc.integer({ min: -5, max: 70 }),
  fc.bigInt({ min: -2n, max: 1n << 70n }),
  fc.constant(Infinity),
  fc.constant(-0),
  fc.array(fc.integer({ min: -2, max: 9 }), { maxLength: 4 }),
  fc.constantFrom(new Float64Array(3), new Uint8Array(5), new Int32Array(2), {}),
);
const probability = fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), anyValue);
const size = fc.oneof(fc.integer({ min: 0, max: 70 }), anyValue);

function onlyTypedErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof TypeError || e instanceof RangeError)) throw e;
  }
}

describe.each(variants())('fuzzing on $label', (v) => {
  const backend = v.name;
  const run = (fn: () => unknown) => v.run(() => onlyTypedErrors(fn));

  test('masks and random numbers', () => {
    fc.assert(
      fc.property(
        size,
        probability,
        anyValue,
        anyValue,
        fc.constantFrom('float32', 'uint8', 'bits', 'int8', undefined),
        (n, p, seed, offset, layout) => {
          run(() =>
            dm.bernoulliMask(n as number, {
              p: p as number,
              seed: seed as number,
              offset: offset as number,
              layout: layout as 'uint8',
              backend,
            }),
          );
          run(() => dm.normal(n as number, { seed: seed as number, std: p as number, backend }));
          run(() => dm.uniform(n as number, { seed: seed as number, offset: offset as number, backend }));
          run(() => dm.randomBits(n as number, { seed: seed as number, stream: offset as number, backend }));
        },
      ),
      { numRuns: 150, seed: 20261127 },
    );
  });

  test('dropout family with random shapes never writes outside out', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 40 }),
        probability,
        anyValue,
        anyValue,
        (n, outLength, p, shape, noiseShape) => {
          const x = new Float32Array(n).map((_, i) => i - 3);
          const out = guarded(outLength);
          run(() =>
            dm.dropout(x, {
              p: p as number,
              out: out.view,
              shape: shape as number[],
              noiseShape: noiseShape as number[],
              seed: 1,
              backend,
            }),
          );
          run(() => dm.gaussianNoise(x, { std: p as number, out: out.view, seed: 1, backend }));
          run(() => dm.gaussianDropout(x, { p: p as number, out: out.view, shape: shape as number[], seed: 1, backend }));
          run(() =>
            dm.alphaDropout(x, {
              p: p as number,
              out: out.view,
              shape: shape as number[],
              noiseShape: noiseShape as number[],
              seed: 1,
              backend,
            }),
          );
          run(() => dm.concreteDropout(x, p as number, { out: out.view, shape: shape as number[], seed: 1, backend }));
          expect(out.intact()).toBe(true);
        },
      ),
      { numRuns: 150, seed: 20261127 },
    );
  });

  test('dense methods with random feature counts and array lengths', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 30 }),
        size,
        size,
        fc.boolean(),
        (xl, wl, bl, ol, din, dout, perExample) => {
          const x = new Float32Array(xl).fill(0.5),
            W = new Float32Array(wl * 3).fill(0.25),
            b = new Float32Array(bl);
          const out = guarded(ol);
          const shapeOpts = { inFeatures: din as number, outFeatures: dout as number, backend };
          run(() => dm.linear(x, W, b, { ...shapeOpts, out: out.view }));
          run(() => dm.dropConnect(x, W, b, { ...shapeOpts, perExample, seed: 2, out: out.view }));
          run(() => dm.dropConnectInference(x, W, null, { ...shapeOpts, samples: 3, seed: 2, out: out.view }));
          run(() => dm.standout(x, W, b, { ...shapeOpts, seed: 2, out: out.view }));
          run(() => dm.fastDropout(x, W, b, { ...shapeOpts, seed: 2, out: out.view }));
          run(() =>
            dm.variationalDense(x, W, new Float32Array(1), null, { ...shapeOpts, granularity: 'layer', seed: 2, out: out.view }),
          );
          expect(out.intact()).toBe(true);
        },
      ),
      { numRuns: 150, seed: 20261127 },
    );
  });

  test('convolutional methods with random shapes, layouts, kernels and counts never write outside out', () => {
    const dim = fc.oneof(fc.integer({ min: 0, max: 6 }), anyValue);
    // x's length matches the shape most of the time, so most calls get past the shape check
    fc.assert(
      fc.property(
        fc.integer({ min: -1, max: 4 }),
        fc.integer({ min: 0, max: 300 }),
        fc.array(dim, { maxLength: 5 }),
        fc.constantFrom('NCHW', 'NHWC', 'CHW', undefined),
        dim,
        dim,
        probability,
        (skew, outLength, shape, layout, k, s, p) => {
          const size = shape.reduce((a: number, d) => a * (typeof d === 'number' && d >= 0 && d < 100 ? Math.floor(d) : 1), 1);
          const x = new Float32Array(Math.max(0, size + (skew > 1 ? 0 : skew))).map((_, i) => (i % 5) - 2);
          const out = guarded(outLength);
          const base = { shape: shape as number[], layout: layout as 'NCHW', out: out.view, seed: 3, backend };
          run(() => dm.maxPoolDropout(x, { ...base, p: p as number, kernel: k as number, stride: s as number }));
          run(() => dm.maxPoolDropout(x, { ...base, kernel: k as number, mode: 'eval' }));
          run(() => dm.spatialDropout(x, { ...base, p: p as number }));
          run(() => dm.dropBlock(x, { ...base, keepProb: p as number, blockSize: k as number, shareAcrossChannels: s === 1 }));
          run(() =>
            dm.maxDrop(x, { ...base, p: p as number, kernel: k as number, granularity: s === 2 ? 'channel' : 'feature' }),
          );
          run(() => dm.cutout(x, { ...base, size: k as number, holes: s as number, region: p === 0.5 ? 'circle' : 'rectangle' }));
          run(() =>
            dm.stochasticDropout(x, {
              out: out.view,
              seed: 3,
              backend,
              rate: { distribution: 'uniform', low: 0, high: p as number },
            }),
          );
          run(() => dm.dropPath(x, x, { ...base, p: p as number }));
          expect(out.intact()).toBe(true);
        },
      ),
      { numRuns: 300, seed: 20261127 },
    );
  });

  test('recurrent ops, SBP and embedding dropout with random shapes and sizes throw only typed errors', () => {
    const dropouts = fc.constantFrom<unknown>(
      undefined,
      { kind: 'gal', tied: false },
      { kind: 'rnndrop', p: 0.5 },
      { kind: 'semeniuta', p: 2 },
      { kind: 'forward', p: 0.1 },
      { kind: 'nope' },
      7,
    );
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 }),
        size,
        fc.integer({ min: 0, max: 80 }),
        dropouts,
        probability,
        (shape, hidden, len, dropout, p) => {
          const x = new Float32Array(len).fill(0.5);
          const H = Number.isInteger(hidden) && (hidden as number) >= 0 && (hidden as number) < 10 ? (hidden as number) : 2;
          const lstmParams = { W: new Float32Array(len), U: new Float32Array(4 * H * H), b: new Float32Array(4 * H) };
          run(() => dm.lstm(x, lstmParams, { shape, hiddenSize: hidden as number, dropout: dropout as never, seed: 1, backend }));
          run(() =>
            dm.gru(
              x,
              { W: x, U: x, bW: x, bU: x },
              { shape, hiddenSize: hidden as number, dropout: dropout as never, seed: 1, backend },
            ),
          );
          run(() =>
            dm.sbpNoise(x, new Float32Array(shape[1] ?? 0), new Float32Array(shape[1] ?? 0), {
              shape,
              noise: p === 0.5 ? 'per-batch' : undefined,
              seed: 1,
              backend,
            }),
          );
          run(() =>
            dm.embeddingDropout(
              Int32Array.from(x, (_, i) => i % 3),
              new Float32Array(len),
              { shape, vocabSize: hidden as number, p: p as number, seed: 1, backend },
            ),
          );
          run(() => dm.mcPredict((input) => input, x, { seed: 1, samples: hidden as number, examples: shape[0] }));
        },
      ),
      { numRuns: 200, seed: 20261127 },
    );
  });
});

test('a soak of 10^6 small calls leaves memory flat', () => {
  const x = new Float32Array(64).fill(1);
  const rounds = () => {
    for (let i = 0; i < 250000; i++) {
      dm.dropout(x, { p: 0.5, seed: i, out: x });
      dm.bernoulliMask(33, { p: 0.1, layout: 'bits', seed: i });
    }
  };
  rounds();
  global.gc?.();
  const before = process.memoryUsage().rss;
  rounds();
  global.gc?.();
  expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
});
