// The UCI optical digits fixture (test/fixtures/digits.txt, CC BY 4.0): 1,797 8×8 images with
// intensities 0–16 written in base 17, split once into training and test sets by a fixed shuffle.
import * as fs from 'fs';
import * as path from 'path';
import * as dm from '../../lib/index';

export interface Digits {
  /** Pixels scaled to [0, 1], [n, 64]. */
  x: Float32Array;
  /** Labels 0–9. */
  y: Int32Array;
  n: number;
}

/** Every image of the fixture, in file order. */
export function loadDigits(): Digits {
  const lines = fs
    .readFileSync(path.join(__dirname, '..', 'fixtures', 'digits.txt'), 'utf8')
    .trim()
    .split('\n');
  const x = new Float32Array(lines.length * 64),
    y = new Int32Array(lines.length);
  lines.forEach((line, i) => {
    const [pixels, label] = line.split(' ');
    for (let j = 0; j < 64; j++) x[i * 64 + j] = parseInt(pixels[j], 17) / 16;
    y[i] = Number(label);
  });
  return { x, y, n: lines.length };
}

/** `testSize` images for testing and the rest for training, after a shuffle fixed by `seed`. */
export function splitDigits(all: Digits, testSize: number, seed = 1): { train: Digits; test: Digits } {
  const u = dm.uniform(all.n, { seed });
  const order = Array.from({ length: all.n }, (_, i) => i).sort((a, b) => u[a] - u[b]);
  const take = (ids: number[]): Digits => {
    const x = new Float32Array(ids.length * 64);
    ids.forEach((id, i) => x.set(all.x.subarray(id * 64, id * 64 + 64), i * 64));
    return { x, y: Int32Array.from(ids, (id) => all.y[id]), n: ids.length };
  };
  return { test: take(order.slice(0, testSize)), train: take(order.slice(testSize)) };
}
