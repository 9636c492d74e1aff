// Gaussian N(mean, std^2) by Box–Muller (elements 2k, 2k+1 use words 2k, 2k+1), and the
// multiplicative noise y = x * (1 + std * z) of Gaussian dropout.
import { CHUNK_WORDS, nextWords } from "./philox";
import { boxMuller, sinOut } from "./f32math";

// Eight elements from eight words at w: returns elements 0-3, and 4-7 through `high` (a constant
// initialiser, so no start function: see sinOut).
let high: v128 = i32x4(0, 0, 0, 0);

// @ts-ignore: decorator
@inline function gauss8(w: usize): v128 {
  const v0 = v128.load(w), v1 = v128.load(w, 16);
  const z0 = boxMuller(i32x4.shuffle(v0, v1, 0, 2, 4, 6), i32x4.shuffle(v0, v1, 1, 3, 5, 7));
  const z1 = sinOut;
  high = i32x4.shuffle(z0, z1, 2, 6, 3, 7);
  return i32x4.shuffle(z0, z1, 0, 4, 1, 5);
}

export function normal(out: usize, n: i32, mean: f32, std: f32): void {
  const m = f32x4.splat(mean), s = f32x4.splat(std);
  for (let first = 0; first < n; first += CHUNK_WORDS) {
    const k = min(CHUNK_WORDS, n - first);
    const w = nextWords((k + 1) & ~1);
    const o = out + (<usize>first << 2);
    for (let j = 0; j < k; j += 8) {
      const at = <usize>j << 2;
      const lo = gauss8(w + at);
      v128.store(o + at, f32x4.add(m, f32x4.mul(s, lo)));
      v128.store(o + at, f32x4.add(m, f32x4.mul(s, high)), 16);
    }
  }
}

export function gaussianNoise(out: usize, x: usize, n: i32, std: f32): void {
  const one = f32x4.splat(1.0), s = f32x4.splat(std);
  for (let first = 0; first < n; first += CHUNK_WORDS) {
    const k = min(CHUNK_WORDS, n - first);
    const w = nextWords((k + 1) & ~1);
    const base = <usize>first << 2;
    for (let j = 0; j < k; j += 8) {
      const at = base + (<usize>j << 2);
      const lo = gauss8(w + (<usize>j << 2));
      v128.store(out + at, f32x4.mul(v128.load(x + at), f32x4.add(one, f32x4.mul(s, lo))));
      v128.store(out + at, f32x4.mul(v128.load(x + at, 16), f32x4.add(one, f32x4.mul(s, high))), 16);
    }
  }
}
