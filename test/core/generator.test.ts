// Generator: advances by the words each call consumes, round-trips through JSON, forks and splits.
import { Generator, bernoulliMask, dropout, dropoutBackward, normal, randomBits, streamWords, uniform } from '../../lib/index';
import { expectSameBits, variants } from '../helpers';

describe.each(variants())('generator on $label', (v) => {
  const backend = v.name;

  test('consecutive calls continue the stream where the last call stopped', () => {
    const g = new Generator(42, { stream: 3 });
    const a = v.run(() => randomBits(5, { generator: g, backend }));
    expect(g.offset).toBe(5n);
    const b = v.run(() => randomBits(7, { generator: g, backend }));
    expectSameBits(Uint32Array.from([...a, ...b]), randomBits(12, { seed: 42, stream: 3, backend: 'js' }));
    v.run(() => bernoulliMask(9, { p: 0.5, generator: g, backend }));
    expect(g.offset).toBe(12n + 5n);
    v.run(() => normal(3, { generator: g, backend }));
    expect(g.offset).toBe(17n + 4n);
    v.run(() => uniform(3, { generator: g, backend }));
    expect(g.offset).toBe(24n);
  });

  test('backward regenerates the forward mask from generator.position()', () => {
    const g = new Generator(7);
    const x = new Float32Array(101).fill(1);
    const at = g.position();
    const y = v.run(() => dropout(x, { p: 0.5, generator: g, backend }));
    const dy = new Float32Array(101).map((_, i) => i);
    const dx = v.run(() => dropoutBackward(dy, { p: 0.5, ...at, backend }));
    for (let i = 0; i < 101; i++) expect(dx[i]).toBe(y[i] === 0 ? 0 : 2 * i);
    expect(g.offset).toBe(BigInt(streamWords.bernoulli(101)));
  });
});

test('toJSON / fromJSON round trip, also through JSON text, at 64-bit values', () => {
  const g = new Generator((1n << 64n) - 1n, { stream: (1n << 63n) + 5n, offset: (1n << 66n) - 1n });
  const text = JSON.stringify(g);
  const h = Generator.fromJSON(text);
  expect(h.toJSON()).toEqual(g.toJSON());
  expect(Generator.fromJSON(g.toJSON()).position()).toEqual(g.position());
  expect(() => Generator.fromJSON('{nope')).toThrow(TypeError);
  expect(() => Generator.fromJSON({ seed: '-1', stream: '0', offset: '0' })).toThrow(/state.seed/);
  expect(() => Generator.fromJSON({ seed: 1.5, stream: '0', offset: '0' } as unknown as string)).toThrow(/state.seed/);
  expect(Generator.fromJSON({ seed: 7, stream: 1n, offset: '2' } as unknown as string).position()).toEqual({
    seed: 7n,
    stream: 1n,
    offset: 2n,
  });
});

test('offsets wrap at 2^66, fork and split give independent streams', () => {
  const g = new Generator(1, { offset: (1n << 66n) - 2n });
  g.advance(3);
  expect(g.offset).toBe(1n);
  const f = g.fork(9);
  expect(f.position()).toEqual({ seed: 1n, stream: 9n, offset: 0n });
  const parent = new Generator(5);
  const child = parent.split();
  expect(parent.offset).toBe(2n);
  const w = randomBits(2, { seed: 5 });
  expect(child.seed).toBe((BigInt(w[1]) << 32n) | BigInt(w[0]));
  const odd = new Generator(5, { offset: 3 });
  const oddChild = odd.split();
  const w3 = randomBits(2, { seed: 5, offset: 3 });
  expect(oddChild.seed).toBe((BigInt(w3[1]) << 32n) | BigInt(w3[0]));
  expect(() => new Generator(-1)).toThrow(RangeError);
  expect(() => new Generator(1, { stream: 1n << 64n })).toThrow(/for stream/);
});
