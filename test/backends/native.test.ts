// The addon trusts nothing: called directly with wrong arguments it throws JavaScript errors and
// never writes outside the arrays it is given. It also loads and runs in worker threads.
import * as path from 'path';
import { Worker } from 'worker_threads';
import { availableBackends, dropout, normal } from '../../lib/index';

const hasNative = availableBackends().includes('native');
const describeNative = hasNative ? describe : describe.skip;

describeNative('native addon argument checks', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const addon = require('node-gyp-build')(path.join(__dirname, '..', '..'));
  const ctr = new Uint32Array(7);
  // Errors made by the addon belong to Node's realm, not jest's sandbox: compare names, not classes.
  const throws = (fn: () => unknown, name: 'TypeError' | 'RangeError', message?: RegExp) => {
    let caught: unknown;
    try {
      fn();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeDefined();
    expect((caught as Error).name).toBe(name);
    if (message) expect((caught as Error).message).toMatch(message);
  };

  test('wrong types and lengths throw TypeError / RangeError', () => {
    const f = new Float32Array(8);
    throws(() => addon.uniform(new Float64Array(8), ctr), 'TypeError');
    throws(() => addon.uniform(f), 'TypeError');
    throws(() => addon.uniform(f, new Uint32Array(6)), 'RangeError', /7 words/);
    throws(() => addon.uniform(f, new Int32Array(7)), 'TypeError');
    throws(() => addon.uniform(f, new Uint32Array([0, 0, 0, 0, 0, 0, 4])), 'RangeError', /phase/);
    throws(() => addon.bernoulliF32(f, ctr, 65537, 1), 'RangeError', /threshold/);
    throws(() => addon.bernoulliF32(f, ctr, 0.5, 1), 'RangeError');
    throws(() => addon.bernoulliF32(f, ctr, 100, NaN), 'RangeError', /scale/);
    throws(() => addon.bernoulliF32(f, ctr, '100', 1), 'TypeError');
    throws(() => addon.dropout(f, new Float32Array(9), ctr, 100, 1), 'RangeError', /out.length/);
    throws(() => addon.gaussianNoise(f, new Float32Array(7), ctr, 1), 'RangeError');
    throws(() => addon.normal(f, ctr, 0, Infinity), 'RangeError', /std/);
    throws(() => addon.setSimd('avx1024'), 'RangeError');
  });

  test('bit masks never write past out, even when n claims more', () => {
    const words = new Uint32Array(8).fill(0xabababab);
    const out = words.subarray(2, 4);
    throws(() => addon.bernoulliBits(out, 65, ctr, 1000), 'RangeError', /ceil\(n \/ 32\)/);
    throws(() => addon.bernoulliBits(out, -1, ctr, 1000), 'RangeError');
    addon.bernoulliBits(out, 40, ctr, 1000);
    expect([words[0], words[1], words[4], words[5]]).toEqual(new Array(4).fill(0xabababab));
    expect(words[3] >>> 8).toBe(0);
  });
});

describeNative('worker threads', () => {
  test('4 workers load the addon and compute the same bits concurrently', async () => {
    const script = `
      const { parentPort, workerData } = require('worker_threads');
      const d = require(${JSON.stringify(path.join(__dirname, '..', '..', 'dist', 'index.js'))});
      const x = d.normal(1 << 18, { seed: 1 });
      const y = d.dropout(x, { p: 0.3, seed: workerData, backend: 'native' });
      parentPort.postMessage({ backend: d.backendInfo().name, y });`;
    const results = await Promise.all(
      [0, 1, 2, 3].map(
        (seed) =>
          new Promise<{ backend: string; y: Float32Array }>((resolve, reject) => {
            const w = new Worker(script, { eval: true, workerData: seed });
            w.once('message', (m) => {
              resolve(m);
              void w.terminate();
            });
            w.once('error', reject);
          }),
      ),
    );
    const x = normal(1 << 18, { seed: 1 });
    results.forEach((r, seed) => {
      expect(r.backend).toBe('native');
      expect(Buffer.from(r.y.buffer).equals(Buffer.from(dropout(x, { p: 0.3, seed, backend: 'js' }).buffer))).toBe(true);
    });
  });
});
