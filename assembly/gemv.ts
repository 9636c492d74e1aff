// DropConnect's per-example products (see maskedGemv in lib/backends/kernels.ts): y[b, j] = bias[b, j] +
// Σ_i (keep bit j·din + i of segment b ? w[j, i] · scale : 0) · x[b, i], four columns at a time.
// The keep bits are read in place, so neither a masked copy of W nor a packing pass is needed.
import { keepBit, keepLanes4 } from "./keep";
import { CHUNK_WORDS, nextWords, seekWords } from "./philox";

export function maskedGemv(y: usize, x: usize, w: usize, bias: usize, batch: i32, rows: i32, din: i32,
  keep: usize, keepStride: i32, scale: f32): void {
  const s4 = f32x4.splat(scale);
  // blocks of 32 rows of W stay in cache while every example uses them
  for (let j0 = 0; j0 < rows; j0 += 32) {
    const j1 = min(j0 + 32, rows);
    for (let b = 0; b < batch; b++) {
      const xb = x + (<usize>(b * din) << 2);
      const kb = keep + (<usize>(b * keepStride) << 2);
      for (let j = j0; j < j1; j++) {
        const wr = w + (<usize>(j * din) << 2);
        const base = j * din;
        let acc = f32x4.splat(0);
        let i = 0;
        for (; i + 4 <= din; i += 4) {
          const keepMask = keepLanes4(kb, <u32>(base + i));
          const prod = f32x4.mul(f32x4.mul(v128.load(wr + (<usize>i << 2)), s4), v128.load(xb + (<usize>i << 2)));
          acc = f32x4.add(acc, v128.and(prod, keepMask));
        }
        let sum = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
        for (; i < din; i++) {
          if (keepBit(kb, <u32>(base + i))) {
            sum += load<f32>(wr + (<usize>i << 2)) * scale * load<f32>(xb + (<usize>i << 2));
          }
        }
        const bv: f32 = bias != 0 ? load<f32>(bias + (<usize>(b * rows + j) << 2)) : 0;
        store<f32>(y + (<usize>(b * rows + j) << 2), bv + sum);
      }
    }
  }
}

// Halves per piece of a row: whole words of one chunk, with room for an odd start.
// @ts-ignore: decorator
@inline const PIECE: i32 = 2 * CHUNK_WORDS - 2;

// maskedGemv with the decisions drawn here (see dropConnectGemv in lib/backends/kernels.ts): example
// b's mask starts segmentWords · b words after the counter setCounter gave (an integer below 2^53,
// passed as f64 so the host needs no BigInt), weight (j, i)
// deciding on half j·din + i. Each row is drawn in pieces at fixed offsets from its start, so the
// sums do not depend on how the host groups examples.
export function dropConnectGemv(y: usize, x: usize, w: usize, bias: usize, batch: i32, rows: i32, din: i32,
  segmentWords: f64, threshold: u32, scale: f32): void {
  const seg = <u64>segmentWords;
  const t = i16x8.splat(<i16>threshold);
  const none = threshold >= 65536;
  for (let j0 = 0; j0 < rows; j0 += 32) {
    const j1 = min(j0 + 32, rows);
    for (let b = 0; b < batch; b++) {
      const xb = x + (<usize>(b * din) << 2);
      for (let j = j0; j < j1; j++) {
        const wr = w + (<usize>(j * din) << 2);
        let acc = f32x4.splat(0);
        let sum: f32 = 0;
        for (let i = 0; !none && i < din; i += PIECE) {
          const len = min(PIECE, din - i);
          const h0 = <u64>j * <u64>din + <u64>i;
          seekWords(<u64>b * seg + (h0 >> 1));
          const odd = <i32>(h0 & 1);
          const h = nextWords((odd + len + 1) >> 1) + (<usize>odd << 1);
          const wi = wr + (<usize>i << 2), xi = xb + (<usize>i << 2);
          let q = 0;
          for (; q + 8 <= len; q += 8) {
            const keep = i16x8.ge_u(v128.load(h + (<usize>q << 1)), t);
            const at = <usize>q << 2;
            const w0 = v128.and(v128.load(wi + at), i32x4.extend_low_i16x8_s(keep));
            const w1 = v128.and(v128.load(wi + at, 16), i32x4.extend_high_i16x8_s(keep));
            acc = f32x4.add(acc, f32x4.mul(w0, v128.load(xi + at)));
            acc = f32x4.add(acc, f32x4.mul(w1, v128.load(xi + at, 16)));
          }
          for (; q < len; q++) {
            if (<u32>load<u16>(h + (<usize>q << 1)) >= threshold) sum += load<f32>(wi + (<usize>q << 2)) * load<f32>(xi + (<usize>q << 2));
          }
        }
        const total = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3) + sum;
        const bv: f32 = bias != 0 ? load<f32>(bias + (<usize>(b * rows + j) << 2)) : 0;
        store<f32>(y + (<usize>(b * rows + j) << 2), bv + scale * total);
      }
    }
  }
}
