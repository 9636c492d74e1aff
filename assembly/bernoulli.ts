// Drawn keep decisions (see keep.ts) in the three layouts the methods consume: scaled f32, u8
// and packed bits. Every loop writes whole vectors: the caller pads output regions to 64 elements.
import { CHUNK_HALVES, keepsAllOrNone, nextHalves } from "./keep";

export function bernoulliF32(out: usize, n: i32, threshold: u32, scale: f32): void {
  if (keepsAllOrNone(threshold)) {
    const v = f32x4.splat(threshold == 0 ? scale : 0);
    for (let j = 0; j < n; j += 4) v128.store(out + (<usize>j << 2), v);
    return;
  }
  const t = i16x8.splat(<i16>threshold);
  const s = f32x4.splat(scale);
  for (let first = 0; first < n; first += CHUNK_HALVES) {
    const k = min(CHUNK_HALVES, n - first);
    const h = nextHalves(k);
    const o = out + (<usize>first << 2);
    for (let j = 0; j < k; j += 8) {
      const keep = i16x8.ge_u(v128.load(h + (<usize>j << 1)), t);
      v128.store(o + (<usize>j << 2), v128.and(i32x4.extend_low_i16x8_s(keep), s));
      v128.store(o + (<usize>j << 2), v128.and(i32x4.extend_high_i16x8_s(keep), s), 16);
    }
  }
}

export function bernoulliU8(out: usize, n: i32, threshold: u32): void {
  if (keepsAllOrNone(threshold)) {
    memory.fill(out, threshold == 0 ? 1 : 0, <usize>n);
    return;
  }
  const t = i16x8.splat(<i16>threshold);
  const one = i8x16.splat(1);
  for (let first = 0; first < n; first += CHUNK_HALVES) {
    const k = min(CHUNK_HALVES, n - first);
    const h = nextHalves(k);
    const o = out + <usize>first;
    for (let j = 0; j < k; j += 16) {
      const a = i16x8.ge_u(v128.load(h + (<usize>j << 1)), t);
      const b = i16x8.ge_u(v128.load(h + (<usize>j << 1), 16), t);
      v128.store(o + <usize>j, v128.and(i8x16.narrow_i16x8_s(a, b), one));
    }
  }
}

// Element i is bit i % 32 of word i / 32; bits past n are zero.
export function bernoulliBits(out: usize, n: i32, threshold: u32): void {
  const nout = (n + 31) >> 5;
  if (keepsAllOrNone(threshold)) {
    memory.fill(out, threshold == 0 ? 0xff : 0, <usize>nout << 2);
  } else {
    const t = i16x8.splat(<i16>threshold);
    for (let first = 0; first < n; first += CHUNK_HALVES) {
      const k = min(CHUNK_HALVES, n - first);
      const h = nextHalves(k);
      const o = out + (<usize>(first >> 5) << 2);
      for (let j = 0; j < k; j += 32) {
        const p = h + (<usize>j << 1);
        const bits = u32(i16x8.bitmask(i16x8.ge_u(v128.load(p), t)))
          | u32(i16x8.bitmask(i16x8.ge_u(v128.load(p, 16), t))) << 8
          | u32(i16x8.bitmask(i16x8.ge_u(v128.load(p, 32), t))) << 16
          | u32(i16x8.bitmask(i16x8.ge_u(v128.load(p, 48), t))) << 24;
        store<u32>(o + (<usize>j >> 3), bits);
      }
    }
  }
  if (n & 31) {
    const last = out + (<usize>(nout - 1) << 2);
    store<u32>(last, load<u32>(last) & ((1 << (n & 31)) - 1));
  }
}
