// Promise forms: bit-identical to the sync forms on every backend, generators advanced at call
// time, `out` filled, and on native the event loop keeps running while a large mask is made.
import {
  Generator,
  availableBackends,
  bernoulliMask,
  bernoulliMaskAsync,
  dropout,
  dropoutAsync,
  gaussianNoise,
  gaussianNoiseAsync,
  linear,
  linearAsync,
  normal,
  normalAsync,
  randomBits,
  randomBitsAsync,
  uniform,
  uniformAsync,
} from '../../lib/index';
import { expectSameBits, variants } from '../helpers';

describe.each(variants())('async forms on $label', (v) => {
  const backend = v.name;

  test('equal the sync forms bit for bit', async () => {
    const n = 300001,
      x = normal(n, { seed: 2, backend: 'js' });
    const pairs: [Promise<ArrayBufferView>, ArrayBufferView][] = [
      [randomBitsAsync(n, { seed: 1, offset: 3, backend }), randomBits(n, { seed: 1, offset: 3, backend: 'js' })],
      [uniformAsync(n, { seed: 1, backend }), uniform(n, { seed: 1, backend: 'js' })],
      [normalAsync(n, { seed: 1, mean: 1, std: 2, backend }), normal(n, { seed: 1, mean: 1, std: 2, backend: 'js' })],
      [bernoulliMaskAsync(n, { p: 0.3, seed: 1, backend }), bernoulliMask(n, { p: 0.3, seed: 1, backend: 'js' })],
      [
        bernoulliMaskAsync(n, { p: 0.3, layout: 'uint8', seed: 1, backend }),
        bernoulliMask(n, { p: 0.3, layout: 'uint8', seed: 1, backend: 'js' }),
      ],
      [
        bernoulliMaskAsync(n, { p: 0.3, layout: 'bits', seed: 1, backend }),
        bernoulliMask(n, { p: 0.3, layout: 'bits', seed: 1, backend: 'js' }),
      ],
      [dropoutAsync(x, { p: 0.3, seed: 1, backend }), dropout(x, { p: 0.3, seed: 1, backend: 'js' })],
      [
        dropoutAsync(x, { p: 0.3, scaling: 'test-time', seed: 1, backend }),
        dropout(x, { p: 0.3, scaling: 'test-time', seed: 1, backend: 'js' }),
      ],
      [gaussianNoiseAsync(x, { std: 0.5, seed: 1, backend }), gaussianNoise(x, { std: 0.5, seed: 1, backend: 'js' })],
    ];
    for (const [pending, expected] of pairs) expectSameBits(await v.run(() => pending), expected);
  });

  test('linearAsync equals linear bit for bit on the same backend', async () => {
    const x = normal(37 * 200, { seed: 1 }),
      W = normal(150 * 200, { seed: 2 }),
      b = normal(150, { seed: 3 });
    const opts = { inFeatures: 200, outFeatures: 150, backend };
    const expected = v.run(() => linear(x, W, b, opts));
    expectSameBits(await v.run(() => linearAsync(x, W, b, opts)), expected);
    const out = new Float32Array(37 * 150);
    expect(await linearAsync(x, W, null, { ...opts, out })).toBe(out);
    await expect(linearAsync(x, W, b, { ...opts, inFeatures: 7 })).rejects.toThrow(RangeError);
  });

  test('generators advance when the call starts; out is filled; inputs may change at once', async () => {
    const g = new Generator(5);
    const first = bernoulliMaskAsync(1000, { p: 0.5, generator: g, backend });
    const second = bernoulliMaskAsync(1000, { p: 0.5, generator: g, backend });
    expect(g.offset).toBe(1000n);
    expectSameBits(await second, bernoulliMask(1000, { p: 0.5, seed: 5, offset: 500, backend: 'js' }));
    expectSameBits(await first, bernoulliMask(1000, { p: 0.5, seed: 5, backend: 'js' }));
    const x = normal(5000, { seed: 3 });
    const expected = dropout(x, { p: 0.4, seed: 7, backend: 'js' });
    const out = new Float32Array(5000);
    const pending = dropoutAsync(x, { p: 0.4, seed: 7, out, backend });
    x.fill(0); // the call copied x when it started
    expect(await pending).toBe(out);
    expectSameBits(out, expected);
    await expect(bernoulliMaskAsync(10, { p: 2, seed: 1, backend })).rejects.toThrow(RangeError);
  });
});

describe.each(availableBackends().filter((b) => b !== 'js'))('%s async off the event loop', (offThread) => {
  test('the event loop keeps running while a 2^26-element mask is generated', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const started = Date.now();
    const mask = await bernoulliMaskAsync(2 ** 26, { p: 0.5, seed: 1, backend: offThread });
    const elapsed = Date.now() - started;
    clearInterval(timer);
    expect(mask.length).toBe(2 ** 26);
    // a blocked loop would run the timer at most once; leave room for slow machines
    expect(ticks).toBeGreaterThanOrEqual(Math.min(3, Math.floor(elapsed / 4)));
    expect(ticks).toBeGreaterThan(1);
  });
});

describe('inputs and outputs changing during an async call', () => {
  const backend = availableBackends()[0];

  test('transferring x right after the call does not change the result', async () => {
    const x = normal(100000, { seed: 4 });
    const expected = dropout(x, { p: 0.5, seed: 3, backend: 'js' });
    const pending = dropoutAsync(x, { p: 0.5, seed: 3, backend });
    structuredClone(x.buffer, { transfer: [x.buffer] }); // x is now detached
    expect(x.length).toBe(0);
    expectSameBits(await pending, expected);
  });

  test('an out detached before the work finishes rejects with a TypeError', async () => {
    const out = new Float32Array(1000);
    const pending = dropoutAsync(normal(1000, { seed: 1 }), { p: 0.5, seed: 1, out, backend });
    structuredClone(out.buffer, { transfer: [out.buffer] });
    await expect(pending).rejects.toThrow(/detached/);
  });

  test('a SharedArrayBuffer input written meanwhile yields a result of the right shape, never a crash', async () => {
    const shared = new Float32Array(new SharedArrayBuffer(4 * 200000)).fill(1);
    const pending = dropoutAsync(shared, { p: 0.5, seed: 2, backend });
    shared.fill(3);
    const y = await pending;
    expect(y.length).toBe(200000);
    expect(y.every((v) => v === 0 || v === 2)).toBe(true); // the copy taken at the start
    const sync = dropout(shared, { p: 0.5, seed: 2, backend });
    expect(sync.every((v) => v === 0 || v === 6)).toBe(true);
  });
});
