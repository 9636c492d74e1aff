// packWeights and linear with packed weights: the same bits as linear with W on every backend,
// instruction set and thread count; a snapshot of W (later writes unseen); the shape comes with
// the weights; bad arguments are TypeErrors and RangeErrors naming them.
import {
  PackedWeights,
  dropConnect,
  dropConnectBackward,
  dropConnectAsync,
  linear,
  linearAsync,
  packWeights,
  setThreads,
  getThreads,
} from '../../../lib/index';
import { variants } from '../../helpers';

const rand = (n: number, seed: number): Float32Array => {
  let s = seed;
  return Float32Array.from({ length: n }, () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5);
};
const bytes = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe.each(variants())('linear with packed weights on $label', (v) => {
  const backend = v.name;

  test.each([
    [1, 64, 300],
    [8, 200, 100],
    [64, 256, 128],
    [130, 50, 1030],
  ])('batch, outFeatures, inFeatures = %p, %p, %p: the bits of linear with W', (batch, dout, din) => {
    const x = rand(batch * din, 1),
      W = rand(dout * din, 2),
      bias = rand(dout, 3);
    const shape = { inFeatures: din, outFeatures: dout };
    const packed = v.run(() => packWeights(W, { ...shape, backend }));
    expect([packed.inFeatures, packed.outFeatures]).toEqual([din, dout]);
    const want = v.run(() => linear(x, W, bias, { ...shape, backend }));
    expect(bytes(v.run(() => linear(x, packed, bias, { backend }))).equals(bytes(want))).toBe(true);
    expect(bytes(v.run(() => linear(x, packed, bias, { ...shape, backend, threads: 2 }))).equals(bytes(want))).toBe(true);
    const out = new Float32Array(batch * dout);
    expect(v.run(() => linear(x, packed, bias, { out, backend }))).toBe(out);
    expect(bytes(out).equals(bytes(want))).toBe(true);
    expect(
      bytes(v.run(() => linear(x, packed, null, { backend }))).equals(
        bytes(v.run(() => linear(x, W, null, { ...shape, backend }))),
      ),
    ).toBe(true);
  });

  test('dropConnect with packed weights: the bits of dropConnect with W, shared mask, per example and eval', () => {
    const [batch, din, dout] = [48, 130, 70];
    const x = rand(batch * din, 6),
      W = rand(dout * din, 7),
      bias = rand(dout, 8);
    const shape = { inFeatures: din, outFeatures: dout };
    const packed = v.run(() => packWeights(W, { ...shape, backend }));
    for (const extra of [
      { perExample: false },
      { perExample: false, scaling: 'inverted' as const, p: 0.3 },
      { perExample: true },
      { mode: 'eval' as const },
      { mode: 'eval' as const, scaling: 'inverted' as const },
    ]) {
      const opts = { seed: 3, offset: 5, backend, ...extra };
      const want = v.run(() => dropConnect(x, W, bias, { ...shape, ...opts }));
      const got = v.run(() => dropConnect(x, packed, bias, opts));
      expect([extra, bytes(got).equals(bytes(want))]).toEqual([extra, true]);
    }
  });

  test('the weights are a snapshot: writes to W after packing are not seen', () => {
    const [batch, din, dout] = [40, 90, 70];
    const x = rand(batch * din, 4),
      W = rand(dout * din, 5);
    const before = W.slice();
    const packed = v.run(() => packWeights(W, { inFeatures: din, outFeatures: dout, backend }));
    W.fill(9);
    const want = v.run(() => linear(x, before, null, { inFeatures: din, outFeatures: dout, backend }));
    expect(bytes(v.run(() => linear(x, packed, null, { backend }))).equals(bytes(want))).toBe(true);
  });
});

describe('packWeights and linear: the packed form per backend, the async form, bad arguments', () => {
  const shape = { inFeatures: 6, outFeatures: 4 };
  const W = rand(24, 1),
    x = rand(12, 2),
    bias = rand(4, 3);

  test('a backend that did not pack packs on its first call; every thread count gives the same bits', () => {
    const initial = getThreads();
    try {
      const packed = packWeights(W, { ...shape, backend: 'js' });
      for (const v of variants()) {
        const want = v.run(() => linear(x, W, bias, { ...shape, backend: v.name }));
        for (const t of [1, 3]) {
          setThreads(t);
          expect([v.label, t, bytes(v.run(() => linear(x, packed, bias, { backend: v.name }))).equals(bytes(want))]).toEqual([
            v.label,
            t,
            true,
          ]);
        }
      }
    } finally {
      setThreads(initial);
    }
  });

  test('linearAsync takes packed weights, with the sync form’s bits', async () => {
    const packed = packWeights(W, shape);
    const got = await linearAsync(x, packed, bias);
    expect(bytes(got).equals(bytes(linear(x, packed, bias)))).toBe(true);
    await expect(linearAsync(x, packed, bias, { inFeatures: 5 })).rejects.toThrow(/inFeatures/);
  });

  test('dropConnectAsync takes packed weights, with the sync form’s bits', async () => {
    const packed = packWeights(W, shape);
    const opts = { perExample: false, seed: 9 };
    const got = await dropConnectAsync(x, packed, bias, opts);
    expect(bytes(got).equals(bytes(dropConnect(x, packed, bias, opts)))).toBe(true);
    expect(bytes(got).equals(bytes(dropConnect(x, W, bias, { ...shape, ...opts })))).toBe(true);
    await expect(dropConnectAsync(x, packed, bias, { outFeatures: 3 })).rejects.toThrow(/outFeatures/);
  });

  test('bad arguments name themselves', () => {
    expect(() => packWeights(new Float64Array(24) as never, shape)).toThrow(TypeError);
    expect(() => packWeights(new Float64Array(24) as never, shape)).toThrow(/W/);
    expect(() => packWeights(new Float32Array(23), shape)).toThrow(/Expected W to hold outFeatures \* inFeatures = 24/);
    expect(() => packWeights(W, { inFeatures: 0, outFeatures: 24 })).toThrow(/inFeatures/);
    expect(() => packWeights(W, { inFeatures: 6 } as never)).toThrow(/outFeatures/);
    expect(() => packWeights(W, null as never)).toThrow(/options/);
    expect(() => packWeights(W, { ...shape, backend: 'gpu' as never })).toThrow(/backend/);
    expect(() => new PackedWeights(W, 5, 4)).toThrow(RangeError);
    const packed = packWeights(W, shape);
    expect(() => linear(x, packed, bias, { inFeatures: 4 })).toThrow(
      /Expected inFeatures to be the packed weights' 6 but received 4/,
    );
    expect(() => linear(x, packed, bias, { outFeatures: 5 })).toThrow(/outFeatures/);
    expect(() => linear(x, packed, bias, { outFeatures: 1.5 })).toThrow(/outFeatures/);
    expect(() => linear(rand(13, 1), packed, bias)).toThrow(/x.length/);
    expect(() => linear(x, packed, rand(3, 1))).toThrow(/bias/);
    expect(() => linear(x, packed, bias, { out: new Float32Array(7) })).toThrow(/out.length/);
    expect(() => linear(x, packed, bias, { out: x.subarray(0, 8) })).toThrow(/out/);
    expect(() => linear(x, {} as never, bias, shape)).toThrow(/W/);
    expect(() => {
      (packed as { inFeatures: number }).inFeatures = 3;
    }).toThrow(TypeError);
    expect(() => linear(x, Object.create(PackedWeights.prototype) as PackedWeights, bias)).toThrow(/imitation/);
    expect(() => linear(x, Object.create(PackedWeights.prototype) as PackedWeights, bias, shape)).toThrow(/W/);
    // nothing of a PackedWeights' state is reachable: a subclass computes with its own copy of W
    class Other extends PackedWeights {
      packedFor(): Float32Array {
        return new Float32Array(100);
      }
    }
    const other = new Other(W, 6, 4);
    expect(Object.keys(other)).toEqual(['inFeatures', 'outFeatures']);
    expect(bytes(linear(x, other, bias)).equals(bytes(linear(x, W, bias, shape)))).toBe(true);
    expect(() => dropConnectBackward(rand(8, 1), x, packed as never, bias, { ...shape, seed: 1 })).toThrow(
      /Expected a Float32Array for W: packed weights are taken by linear and dropConnect/,
    );
  });
});
