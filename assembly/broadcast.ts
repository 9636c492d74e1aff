// Broadcast kernels of the convolutional methods: a byte mask shared along an axis
// (SpatialDropout, DropBlock, Max-Drop's scaling) and DropPath's per-row residual join. Like the
// feature-map kernels they draw nothing and keep the reference's float32 order, so results
// match the js backend bit for bit. See lib/backends/kernels.ts for each contract.
import { ldf, stf } from "./elements";

// out[i] = m ? x[i] · scale : fill, m = mask[⌊i / (repeat · inner)⌋ · inner + i mod inner].
export function maskApply(out: usize, x: usize, len: i32, mask: usize, repeat: i32, inner: i32, scale: f32, fill: f32): void {
  const s4 = f32x4.splat(scale), f4 = f32x4.splat(fill);
  if (mask != 0 && repeat == 1) {
    // one mask byte per element
    let i = 0;
    for (; i + 4 <= len; i += 4) {
      const k = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(mask + <usize>i)));
      const y = f32x4.mul(v128.load(x + (<usize>i << 2)), s4);
      v128.store(out + (<usize>i << 2), v128.bitselect(y, f4, i32x4.ne(k, i32x4.splat(0))));
    }
    for (; i < len; i++) stf(out, i, load<u8>(mask + <usize>i) != 0 ? ldf(x, i) * scale : fill);
    return;
  }
  if (mask == 0 || inner == 1) {
    // Runs of one mask value: whole blocks when mask is null, else `repeat` elements per value.
    const run = mask == 0 ? len : repeat;
    for (let start = 0, o = 0; start < len; start += run, o++) {
      const kept = mask == 0 || load<u8>(mask + <usize>o) != 0;
      const end = start + run;
      let i = start;
      if (kept) {
        for (; i + 4 <= end; i += 4) v128.store(out + (<usize>i << 2), f32x4.mul(v128.load(x + (<usize>i << 2)), s4));
        for (; i < end; i++) stf(out, i, ldf(x, i) * scale);
      } else {
        for (; i + 4 <= end; i += 4) v128.store(out + (<usize>i << 2), f4);
        for (; i < end; i++) stf(out, i, fill);
      }
    }
    return;
  }
  const block = repeat * inner;
  for (let start = 0, o = 0; start < len; start += block, o++) {
    const m = mask + <usize>(o * inner);
    for (let a = 0; a < repeat; a++) {
      const at = start + a * inner;
      let b = 0;
      for (; b + 4 <= inner; b += 4) {
        const k = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(m + <usize>b)));
        const keep = i32x4.ne(k, i32x4.splat(0));
        const y = f32x4.mul(v128.load(x + (<usize>(at + b) << 2)), s4);
        v128.store(out + (<usize>(at + b) << 2), v128.bitselect(y, f4, keep));
      }
      for (; b < inner; b++) stf(out, at + b, load<u8>(m + <usize>b) != 0 ? ldf(x, at + b) * scale : fill);
    }
  }
}

// out[i] = x[i] + branch[i] · factors[⌊i / rowLength⌋] (DropPath's residual join).
export function addScaledRows(out: usize, x: usize, branch: usize, factors: usize, rows: i32, rowLength: i32): void {
  for (let r = 0; r < rows; r++) {
    const s = ldf(factors, r);
    const s4 = f32x4.splat(s);
    let i = r * rowLength;
    const end = i + rowLength;
    for (; i + 4 <= end; i += 4) {
      const at = <usize>i << 2;
      v128.store(out + at, f32x4.add(v128.load(x + at), f32x4.mul(v128.load(branch + at), s4)));
    }
    for (; i < end; i++) stf(out, i, ldf(x, i) + ldf(branch, i) * s);
  }
}
