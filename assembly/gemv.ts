// DropConnect's per-example products (see maskedGemv in lib/backends/kernels.ts): y[b, j] = bias[b, j] +
// Σ_i (keep bit j·din + i of segment b ? w[j, i] · scale : 0) · x[b, i], four columns at a time.
// The keep bits are read in place, so neither a masked copy of W nor a packing pass is needed.
import { keepBit, keepLanes4 } from "./keep";

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
