// Native calls split across threads give the same bits for every thread count (the stream is
// counter-based), including sizes that do not divide evenly and offsets inside a block.
import {
  availableBackends,
  bernoulliMask,
  dropout,
  gaussianNoise,
  getThreads,
  linear,
  normal,
  randomBits,
  setThreads,
  uniform,
} from '../../lib/index';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

const describeNative = availableBackends().includes('native') ? describe : describe.skip;
const bytes = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describeNative('native threads', () => {
  const initial = getThreads();
  afterAll(() => setThreads(initial));

  test('every kernel is identical for 1, 2, 3 and 4 threads', () => {
    const n = (1 << 19) + 37;
    const x = normal(n, { seed: 3, backend: 'js' });
    const run = () => [
      randomBits(n, { seed: 1, offset: 3, backend: 'native' }),
      uniform(n, { seed: 1, offset: 2, backend: 'native' }),
      normal(n, { seed: 1, offset: 1, backend: 'native' }),
      bernoulliMask(n, { p: 0.3, seed: 1, offset: 5, backend: 'native' }),
      bernoulliMask(n, { p: 0.3, layout: 'uint8', seed: 1, backend: 'native' }),
      bernoulliMask(n, { p: 0.3, layout: 'bits', seed: 1, offset: 7, backend: 'native' }),
      dropout(x, { p: 0.3, seed: 1, offset: 9, backend: 'native' }),
      gaussianNoise(x, { std: 0.3, seed: 1, offset: 11, backend: 'native' }),
    ];
    setThreads(1);
    const one = run();
    for (const t of [2, 3, 4]) {
      setThreads(t);
      run().forEach((r, i) => expect(bytes(r).equals(bytes(one[i]))).toBe(true));
    }
    const reference = normal(n, { seed: 1, offset: 1, backend: 'js' });
    expect(bytes(one[2]).equals(bytes(reference))).toBe(true);
  });

  test('matrix products split by rows are identical for every thread count', () => {
    const m = 200,
      k = 300,
      n = 500;
    const x = normal(m * k, { seed: 1 }),
      W = normal(n * k, { seed: 2 }),
      b = normal(n, { seed: 3 });
    setThreads(1);
    const one = linear(x, W, b, { inFeatures: k, outFeatures: n, backend: 'native' });
    for (const t of [2, 3]) {
      setThreads(t);
      expect(bytes(linear(x, W, b, { inFeatures: k, outFeatures: n, backend: 'native' })).equals(bytes(one))).toBe(true);
    }
  });

  test('setThreads checks its argument', () => {
    expect(() => setThreads(0)).toThrow(RangeError);
    expect(() => setThreads(1.5)).toThrow(RangeError);
    expect(() => setThreads('2' as unknown as number)).toThrow(TypeError);
  });

  test("a call's threads option gives the same bits, leaves setThreads's value alone and rejects bad counts", () => {
    setThreads(3);
    const n = (1 << 19) + 5;
    const want = normal(n, { seed: 4, backend: 'native', threads: 1 });
    for (const threads of [2, 4])
      expect(bytes(normal(n, { seed: 4, backend: 'native', threads })).equals(bytes(want))).toBe(true);
    expect(getThreads()).toBe(3);
    const x = normal(64 * 256, { seed: 5 }),
      W = normal(256 * 256, { seed: 6 });
    const y1 = linear(x, W, null, { inFeatures: 256, outFeatures: 256, backend: 'native', threads: 1 });
    expect(
      bytes(linear(x, W, null, { inFeatures: 256, outFeatures: 256, backend: 'native', threads: 2 })).equals(bytes(y1)),
    ).toBe(true);
    expect(() => normal(4, { seed: 1, threads: 0 })).toThrow(RangeError);
    expect(() => normal(4, { seed: 1, threads: 1.5 })).toThrow(/threads/);
    expect(getThreads()).toBe(3);
  });

  // Helper threads are one pool for the whole process (native/parallel.cc): calls from several
  // contexts at once share them, each caller running the chunks no helper has taken.
  test('products and masks split from four workers and this thread at once equal one thread', async () => {
    const [m, k, n, len] = [64, 512, 512, (1 << 19) + 37];
    const x = normal(m * k, { seed: 1 }),
      W = normal(n * k, { seed: 2 });
    const opts = { inFeatures: k, outFeatures: n, backend: 'native' as const };
    const y1 = linear(x, W, null, { ...opts, threads: 1 });
    const mask1 = bernoulliMask(new Float32Array(len), { p: 0.3, seed: 7, backend: 'native', threads: 1 });
    const script = `
      const { parentPort, workerData } = require('worker_threads');
      const d = require(${JSON.stringify(path.join(__dirname, '..', '..', 'dist', 'index.js'))});
      const [m, k, n, len] = workerData;
      const x = d.normal(m * k, { seed: 1 }), W = d.normal(n * k, { seed: 2 });
      const ys = [], masks = [];
      for (let i = 0; i < 12; i++) {
        ys.push(d.linear(x, W, null, { inFeatures: k, outFeatures: n, backend: 'native', threads: 2 + (i % 3) }));
        masks.push(d.bernoulliMask(new Float32Array(len), { p: 0.3, seed: 7, backend: 'native', threads: 2 + (i % 3) }));
      }
      parentPort.postMessage({ ys, masks });`;
    const workers = [0, 1, 2, 3].map(
      () =>
        new Promise<{ ys: Float32Array[]; masks: Float32Array[] }>((resolve, reject) => {
          const w = new Worker(script, { eval: true, workerData: [m, k, n, len] });
          w.once('message', (r) => {
            resolve(r);
            void w.terminate();
          });
          w.once('error', reject);
        }),
    );
    const here: Float32Array[] = [];
    for (let i = 0; i < 12; i++) here.push(linear(x, W, null, { ...opts, threads: 4 }));
    const results = await Promise.all(workers);
    for (const y of [...here, ...results.flatMap((r) => r.ys)]) expect(bytes(y).equals(bytes(y1))).toBe(true);
    for (const mask of results.flatMap((r) => r.masks)) expect(bytes(mask).equals(bytes(mask1))).toBe(true);
  });
});
