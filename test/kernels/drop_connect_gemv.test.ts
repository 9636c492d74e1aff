// dropConnectGemv: per-example DropConnect products with the masks drawn inside the kernel. Its
// decisions must be bernoulliBits' at each example's offset, bit for bit, on every backend and
// instruction set (one-hot inputs read them back exactly); its sums agree with the js reference
// within the products' tolerance; odd din (rows starting mid-word), rows longer than one drawn
// piece, every counter phase, thresholds that keep all or none, and every thread count.
import { availableBackends, getThreads, setThreads } from '../../lib/index';
import { advanceCounter } from '../../lib/core/stream';
import { backend, variants } from '../helpers';

const rand = (n: number, seed: number): Float32Array => {
  let s = seed;
  return Float32Array.from({ length: n }, () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5);
};
const counterAt = (seed: number, phase: number, block = 5): Uint32Array => Uint32Array.of(seed, 0, 3, 0, block, 0, phase);
const bytes = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe.each(variants())('dropConnectGemv on $label', (v) => {
  const js = backend('js');

  test('one-hot inputs return the keep decisions of bernoulliBits at each example offset, exactly', () => {
    for (const [rows, din, phase] of [
      [7, 5, 0],
      [9, 33, 3],
      [4, 64, 1],
    ]) {
      const batch = din; // example b is the unit vector e_b: y[b, j] = keep(b, j, b) · W[j, b]
      const x = new Float32Array(batch * din);
      for (let b = 0; b < batch; b++) x[b * din + b] = 1;
      const W = new Float32Array(rows * din).fill(1);
      const counter = counterAt(17, phase);
      const seg = Math.ceil((rows * din) / 2) + 3;
      const y = new Float32Array(batch * rows);
      v.run(() => backend(v.name).dropConnectGemv(y, x, W, null, batch, rows, din, counter, seg, 30000, 1));
      for (let b = 0; b < batch; b++) {
        const bits = new Uint32Array(Math.ceil((rows * din) / 32));
        js.bernoulliBits(bits, rows * din, advanceCounter(counter, b * seg), 30000);
        for (let j = 0; j < rows; j++) {
          const pos = j * din + b;
          expect(y[b * rows + j]).toBe((bits[pos >>> 5] >>> (pos & 31)) & 1);
        }
      }
    }
  });

  test.each([
    [3, 5, 17, 0],
    [5, 40, 257, 2],
    [2, 3, 8300, 1],
    [4, 64, 1024, 3],
  ])('batch, rows, din = %p, %p, %p (phase %p): within tolerance of js and of maskedGemv', (batch, rows, din, phase) => {
    const x = rand(batch * din, din),
      W = rand(rows * din, rows),
      biases = rand(batch * rows, 3);
    const counter = counterAt(9, phase);
    const seg = Math.ceil((rows * din) / 2);
    for (const [threshold, scale] of [
      [20000, 1],
      [32768, 2],
      [0, 1],
      [65536, 1],
    ]) {
      const want = new Float32Array(batch * rows),
        got = new Float32Array(batch * rows);
      js.dropConnectGemv(want, x, W, biases, batch, rows, din, counter, seg, threshold, scale);
      v.run(() => backend(v.name).dropConnectGemv(got, x, W, biases, batch, rows, din, counter, seg, threshold, scale));
      // the same decisions through bits: maskedGemv over bernoulliBits' output
      const words = Math.ceil((rows * din) / 32),
        keep = new Uint32Array(batch * words);
      for (let b = 0; b < batch; b++)
        js.bernoulliBits(keep.subarray(b * words), rows * din, advanceCounter(counter, b * seg), threshold);
      const viaBits = new Float32Array(batch * rows);
      js.maskedGemv(viaBits, x, W, biases, batch, rows, din, keep, words, scale);
      for (let b = 0; b < batch; b++) {
        for (let j = 0; j < rows; j++) {
          let total = Math.abs(biases[b * rows + j]);
          for (let i = 0; i < din; i++) total += Math.abs(W[j * din + i] * scale * x[b * din + i]);
          const tol = 2 ** -20 * total + 1e-30;
          expect(Math.abs(got[b * rows + j] - want[b * rows + j])).toBeLessThanOrEqual(tol);
          expect(Math.abs(viaBits[b * rows + j] - want[b * rows + j])).toBeLessThanOrEqual(tol);
        }
      }
      if (threshold === 65536) expect(bytes(got)).toEqual(bytes(biases));
    }
  });

  test('no biases, empty batch or rows write nothing else', () => {
    const y = new Float32Array(6).fill(7);
    v.run(() =>
      backend(v.name).dropConnectGemv(
        y.subarray(0, 0),
        new Float32Array(0),
        rand(6, 1),
        null,
        0,
        2,
        3,
        counterAt(1, 0),
        3,
        100,
        1,
      ),
    );
    expect(Array.from(y)).toEqual([7, 7, 7, 7, 7, 7]);
    v.run(() => backend(v.name).dropConnectGemv(y, rand(4, 2), rand(6, 1), null, 2, 3, 2, counterAt(1, 0), 3, 0, 1));
    const want = new Float32Array(6);
    js.dropConnectGemv(want, rand(4, 2), rand(6, 1), null, 2, 3, 2, counterAt(1, 0), 3, 0, 1);
    for (let i = 0; i < 6; i++) expect(Math.abs(y[i] - want[i])).toBeLessThan(1e-6);
  });
});

const describeNative = availableBackends().includes('native') ? describe : describe.skip;

describeNative('dropConnectGemv on native', () => {
  const initial = getThreads();
  afterAll(() => setThreads(initial));
  const native = backend('native');

  test('every thread count gives the same bits', () => {
    for (const [batch, rows, din] of [
      [6, 301, 97],
      [3, 40, 9000],
    ]) {
      const x = rand(batch * din, 1),
        W = rand(rows * din, 2),
        biases = rand(batch * rows, 3);
      const run = (t: number): Float32Array => {
        setThreads(t);
        const y = new Float32Array(batch * rows);
        native.dropConnectGemv(y, x, W, biases, batch, rows, din, counterAt(5, 2), Math.ceil((rows * din) / 2), 25000, 1.5);
        return y;
      };
      const one = run(1);
      for (const t of [2, 3, 4]) expect(bytes(run(t)).equals(bytes(one))).toBe(true);
    }
  });

  test('the binding checks every length before touching memory', () => {
    const x = new Float32Array(8),
      W = new Float32Array(12),
      c = counterAt(1, 0);
    const call = (y: Float32Array, xs: Float32Array, w: Float32Array, biases: Float32Array | null, seg = 6) =>
      native.dropConnectGemv(y, xs, w, biases, 2, 3, 4, c, seg, 100, 1);
    expect(() => call(new Float32Array(6), x, W, null)).not.toThrow();
    expect(() => call(new Float32Array(5), x, W, null)).toThrow(/y.length/);
    expect(() => call(new Float32Array(6), new Float32Array(7), W, null)).toThrow(/x.length/);
    expect(() => call(new Float32Array(6), x, new Float32Array(11), null)).toThrow(/W.length/);
    expect(() => call(new Float32Array(6), x, W, new Float32Array(5))).toThrow(/biases/);
    expect(() => call(new Float32Array(6), x, W, null, 5)).toThrow(/segmentWords/);
    const shared = new Float32Array(14);
    expect(() => call(shared.subarray(0, 6), shared.subarray(4, 12), W, null)).toThrow(/overlap/);
  });
});
