// Inputs in a SharedArrayBuffer that another thread writes during the call: no kernel may let a
// loop bound, an index or a scan depend on a value staying put between two reads. A worker keeps
// lowering each plane's current maximum (what a second pass looking for it trips over) and writing
// random values, NaN and infinities among them, while this thread runs the arg-max forms on every
// backend: nothing may crash or hang, every arg-max must lie in its window, the outputs keep their
// length and the guards around them stay untouched.
import { Worker } from 'worker_threads';
import { loadBackend, maxDrop, maxPoolDropout, maxPoolDropoutBackward } from '../../lib/index';
import type { PlaneGeometry } from '../../lib/backends/interface';
import { variants } from '../helpers';

const [N, C, H, W] = [2, 2, 32, 32];
const PLANE = H * W;
const ITERATIONS = 400;
const GUARD = 16;
const SENTINEL = -12345;

const WRITER = `
const { parentPort, workerData } = require('worker_threads');
const x = new Float32Array(workerData.data), stop = new Int32Array(workerData.stop);
let s = workerData.seed;
const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
parentPort.postMessage('running');
while (Atomics.load(stop, 0) === 0) {
  for (let t = 0; t < 64; t++) {
    const p = Math.floor(rnd() * workerData.planes) * workerData.plane;
    let best = p;
    for (let j = p + 1; j < p + workerData.plane; j++) if (x[j] > x[best]) best = j;
    x[best] = rnd() - 1;
    const u = rnd();
    x[Math.floor(rnd() * x.length)] = u < 0.02 ? NaN : u < 0.03 ? Infinity : u < 0.04 ? -Infinity : rnd() * 4 - 2;
  }
}
`;

const data = new SharedArrayBuffer(4 * N * C * PLANE);
const stop = new Int32Array(new SharedArrayBuffer(4));
const x = new Float32Array(data);
let writer: Worker;

beforeAll(async () => {
  for (let i = 0; i < x.length; i++) x[i] = Math.sin(i);
  writer = new Worker(WRITER, { eval: true, workerData: { data, stop: stop.buffer, seed: 12345, planes: N * C, plane: PLANE } });
  await new Promise((resolve, reject) => {
    writer.once('message', resolve);
    writer.once('error', reject);
  });
});

afterAll(async () => {
  Atomics.store(stop, 0, 1);
  await writer.terminate();
});

/** A view of `length` elements with GUARD sentinels on each side, and the check that they are intact. */
function guarded<T extends Float32Array | Int32Array>(ctor: new (n: number) => T, length: number): [T, () => void] {
  const all = new ctor(length + 2 * GUARD);
  all.fill(SENTINEL);
  const view = all.subarray(GUARD, GUARD + length) as T;
  const check = (): void => {
    for (let i = 0; i < GUARD; i++) {
      if (all[i] !== SENTINEL || all[GUARD + length + i] !== SENTINEL) throw new Error(`guard ${i} overwritten`);
    }
  };
  return [view, check];
}

// Feature planes of both layouts and channel planes: the vector two-pass path (unit stride, long
// planes) and the strided scalar paths.
const PLANES: PlaneGeometry[] = [
  { outer: N * C, inner: 1, outerStride: PLANE, innerStride: 0, count: PLANE, elemStride: 1 },
  { outer: N, inner: C, outerStride: PLANE * C, innerStride: 1, count: PLANE, elemStride: C },
  { outer: N, inner: PLANE, outerStride: C * PLANE, innerStride: 1, count: C, elemStride: PLANE },
];

describe.each(variants())('a shared input written by another thread, on $label', (v) => {
  const b = loadBackend(v.name);

  test(`${ITERATIONS} rounds of argmaxPlanes, maxDrop, maxPoolDropout and its arg-max backward stay in bounds`, () => {
    const [dropped, dropGuard] = guarded(Float32Array, x.length);
    const [pooled, poolGuard] = guarded(Float32Array, N * C * (H / 4) * (W / 4));
    const dy = new Float32Array(pooled.length).fill(1);
    const shape = [N, C, H, W];
    let calls = 0;
    v.run(() => {
      for (let it = 0; it < ITERATIONS; it++) {
        for (const g of PLANES) {
          const [idx, idxGuard] = guarded(Int32Array, g.outer * g.inner);
          b.argmaxPlanes(idx, x, null, g);
          calls++;
          idxGuard();
          for (let o = 0; o < g.outer; o++)
            for (let i = 0; i < g.inner; i++) {
              const start = o * g.outerStride + i * g.innerStride,
                at = idx[o * g.inner + i];
              const j = (at - start) / g.elemStride;
              if (!(Number.isInteger(j) && j >= 0 && j < g.count)) throw new Error(`arg-max ${at} outside plane at ${start}`);
            }
        }
        for (const granularity of ['feature', 'channel'] as const) {
          const layout = it % 2 ? 'NHWC' : 'NCHW';
          maxDrop(x, {
            shape,
            layout,
            granularity,
            p: 0.5,
            kernel: granularity === 'feature' ? 3 : 1,
            seed: it,
            backend: v.name,
            out: dropped,
          });
          calls++;
          dropGuard();
        }
        maxPoolDropout(x, { shape, kernel: 4, p: 0.5, seed: it, backend: v.name, out: pooled });
        maxPoolDropout(x, { shape, kernel: 4, p: 0.5, mode: 'eval', backend: v.name, out: pooled });
        calls += 2;
        poolGuard();
        const dx = maxPoolDropoutBackward(dy, x, { shape, kernel: 4, mode: 'eval', inference: 'scaled-max', backend: v.name });
        calls++;
        expect(dx.length).toBe(x.length);
      }
    });
    expect(calls).toBe(ITERATIONS * (PLANES.length + 5));
  });
});

describe('the js reference reads caller memory once per element', () => {
  // A Proxy stands in for memory that changes between reads: every read of an element returns a
  // lower value than the one before, and is counted.
  function shifting(values: number[]): { x: Float32Array; reads: number[] } {
    const reads = values.map(() => 0);
    const x = new Proxy(Float32Array.from(values), {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) {
          const i = Number(key);
          return target[i] - 10 * reads[i]++;
        }
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    return { x, reads };
  }

  test('argmaxPlanes: each element of a plane is read once and the first-read maximum wins', () => {
    const { x, reads } = shifting([1, 3, 2, 5, 4, 5, 0, 1]);
    const out = new Int32Array(2);
    loadBackend('js').argmaxPlanes(out, x, null, { outer: 2, inner: 1, outerStride: 4, innerStride: 0, count: 4, elemStride: 1 });
    expect(reads).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    expect([...out]).toEqual([3, 5]);
  });

  test('maxPool and weightedPool read each window element once', () => {
    const g = { n: 1, c: 1, h: 4, w: 4, kh: 2, kw: 2, sh: 2, sw: 2, channelsLast: false };
    for (const run of [
      (x: Float32Array) => loadBackend('js').maxPool(new Float32Array(4), x, null, g, 1, new Int32Array(4)),
      (x: Float32Array) => loadBackend('js').weightedPool(new Float32Array(4), x, g, Float32Array.of(0.1, 0.2, 0.3, 0.4)),
    ]) {
      const { x, reads } = shifting(Array.from({ length: 16 }, (_, i) => (i * 7) % 16));
      run(x);
      expect(reads).toEqual(new Array(16).fill(1));
    }
  });
});
