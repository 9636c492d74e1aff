// Shared test fixtures: the backends (and native instruction sets) to run every test on.
import * as fs from 'fs';
import * as path from 'path';
import { availableBackends, loadBackend } from '../lib/index';
import type { Backend, BackendName } from '../lib/index';
import type { NativeBackend } from '../lib/backends/native';

/** A backend to test, with a label that names the native instruction set too. */
export interface Variant {
  label: string;
  name: BackendName;
  /** Runs fn with this variant active (selects the native SIMD level first). */
  run<T>(fn: () => T): T;
}

export function variants(): Variant[] {
  const out: Variant[] = [];
  for (const name of availableBackends()) {
    if (name === 'native') {
      const native = loadBackend('native') as NativeBackend;
      const best = native.simdLevels[0];
      for (const level of native.simdLevels) {
        out.push({
          label: `native/${level}`,
          name,
          run: (fn) => {
            native.useSimd(level);
            try {
              return fn();
            } finally {
              native.useSimd(best);
            }
          },
        });
      }
    } else {
      out.push({ label: name, name, run: (fn) => fn() });
    }
  }
  return out;
}

/** Backends other than the js reference, for comparisons against it. */
export const compiled = (): Variant[] => variants().filter((v) => v.name !== 'js');

export const backend = (name: BackendName): Backend => loadBackend(name);

export interface Kat {
  ctr: number[];
  key: number[];
  expected: number[];
}

/** The philox4x32 10-round Random123 known answers from shared/testdata. */
export function philoxKats(): Kat[] {
  const candidates = [
    path.join(__dirname, '..', '..', 'shared', 'testdata', 'philox_kat.txt'),
    path.join(__dirname, 'fixtures', 'philox_kat.txt'),
  ];
  const file = candidates.find((f) => fs.existsSync(f));
  if (!file) throw new Error('philox_kat.txt not found');
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => /^philox4x32 10 /.test(l))
    .map((l) => {
      const w = l.trim().split(/\s+/).slice(2).map((h) => parseInt(h, 16));
      return { ctr: w.slice(0, 4), key: w.slice(4, 6), expected: w.slice(6, 10) };
    });
}

/** Bit patterns of a float array, for exact comparisons that also see -0 and NaN payloads. */
export const bitsOf = (a: Float32Array): Uint32Array => new Uint32Array(a.buffer, a.byteOffset, a.length);

/**
 * Asserts byte-identical views. Reports the first differing element instead of a full diff:
 * jest's deep equality and diff are far too slow for million-element arrays.
 */
export function expectSameBits(actual: ArrayBufferView, expected: ArrayBufferView, what = ''): void {
  const a = Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength);
  const b = Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength);
  if (a.length === b.length && a.equals(b)) return;
  const width = (actual as unknown as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
  let i = 0;
  while (i < Math.min(a.length, b.length) && a[i] === b[i]) i++;
  const el = Math.floor(i / width);
  const show = (v: ArrayBufferView): string => {
    const arr = v as unknown as ArrayLike<number>;
    return Array.from({ length: Math.min(4, Math.max(0, arr.length - el)) }, (_, k) => arr[el + k]).join(', ');
  };
  throw new Error(`${what} differ: ${actual.byteLength} vs ${expected.byteLength} bytes; first difference at element ${el}: [${show(actual)}] vs [${show(expected)}]`);
}

/** Central finite difference of L(θ) = Σ g ⊙ f(θ) at coordinate i of theta ; theta is restored. */
export function finiteDifference(theta: Float32Array, i: number, h: number, loss: () => number): number {
  const keep = theta[i];
  theta[i] = keep + h;
  const up = loss();
  theta[i] = keep - h;
  const down = loss();
  theta[i] = keep;
  return (up - down) / (2 * h);
}
