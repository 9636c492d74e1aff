// Uniform float32 in [0, 1): element j = (word j >>> 8) * 2^-24.
import { CHUNK_WORDS, nextWords } from "./philox";

// Writes n rounded up to 4 elements: the caller's output region is padded.
export function uniform(out: usize, n: i32): void {
  const scale = f32x4.splat(5.9604644775390625e-8);  // 2^-24
  for (let first = 0; first < n; first += CHUNK_WORDS) {
    const take = min(CHUNK_WORDS, n - first);
    const w = nextWords(take);
    const o = out + (<usize>first << 2);
    for (let j = 0; j < take; j += 4) {
      const v = i32x4.shr_u(v128.load(w + (<usize>j << 2)), 8);
      v128.store(o + (<usize>j << 2), f32x4.mul(f32x4.convert_i32x4_u(v), scale));
    }
  }
}
