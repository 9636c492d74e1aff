// State a hostile or careless caller can reach outside the arrays: generators (Proxies, subclasses
// that lie, huge saved states), options read exactly once, and the temporaries a huge call leaves.
import * as vm from 'vm';
import { Generator, dropout, gru, maxPoolDropout, normal, uniform } from '../../lib/index';
import { RETAIN_BYTES, retainedScratchBytes } from '../../lib/core/scratch';
import { variants } from '../helpers';

describe('generators', () => {
  test('a Proxy of a Generator is a TypeError naming generator, not an engine error', () => {
    const proxy = new Proxy(new Generator(1), {});
    expect(() => uniform(4, { generator: proxy })).toThrow(/^Expected a Generator for generator/);
  });

  test('a subclass that lies about its position draws at its true position and advances by what the call consumed', () => {
    class Lying extends Generator {
      override get offset(): bigint {
        return 0n;
      }
      override advance(): this {
        return this;
      }
    }
    const lying = new Lying(7, { offset: 100 }),
      plain = new Generator(7, { offset: 100 });
    expect(Array.from(uniform(5, { generator: lying }))).toEqual(Array.from(uniform(5, { generator: plain })));
    expect(Array.from(uniform(5, { generator: lying }))).toEqual(Array.from(uniform(5, { generator: plain })));
    expect(lying.position()).toEqual(plain.position());
  });

  test('Generator.fromJSON refuses a huge state at once instead of parsing it for seconds', () => {
    const digits = '1'.repeat(10 ** 7);
    expect(() => Generator.fromJSON(`{"seed":"${digits}","stream":"0","offset":"0"}`)).toThrow(RangeError);
    expect(() => Generator.fromJSON({ seed: digits, stream: '0', offset: '0' })).toThrow(
      /^Expected a decimal string below 2\^66/,
    );
    // leading zeros are still a number
    const g = Generator.fromJSON({ seed: '0'.repeat(40) + '5', stream: '0', offset: '00012' });
    expect(g.position()).toEqual({ seed: 5n, stream: 0n, offset: 12n });
    expect(Generator.fromJSON(JSON.stringify(g.toJSON())).position()).toEqual(g.position());
  });
});

describe.each(variants())('options and arrays on $label', (v) => {
  const backend = v.name;

  test('every option is read exactly once, before any array is checked', () => {
    const reads: Record<string, number> = {};
    const x = normal(64, { seed: 1 });
    const options = {};
    for (const [k, value] of Object.entries({ p: 0.3, seed: 2, backend, shape: [8, 8], noiseShape: [8, 1] }))
      Object.defineProperty(options, k, {
        get: () => ((reads[k] = (reads[k] ?? 0) + 1), value),
        enumerable: true,
      });
    const y = v.run(() => dropout(x, options as { p: number }));
    expect(reads).toEqual({ p: 1, seed: 1, backend: 1, shape: 1, noiseShape: 1 });
    expect(Array.from(y)).toEqual(
      Array.from(v.run(() => dropout(x, { p: 0.3, seed: 2, backend, shape: [8, 8], noiseShape: [8, 1] }))),
    );
  });

  test("gru's resetAfter is read once, from the snapshot: a polluted Object.prototype changes nothing", () => {
    const [B, T, D, H] = [2, 3, 4, 5];
    const x = normal(B * T * D, { seed: 1 });
    const params = {
      W: normal(3 * H * D, { seed: 2 }),
      U: normal(3 * H * H, { seed: 3 }),
      bW: normal(3 * H, { seed: 4 }),
      bU: normal(3 * H, { seed: 5 }),
    };
    const base = { shape: [B, T, D], hiddenSize: H, backend, dropout: { kind: 'gal' as const, p: 0.3 }, seed: 7 };
    const plain = v.run(() => gru(x, params, base)).output;
    const before = v.run(() => gru(x, params, { ...base, resetAfter: false })).output;
    expect(Array.from(before)).not.toEqual(Array.from(plain));
    let reads = 0;
    const options = { ...base };
    Object.defineProperty(options, 'resetAfter', { get: () => (reads++, reads === 1 ? false : true), enumerable: true });
    expect(Array.from(v.run(() => gru(x, params, options)).output)).toEqual(Array.from(before));
    expect(reads).toBe(1);
    const proto = Object.prototype as Record<string, unknown>;
    proto.resetAfter = false;
    try {
      expect(Array.from(v.run(() => gru(x, params, base)).output)).toEqual(Array.from(plain));
    } finally {
      delete proto.resetAfter;
    }
  });

  test('a getter that detaches x is a TypeError, not NaN', () => {
    const x = normal(64, { seed: 1 });
    const options = { seed: 2, backend } as Record<string, unknown>;
    Object.defineProperty(options, 'p', {
      get: () => (structuredClone(x.buffer, { transfer: [x.buffer] }), 0.3),
      enumerable: true,
    });
    expect(() => v.run(() => dropout(x, options as { p: number }))).toThrow(
      /^Expected a Float32Array for x but its buffer is detached/,
    );
  });

  test('an out detached by an option getter is the TypeError the README documents', () => {
    const x = normal(64, { seed: 1 });
    const out = new Float32Array(64);
    const options = { seed: 2, backend, out } as Record<string, unknown>;
    Object.defineProperty(options, 'mode', {
      get: () => (structuredClone(out.buffer, { transfer: [out.buffer] }), 'train'),
      enumerable: true,
    });
    expect(() => v.run(() => dropout(x, { ...options, p: 0.3 } as { p: number }))).toThrow(TypeError);
    const viaGetter = Object.defineProperty({ seed: 2, backend, p: 0.3, out: new Float32Array(64) }, 'mode', {
      get() {
        structuredClone(this.out.buffer, { transfer: [this.out.buffer] });
        return 'train';
      },
      enumerable: true,
    });
    expect(() => v.run(() => dropout(x, viaGetter))).toThrow(/^Expected a Float32Array for out but its buffer is detached/);
  });

  test("a subclass's own `out` is written through its memory; another realm's arrays are accepted", () => {
    class Tagged extends Float32Array {}
    const x = normal(32, { seed: 3 });
    const out = new Tagged(32);
    const y = v.run(() => dropout(x, { p: 0.5, seed: 4, out, backend }));
    expect(y.buffer).toBe(out.buffer);
    expect(Array.from(out)).toEqual(Array.from(v.run(() => dropout(x, { p: 0.5, seed: 4, backend }))));
    const foreign = vm.runInNewContext('new Float32Array(32)') as Float32Array;
    foreign.set(x);
    expect(Array.from(v.run(() => dropout(foreign, { p: 0.5, seed: 4, backend })))).toEqual(Array.from(y));
  });
});

test('one huge call does not pin its temporaries for the life of the process', () => {
  // max-pool dropout in eval pools through a temporary of x's size
  const x = new Float32Array(2 ** 23);
  maxPoolDropout(x, { shape: [1, 8, 1024, 1024], p: 0.5, seed: 1 });
  expect(retainedScratchBytes()).toBeLessThanOrEqual(4 * RETAIN_BYTES);
  // small temporaries are still reused
  const small = new Float32Array(4 * 4 * 16);
  maxPoolDropout(small, { shape: [1, 4, 16, 4], p: 0.5, seed: 1 });
  const kept = retainedScratchBytes();
  maxPoolDropout(small, { shape: [1, 4, 16, 4], p: 0.5, seed: 1 });
  expect(retainedScratchBytes()).toBe(kept);
  expect(kept).toBeGreaterThan(0);
});
