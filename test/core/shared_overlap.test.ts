// Two SharedArrayBuffer objects can map the same memory (structuredClone, or a buffer posted to a
// worker and back), so `out.buffer !== x.buffer` does not mean the views are apart. With the addon
// loaded, the overlap checks compare data pointers, whatever backend then runs the call.
import { Worker } from 'worker_threads';
import { availableBackends, dropout, linear, loadBackend } from '../../lib/index';
import { checkDisjoint, checkNoPartialOverlap } from '../../lib/core/errors';
import { expectSameBits } from '../helpers';

const withAddon = availableBackends().includes('native');
const addonTest = withAddon ? test : test.skip;
if (withAddon) loadBackend('native'); // the loader registers the addon's pointer comparison

/** A SharedArrayBuffer of `floats` float32s holding 0, 1, 2, …, and a second object over its memory. */
function aliased(floats: number): [SharedArrayBuffer, SharedArrayBuffer] {
  const sab = new SharedArrayBuffer(4 * floats);
  new Float32Array(sab).forEach((_, i, a) => (a[i] = i));
  const twin = structuredClone(sab);
  expect(twin).not.toBe(sab);
  return [sab, twin];
}

const BACKENDS = availableBackends();

describe('views of one memory through two SharedArrayBuffer objects', () => {
  addonTest.each(BACKENDS)('a partly overlapping out is a RangeError (%s)', (backend) => {
    const [sab, twin] = aliased(64);
    const x = new Float32Array(sab, 0, 32),
      out = new Float32Array(twin, 4 * 16, 32);
    const before = Float32Array.from(new Float32Array(sab));
    expect(() => dropout(x, { p: 0.5, seed: 1, out, backend })).toThrow(RangeError);
    expect(() => dropout(x, { p: 0.5, seed: 1, out, backend })).toThrow(/partly overlap/);
    expectSameBits(new Float32Array(sab), before, 'memory after the refused call');
  });

  test.each(BACKENDS)('the same view through the other object is in place, as with one object (%s)', (backend) => {
    const [sab, twin] = aliased(64);
    const want = dropout(Float32Array.from(new Float32Array(sab, 0, 32)), { p: 0.5, seed: 2, backend });
    const x = new Float32Array(sab, 0, 32),
      out = new Float32Array(twin, 0, 32);
    expect(dropout(x, { p: 0.5, seed: 2, out, backend })).toBe(out);
    expectSameBits(x, want, 'in place through the twin');
  });

  test.each(BACKENDS)('disjoint ranges of one memory are fine (%s)', (backend) => {
    const [sab, twin] = aliased(64);
    const x = new Float32Array(sab, 0, 32),
      out = new Float32Array(twin, 4 * 32, 32);
    dropout(x, { p: 0.5, seed: 3, out, backend });
    expectSameBits(out, dropout(x, { p: 0.5, seed: 3, backend }), 'disjoint halves');
  });

  addonTest.each(BACKENDS)('a product refuses an out sharing any byte with an input (%s)', (backend) => {
    const [sab, twin] = aliased(64);
    const W = new Float32Array(sab, 0, 16);
    const x = new Float32Array(4).fill(1);
    const opts = { inFeatures: 4, outFeatures: 4, backend };
    expect(() => linear(x, W, null, { ...opts, out: new Float32Array(twin, 4 * 12, 4) })).toThrow(
      /Expected out not to overlap W/,
    );
    expect(() => linear(x, W, null, { ...opts, out: new Float32Array(twin, 0, 4) })).toThrow(RangeError);
    expect(linear(x, W, null, { ...opts, out: new Float32Array(twin, 4 * 16, 4) })).toHaveLength(4);
  });

  addonTest("is caught by a process's very first call, on a backend that is not native", () => {
    // a fresh module registry: no backend loaded yet when the call checks its out
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const fresh = require('../../lib/index') as typeof import('../../lib/index');
      const [sab, twin] = aliased(64);
      expect(() =>
        fresh.dropout(new Float32Array(sab, 0, 32), { p: 0.5, seed: 1, out: new Float32Array(twin, 8, 32), backend: 'wasm' }),
      ).toThrow(/partly overlap/);
    });
  });

  addonTest('a buffer posted to a worker and back is caught too', async () => {
    const sab = new SharedArrayBuffer(4 * 64);
    const echo = "const { parentPort } = require('worker_threads'); parentPort.on('message', (b) => parentPort.postMessage(b));";
    const worker = new Worker(echo, { eval: true });
    try {
      const back = await new Promise<SharedArrayBuffer>((resolve) => {
        worker.once('message', resolve);
        worker.postMessage(sab);
      });
      expect(back).not.toBe(sab);
      expect(() => checkNoPartialOverlap('out', new Float32Array(back, 8, 8), 'x', new Float32Array(sab, 0, 8))).toThrow(
        RangeError,
      );
    } finally {
      await worker.terminate();
    }
  });

  addonTest('the checks on their own: other element types, DataViews and empty views', () => {
    const [sab, twin] = aliased(64);
    const bytes = new Uint8Array(twin, 3, 2),
      floats = new Float32Array(sab, 0, 4);
    expect(() => checkNoPartialOverlap('out', bytes, 'x', floats)).toThrow(RangeError);
    expect(() => checkDisjoint('out', new DataView(twin, 12, 4), 'x', floats)).toThrow(RangeError);
    expect(() => checkDisjoint('out', new DataView(twin, 16, 4), 'x', floats)).not.toThrow();
    expect(() => checkDisjoint('out', new Float32Array(twin, 0, 0), 'x', floats)).not.toThrow();
    expect(() => checkNoPartialOverlap('out', new Float32Array(twin, 0, 4), 'x', floats)).not.toThrow();
    expect(() => checkDisjoint('out', new Float32Array(twin, 0, 4), 'x', floats)).toThrow(RangeError);
  });

  addonTest("the addon's viewRelation: its answers and its argument checks", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const addon = require('node-gyp-build')(`${__dirname}/../..`) as { viewRelation(a?: unknown, b?: unknown): string };
    const [sab, twin] = aliased(16);
    const a = new Float32Array(sab, 0, 8);
    expect(addon.viewRelation(a, new Float32Array(twin, 0, 8))).toBe('same');
    expect(addon.viewRelation(a, new Float64Array(twin, 0, 4))).toBe('same');
    expect(addon.viewRelation(a, new Float32Array(twin, 28, 1))).toBe('overlap');
    expect(addon.viewRelation(a, new Float32Array(twin, 32, 1))).toBe('disjoint');
    expect(addon.viewRelation(a, new Float32Array(twin, 0, 0))).toBe('disjoint');
    expect(addon.viewRelation(new DataView(twin, 4, 4), a)).toBe('overlap');
    // the addon's errors come from the main realm, not jest's: compare names, not constructors
    const thrown = (call: () => unknown): string => {
      try {
        call();
      } catch (e) {
        return `${(e as Error).name}: ${(e as Error).message}`;
      }
      return 'nothing';
    };
    expect(thrown(() => addon.viewRelation(a, sab))).toBe('TypeError: Expected a typed array or DataView for b');
    expect(thrown(() => addon.viewRelation(a))).toBe('TypeError: Expected a typed array or DataView for b');
    expect(thrown(() => addon.viewRelation([1], a))).toBe('TypeError: Expected a typed array or DataView for a');
  });

  test('without the addon such aliases cannot be told apart: the one-object checks still hold', () => {
    const [sab] = aliased(64);
    const x = new Float32Array(sab, 0, 32);
    expect(() => checkNoPartialOverlap('out', new Float32Array(sab, 4, 32), 'x', x)).toThrow(RangeError);
    expect(() => checkNoPartialOverlap('out', new Float32Array(sab, 0, 32), 'x', x)).not.toThrow();
    expect(() => checkDisjoint('out', new Float32Array(sab, 0, 32), 'x', x)).toThrow(RangeError);
  });
});
