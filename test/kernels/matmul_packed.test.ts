// packWeights / matmulPacked: W packed ahead, then products that read the packed form. The product
// must be that backend's matmul with W, byte for byte, on every backend, instruction set and
// thread count (packing ahead moves the packing, not the sums). Shapes cover the unpacked dot
// path (few rows), one packed row block, several (m past any L2 block of rows), columns past a
// register tile, depths past one packed block (kc <= 1024), and empty operands. Native's packed
// form records the layout it was made in: one made at another instruction set, shape or address
// is refused, never read.
import { availableBackends, getThreads, setThreads } from '../../lib/index';
import type { NativeBackend } from '../../lib/backends/native';
import { backend, variants } from '../helpers';

const rand = (n: number, seed: number): Float32Array => {
  let s = seed;
  return Float32Array.from({ length: n }, () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5);
};
const bytes = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

// [m, n, k]
const SHAPES: [number, number, number][] = [
  [1, 100, 77],
  [3, 33, 5],
  [2, 70, 1031],
  [17, 64, 31],
  [64, 96, 200],
  [40, 129, 65],
  [25, 80, 1100],
  [300, 35, 2100],
  [4500, 40, 3],
];

describe.each(variants())('matmulPacked on $label', (v) => {
  const b = backend(v.name);

  test.each(SHAPES)('m, n, k = %p, %p, %p: the bits of matmul with W', (m, n, k) => {
    const a = rand(m * k, k + 1),
      W = rand(n * k, n + 2),
      bias = rand(n, 3);
    const packed = v.run(() => b.packWeights(W, n, k));
    if (v.name !== 'native') expect(packed.length).toBe(0);
    for (const bs of [bias, null]) {
      const got = new Float32Array(m * n).fill(NaN),
        want = new Float32Array(m * n);
      v.run(() => b.matmulPacked(got, a, W, bs, m, n, k, packed));
      v.run(() => b.matmul(want, a, W, bs, m, n, k, false, true, false));
      expect(bytes(got).equals(bytes(want))).toBe(true);
    }
  });

  test('empty operands: no rows, or an empty depth (c is the bias)', () => {
    const W = rand(0, 1),
      bias = rand(3, 2);
    const packed = v.run(() => b.packWeights(W, 3, 0));
    const c = new Float32Array(6).fill(7);
    v.run(() => b.matmulPacked(c, new Float32Array(0), W, bias, 2, 3, 0, packed));
    expect(Array.from(c)).toEqual([...bias, ...bias]);
    const none = v.run(() => b.packWeights(rand(12, 3), 3, 4));
    expect(() =>
      v.run(() => b.matmulPacked(new Float32Array(0), new Float32Array(0), rand(12, 3), null, 0, 3, 4, none)),
    ).not.toThrow();
  });
});

const describeNative = availableBackends().includes('native') ? describe : describe.skip;

describeNative('matmulPacked on native', () => {
  const initial = getThreads();
  afterAll(() => setThreads(initial));
  const native = backend('native') as NativeBackend;
  const best = native.simdLevels[0];
  const atLevel = <T>(level: string, fn: () => T): T => {
    native.useSimd(level);
    try {
      return fn();
    } finally {
      native.useSimd(best);
    }
  };

  test.each(native.simdLevels)('every thread count gives the same bits, packed or not (%s)', (level) =>
    atLevel(level, () => {
      for (const [m, n, k] of [
        [64, 1024, 256],
        [9, 333, 1025],
        [700, 64, 33],
        [37, 29, 1001], // the transposed product against the packed panels, every edge
      ]) {
        const a = rand(m * k, 4),
          W = rand(n * k, 5),
          bias = rand(n, 6);
        setThreads(1);
        const want = new Float32Array(m * n);
        native.matmul(want, a, W, bias, m, n, k, false, true, false);
        for (const t of [1, 2, 3, 4]) {
          setThreads(t);
          const packed = native.packWeights(W, n, k); // packed on t threads too
          const got = new Float32Array(m * n);
          native.matmulPacked(got, a, W, bias, m, n, k, packed);
          expect([t, bytes(got).equals(bytes(want))]).toEqual([t, true]);
        }
      }
    }),
  );

  test('a packed form from another instruction set or shape is refused', () => {
    const [m, n, k] = [64, 70, 90];
    const a = rand(m * k, 1),
      W = rand(n * k, 2),
      c = new Float32Array(m * n);
    const packed = native.packWeights(W, n, k);
    for (const level of native.simdLevels.slice(1))
      expect(() => atLevel(level, () => native.matmulPacked(c, a, W, null, m, n, k, packed))).toThrow(/pack again after setSimd/);
    const other = native.packWeights(rand(k * n, 2), k, n); // W's transpose shape
    expect(() => native.matmulPacked(c, a, W, null, m, n, k, other)).toThrow(/packWeights\(W, rows, din\)/);
    const broken = packed.slice();
    broken[0] = 0;
    expect(() => native.matmulPacked(c, a, W, null, m, n, k, broken)).toThrow(/packWeights\(W, rows, din\)/);
    expect(() => native.matmulPacked(c, a, W, null, m, n, k, packed.subarray(0, packed.length - 1))).toThrow(
      /packWeights\(W, rows, din\)/,
    );
  });

  test('a copy at another address is refused or read as the original, never misread', () => {
    const [m, n, k] = [33, 50, 70];
    const a = rand(m * k, 7),
      W = rand(n * k, 8),
      want = new Float32Array(m * n);
    const packed = native.packWeights(W, n, k);
    native.matmulPacked(want, a, W, null, m, n, k, packed);
    const buffer = new ArrayBuffer((packed.length + 16) * 4);
    let refused = 0;
    for (let shift = 0; shift < 16; shift++) {
      const copy = new Float32Array(buffer, shift * 4, packed.length);
      copy.set(packed);
      const got = new Float32Array(m * n);
      try {
        native.matmulPacked(got, a, W, null, m, n, k, copy);
        expect(bytes(got).equals(bytes(want))).toBe(true);
      } catch (e) {
        expect((e as Error).name).toBe('RangeError');
        refused++;
      }
    }
    expect(refused).toBe(15); // one shift in 16 puts the panels on the same boundary
  });

  test('the bindings check every length and overlap before touching memory', () => {
    const [m, n, k] = [2, 3, 4];
    const a = rand(m * k, 1),
      W = rand(n * k, 2);
    const packed = native.packWeights(W, n, k);
    const call = (c: Float32Array, as: Float32Array, w: Float32Array, bias: Float32Array | null) =>
      native.matmulPacked(c, as, w, bias, m, n, k, packed);
    expect(() => call(new Float32Array(6), a, W, null)).not.toThrow();
    expect(() => call(new Float32Array(5), a, W, null)).toThrow(/y.length/);
    expect(() => call(new Float32Array(6), new Float32Array(7), W, null)).toThrow(/x.length/);
    expect(() => call(new Float32Array(6), a, new Float32Array(11), null)).toThrow(/W.length/);
    expect(() => call(new Float32Array(6), a, W, new Float32Array(4))).toThrow(/bias.length/);
    expect(() => native.matmulPacked(new Float32Array(6), a, W, null, m, n, k, new Uint32Array(packed.buffer) as never)).toThrow(
      /Float32Array for packed/,
    );
    const shared = new Float32Array(14);
    shared.set(a, 6);
    expect(() => call(shared.subarray(0, 6), shared.subarray(4, 12), W, null)).toThrow(/y not to overlap its inputs/);
    expect(() => native.matmulPacked(packed.subarray(0, 6), a, W, null, m, n, k, packed)).toThrow(/y not to overlap packed/);
    expect(() => native.packWeights(new Float32Array(11), n, k)).toThrow(/W.length/);
    expect(() => native.packWeights(new Float32Array(0), 2 ** 31 + 1, 0)).toThrow(/at most 2\^31/);
    expect(() => native.packWeights(new Float32Array(0), 2 ** 31, 2 ** 31)).toThrow(/W.length|at most 2\^32/);
  });
});
