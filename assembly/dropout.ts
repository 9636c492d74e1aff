// Fused inverted dropout y = keep ? x * scale : 0; the mask is never stored. out may equal x.
import { CHUNK_HALVES, keepsAllOrNone, nextHalves } from "./keep";

export function dropout(out: usize, x: usize, n: i32, threshold: u32, scale: f32): void {
  const s = f32x4.splat(scale);
  if (keepsAllOrNone(threshold)) {
    const keepAll = i32x4.splat(threshold == 0 ? -1 : 0);
    for (let j = 0; j < n; j += 4) {
      const at = <usize>j << 2;
      v128.store(out + at, v128.and(f32x4.mul(v128.load(x + at), s), keepAll));
    }
    return;
  }
  const t = i16x8.splat(<i16>threshold);
  for (let first = 0; first < n; first += CHUNK_HALVES) {
    const k = min(CHUNK_HALVES, n - first);
    const h = nextHalves(k);
    const base = <usize>first << 2;
    for (let j = 0; j < k; j += 8) {
      const keep = i16x8.ge_u(v128.load(h + (<usize>j << 1)), t);
      const at = base + (<usize>j << 2);
      const y0 = f32x4.mul(v128.load(x + at), s);
      const y1 = f32x4.mul(v128.load(x + at, 16), s);
      v128.store(out + at, v128.and(y0, i32x4.extend_low_i16x8_s(keep)));
      v128.store(out + at, v128.and(y1, i32x4.extend_high_i16x8_s(keep)), 16);
    }
  }
}
