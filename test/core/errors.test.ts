// Bad input: a TypeError or RangeError naming the argument, on every backend, before any
// kernel runs; the caller's buffers are untouched and the process survives.
import {
  bernoulliMask,
  dropout,
  dropoutBackward,
  effectiveP,
  gaussianNoise,
  Generator,
  maskScale,
  normal,
  randomBits,
  setBackend,
  uniform,
} from '../../lib/index';
import { variants } from '../helpers';

const detached = (): Float32Array => {
  const a = new Float32Array(8);
  structuredClone(a.buffer, { transfer: [a.buffer] });
  return a;
};

describe.each(variants())('bad input on $label', (v) => {
  const backend = v.name;
  const x = new Float32Array(16).fill(1);
  const run = (fn: () => unknown) => () => v.run(fn);

  test.each([NaN, Infinity, -0.1, 1.5, -Infinity])('p = %p is a RangeError naming p', (p) => {
    expect(run(() => dropout(x, { p, seed: 1, backend }))).toThrow(
      new RangeError(`Expected a number in [0, 1] for p but received ${p} (number)`),
    );
    expect(run(() => bernoulliMask(4, { p, seed: 1, backend }))).toThrow(RangeError);
    expect(() => effectiveP(p)).toThrow(RangeError);
    expect(() => maskScale(p)).toThrow(RangeError);
  });

  test.each(['0.5', null, {}, 1n, undefined])('p = %p is a TypeError naming p', (p) => {
    expect(run(() => dropout(x, { p: p as unknown as number, seed: 1, backend }))).toThrow(
      /^Expected a number for p but received/,
    );
    expect(run(() => dropout(x, { p: p as unknown as number, seed: 1, backend }))).toThrow(TypeError);
  });

  test('wrong array types', () => {
    for (const bad of [new Float64Array(4), [1, 2, 3], new Uint8Array(4), null, undefined, 'x', 3]) {
      expect(run(() => dropout(bad as unknown as Float32Array, { p: 0.5, seed: 1, backend }))).toThrow(TypeError);
      expect(run(() => dropout(bad as unknown as Float32Array, { p: 0.5, seed: 1, backend }))).toThrow(/for x but received/);
      expect(run(() => gaussianNoise(bad as unknown as Float32Array, { std: 1, seed: 1, backend }))).toThrow(TypeError);
    }
    expect(run(() => randomBits(new Int32Array(4) as unknown as Uint32Array, { seed: 1, backend }))).toThrow(TypeError);
    expect(run(() => uniform(new Float64Array(4) as unknown as Float32Array, { seed: 1, backend }))).toThrow(TypeError);
    expect(run(() => bernoulliMask(new Int8Array(4) as unknown as Uint8Array, { p: 0.5, seed: 1, backend }))).toThrow(TypeError);
    expect(run(() => bernoulliMask(new Float32Array(4), { p: 0.5, layout: 'uint8', seed: 1, backend }))).toThrow(TypeError);
    expect(run(() => bernoulliMask(4, { p: 0.5, layout: 'int8' as 'uint8', seed: 1, backend }))).toThrow(RangeError);
  });

  test('sizes: non-integer, negative, too large, wrong type', () => {
    for (const n of [-1, 1.5, NaN, 2 ** 40, Infinity]) {
      expect(run(() => uniform(n, { seed: 1, backend }))).toThrow(RangeError);
      expect(run(() => normal(n, { seed: 1, backend }))).toThrow(/for nOrOut/);
      expect(run(() => bernoulliMask(n, { p: 0.1, layout: 'bits', seed: 1, backend }))).toThrow(RangeError);
    }
    expect(run(() => uniform('8' as unknown as number, { seed: 1, backend }))).toThrow(TypeError);
    expect(run(() => bernoulliMask(new Uint32Array(2), { p: 0.1, n: 65, seed: 1, backend }))).toThrow(/ceil\(n \/ 32\)/);
  });

  test('shapes and out that do not agree', () => {
    expect(run(() => dropout(x, { p: 0.5, shape: [4, 5], seed: 1, backend }))).toThrow(/to hold 16 elements but it holds 20/);
    expect(run(() => dropout(x, { p: 0.5, shape: [4, -4], seed: 1, backend }))).toThrow(RangeError);
    expect(run(() => dropout(x, { p: 0.5, shape: [4, 4.5] as number[], seed: 1, backend }))).toThrow(RangeError);
    expect(run(() => dropout(x, { p: 0.5, shape: '4' as unknown as number[], seed: 1, backend }))).toThrow(TypeError);
    expect(run(() => dropout(x, { p: 0.5, shape: [4, 4], noiseShape: [1, 4, 4], seed: 1, backend }))).toThrow(/at most rank 2/);
    expect(run(() => dropout(x, { p: 0.5, shape: [4, 4], noiseShape: [2, 4], seed: 1, backend }))).toThrow(/noiseShape\[0\]/);
    expect(run(() => dropout(x, { p: 0.5, out: new Float32Array(15), seed: 1, backend }))).toThrow(/out.length to be 16/);
    const big = new Float32Array(32);
    expect(run(() => dropout(big.subarray(0, 16), { p: 0.5, out: big.subarray(1, 17), seed: 1, backend }))).toThrow(
      /partly overlap/,
    );
    expect(run(() => dropout(x, { p: 0.5, mode: 'test' as 'eval', seed: 1, backend }))).toThrow(RangeError);
  });

  test('seeds, streams and offsets out of range', () => {
    expect(run(() => uniform(4, { seed: -1, backend }))).toThrow(/for seed/);
    expect(run(() => uniform(4, { seed: 2 ** 64, backend }))).toThrow(RangeError);
    expect(run(() => uniform(4, { seed: 1n << 64n, backend }))).toThrow(RangeError);
    expect(run(() => uniform(4, { seed: 1.5, backend }))).toThrow(RangeError);
    expect(run(() => uniform(4, { seed: '1' as unknown as number, backend }))).toThrow(TypeError);
    expect(run(() => uniform(4, { seed: 1, stream: 1n << 64n, backend }))).toThrow(/for stream/);
    expect(run(() => uniform(4, { seed: 1, offset: 1n << 66n, backend }))).toThrow(/for offset/);
    expect(run(() => uniform(4, { seed: 1, generator: new Generator(1), backend }))).toThrow(TypeError);
    expect(run(() => uniform(4, { generator: {} as Generator, backend }))).toThrow(/for generator/);
    expect(run(() => uniform(4, { offset: 3, backend }))).toThrow(/no seed/);
    expect(run(() => dropoutBackward(x, { p: 0.5, backend }))).toThrow(/seed/);
  });

  test('detached buffers and bad options objects', () => {
    expect(run(() => dropout(detached(), { p: 0.5, seed: 1, backend }))).toThrow(/detached/);
    expect(run(() => uniform(detached(), { seed: 1, backend }))).toThrow(TypeError);
    expect(run(() => dropout(x, { p: 0.5, seed: 1, out: detached(), backend }))).toThrow(/detached/);
    expect(run(() => dropout(x, null as unknown as { p: number }))).toThrow(/options object/);
    expect(run(() => normal(4, { seed: 1, std: -1, backend }))).toThrow(/for std/);
    expect(run(() => normal(4, { seed: 1, mean: NaN, backend }))).toThrow(/for mean/);
    expect(run(() => gaussianNoise(x, { std: Infinity, seed: 1, backend }))).toThrow(RangeError);
  });

  test('a failed call leaves out untouched', () => {
    const out = new Float32Array(16).fill(7);
    expect(run(() => dropout(x, { p: 2, seed: 1, out, backend }))).toThrow(RangeError);
    expect(run(() => dropout(x, { p: 0.5, seed: -1, out, backend }))).toThrow(RangeError);
    expect(Array.from(out)).toEqual(new Array(16).fill(7));
  });
});

test('unknown backends are RangeErrors', () => {
  expect(() => setBackend('gpu' as 'js')).toThrow(RangeError);
  expect(() => uniform(4, { seed: 1, backend: 'gpu' as 'js' })).toThrow(/for backend/);
});
