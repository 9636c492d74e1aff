// dropConnectMatmul: DropConnect's shared-mask product with the keep bits drawn inside it. The bits
// it writes must be bernoulliBits' at the call's counter, bit for bit, on every backend and
// instruction set; its product must be exactly that backend's matmul over those bits (the drawn
// path changes where the bits come from, not the sums) and within the products' tolerance of the
// js reference. Shapes cover the unpacked dot path (few rows), the packed path with one row block
// (each thread's chunk draws its own rows of W) and with several (the bits drawn first), din that
// makes a chunk's rows end inside a keep word, every counter phase, thresholds that keep all or
// none, empty operands, and every thread count.
import { availableBackends, getThreads, setThreads } from '../../lib/index';
import type { NativeBackend } from '../../lib/backends/native';
import { backend, variants } from '../helpers';

const rand = (n: number, seed: number): Float32Array => {
  let s = seed;
  return Float32Array.from({ length: n }, () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5);
};
const counterAt = (seed: number, phase: number, block = 5): Uint32Array => Uint32Array.of(seed, 0, 3, 0, block, 0, phase);
const bytes = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const GUARD = 0xdeadbeef;

interface Case {
  batch: number;
  rows: number;
  din: number;
  phase: number;
  threshold: number;
  scale: number;
}

function operands({ batch, rows, din }: Case) {
  return { x: rand(batch * din, din + 1), W: rand(rows * din, rows + 2), bias: rand(rows, 3) };
}

// [batch, rows, din, phase]: dot path (batch <= 4, or din > 32·batch), packed with one row block,
// packed with several (batch past any L2 block of rows: MC <= 4096), odd din, rows past a tile;
// din a multiple of 32 (each column's keep bits in whole words) past one depth block, with a
// short last row panel, and with one row panel shorter than a register tile; a few dozen rows (the
// transposed product) with every edge: rows past a tile of W's rows, batch past a vector of
// lanes, din odd and past one depth block, so rows' keep bits start mid-word.
const SHAPES: [number, number, number, number][] = [
  [1, 100, 77, 1],
  [3, 33, 5, 2],
  [2, 70, 1031, 3],
  [17, 64, 31, 0],
  [64, 96, 200, 1],
  [40, 129, 65, 2],
  [4500, 40, 3, 3],
  [64, 72, 1056, 0],
  [8, 50, 160, 2],
  [37, 29, 1001, 1],
];

describe.each(variants())('dropConnectMatmul on $label', (v) => {
  const js = backend('js');
  const b = backend(v.name);

  test.each(SHAPES)(
    'batch, rows, din = %p, %p, %p (phase %p): the bits of bernoulliBits, the product of matmul over them',
    (batch, rows, din, phase) => {
      for (const [threshold, scale] of [
        [20000, 1.25],
        [32768, 2],
        [0, 1],
        [65536, 1],
      ]) {
        const c: Case = { batch, rows, din, phase, threshold, scale };
        const { x, W, bias } = operands(c);
        const counter = counterAt(9, phase);
        const words = Math.ceil((rows * din) / 32);
        const keep = new Uint32Array(words + 2).fill(GUARD);
        const y = new Float32Array(batch * rows);
        v.run(() => b.dropConnectMatmul(y, x, W, bias, batch, rows, din, keep, counter, threshold, scale));

        const bits = new Uint32Array(words);
        js.bernoulliBits(bits, rows * din, counter, threshold);
        expect(bytes(keep.subarray(0, words)).equals(bytes(bits))).toBe(true);
        expect(Array.from(keep.subarray(words))).toEqual([GUARD, GUARD]); // nothing past the bits

        const unfused = new Float32Array(batch * rows);
        v.run(() => b.matmul(unfused, x, W, bias, batch, rows, din, false, true, false, bits, scale));
        expect(bytes(y).equals(bytes(unfused))).toBe(true);

        // from W packed ahead: the same bits, the same product
        const packed = v.run(() => b.packWeights(W, rows, din));
        const keepPacked = new Uint32Array(words + 2).fill(GUARD);
        const yPacked = new Float32Array(batch * rows);
        v.run(() => b.dropConnectMatmul(yPacked, x, W, bias, batch, rows, din, keepPacked, counter, threshold, scale, packed));
        expect(bytes(keepPacked).equals(bytes(keep))).toBe(true);
        expect(bytes(yPacked).equals(bytes(y))).toBe(true);

        if (batch * rows * din > 2e6) continue; // the float64 reference is slow; the two above suffice
        const want = new Float32Array(batch * rows);
        js.matmul(want, x, W, bias, batch, rows, din, false, true, false, bits, scale);
        let worst = 0; // the largest error over its bound (one expect: per-element expects dominate the run)
        for (let i = 0; i < batch; i++) {
          for (let j = 0; j < rows; j++) {
            let total = Math.abs(bias[j]);
            for (let p = 0; p < din; p++) total += Math.abs(W[j * din + p] * scale * x[i * din + p]);
            worst = Math.max(worst, Math.abs(y[i * rows + j] - want[i * rows + j]) / (2 ** -20 * total + 1e-30));
          }
        }
        expect(worst).toBeLessThanOrEqual(1);
      }
    },
  );

  test('empty batch still draws every bit; empty din draws none and leaves y the bias', () => {
    const counter = counterAt(4, 1);
    const keep = new Uint32Array(3).fill(GUARD),
      bits = new Uint32Array(2);
    v.run(() =>
      b.dropConnectMatmul(new Float32Array(0), new Float32Array(0), rand(50, 1), null, 0, 10, 5, keep, counter, 30000, 2),
    );
    js.bernoulliBits(bits, 50, counter, 30000);
    expect(Array.from(keep)).toEqual([...bits, GUARD]);

    const y = new Float32Array(6).fill(7),
      none = new Uint32Array(1).fill(GUARD),
      bias = rand(3, 2);
    v.run(() => b.dropConnectMatmul(y, new Float32Array(0), new Float32Array(0), bias, 2, 3, 0, none, counter, 30000, 2));
    expect(Array.from(y)).toEqual([...bias, ...bias]);
    expect(none[0]).toBe(GUARD);
  });
});

const describeNative = availableBackends().includes('native') ? describe : describe.skip;

describeNative('dropConnectMatmul on native', () => {
  const initial = getThreads();
  afterAll(() => setThreads(initial));
  const native = backend('native');

  test.each((native as NativeBackend).simdLevels)('every thread count gives the same bits and the same product (%s)', (level) => {
    const isa = native as NativeBackend;
    const best = isa.simdLevels[0];
    isa.useSimd(level);
    try {
      threadCounts();
    } finally {
      isa.useSimd(best);
    }
  });

  function threadCounts(): void {
    for (const [batch, rows, din] of [
      [64, 1024, 256],
      [2, 301, 97],
      [9, 333, 1025],
      [700, 64, 33],
    ]) {
      const { x, W, bias } = operands({ batch, rows, din, phase: 0, threshold: 0, scale: 1 });
      const run = (t: number): [Uint32Array, Float32Array] => {
        setThreads(t);
        const keep = new Uint32Array(Math.ceil((rows * din) / 32)),
          y = new Float32Array(batch * rows);
        native.dropConnectMatmul(y, x, W, bias, batch, rows, din, keep, counterAt(5, 3), 25000, 1.5);
        return [keep, y];
      };
      const [keep1, y1] = run(1);
      for (const t of [2, 3, 4]) {
        const [keep, y] = run(t);
        expect([t, bytes(keep).equals(bytes(keep1)), bytes(y).equals(bytes(y1))]).toEqual([t, true, true]);
      }
    }
  }

  test('the binding checks every length and overlap before touching memory', () => {
    const x = new Float32Array(8),
      W = new Float32Array(12),
      c = counterAt(1, 0);
    const call = (y: Float32Array, xs: Float32Array, w: Float32Array, bias: Float32Array | null, keep = new Uint32Array(1)) =>
      native.dropConnectMatmul(y, xs, w, bias, 2, 3, 4, keep, c, 100, 1);
    expect(() => call(new Float32Array(6), x, W, null)).not.toThrow();
    expect(() => call(new Float32Array(5), x, W, null)).toThrow(/y.length/);
    expect(() => call(new Float32Array(6), new Float32Array(7), W, null)).toThrow(/x.length/);
    expect(() => call(new Float32Array(6), x, new Float32Array(11), null)).toThrow(/W.length/);
    expect(() => call(new Float32Array(6), x, W, new Float32Array(4))).toThrow(/bias.length/);
    expect(() => call(new Float32Array(6), x, W, null, new Uint32Array(0))).toThrow(/keep to hold/);
    expect(() => call(new Float32Array(6), x, W, null, new Float32Array(1) as unknown as Uint32Array<ArrayBuffer>)).toThrow(
      /Uint32Array for keep/,
    );
    const shared = new Float32Array(14);
    expect(() => call(shared.subarray(0, 6), shared.subarray(4, 12), W, null)).toThrow(/y not to overlap/);
    const buffer = new ArrayBuffer(80);
    const w = new Float32Array(buffer, 0, 12),
      y = new Float32Array(buffer, 48, 6);
    expect(() => call(new Float32Array(6), x, w, null, new Uint32Array(buffer, 44, 1))).toThrow(/keep not to overlap/);
    expect(() => call(y, x, w, null, new Uint32Array(buffer, 52, 1))).toThrow(/y not to overlap/);
    expect(() => native.dropConnectMatmul(new Float32Array(6), x, W, null, 2, 3, 4, new Uint32Array(1), c, 65537, 1)).toThrow(
      /threshold/,
    );
    const packed = native.packWeights(W, 3, 4);
    const drawn = (y: Float32Array, keep: Uint32Array, p: Float32Array) =>
      native.dropConnectMatmul(y, x, W, null, 2, 3, 4, keep, c, 100, 1, p);
    expect(() => drawn(new Float32Array(6), new Uint32Array(1), packed)).not.toThrow();
    expect(() => drawn(new Float32Array(6), new Uint32Array(1), native.packWeights(W, 4, 3))).toThrow(/pack again after setSimd/);
    expect(() => drawn(packed.subarray(0, 6), new Uint32Array(1), packed)).toThrow(/y not to overlap keep or packed/);
    expect(() => drawn(new Float32Array(6), new Uint32Array(packed.buffer, 0, 1), packed)).toThrow(/keep not to overlap/);
    expect(() => drawn(new Float32Array(6), new Uint32Array(1), new Uint32Array(30) as never)).toThrow(/Float32Array for packed/);
    expect(() => drawn(new Float32Array(6), new Uint32Array(1), new Float32Array(0))).toThrow(/packWeights\(W, rows, din\)/);
    expect(() => native.dropConnectMatmul(new Float32Array(6), x, W, null, 2, 3, 4, new Uint32Array(1), c, 100, 1e39)).toThrow(
      /finite float32 number for scale/,
    );
    const isa = native as NativeBackend;
    for (const level of isa.simdLevels.slice(1)) {
      isa.useSimd(level);
      try {
        expect(() => drawn(new Float32Array(6), new Uint32Array(1), packed)).toThrow(/pack again after setSimd/);
      } finally {
        isa.useSimd(isa.simdLevels[0]);
      }
    }
  });
});
