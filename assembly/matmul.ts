// C[m x n] = op(A)[m x k] · op(B)[k x n] (+ bias per column) (+ C when accumulate): packed
// panels of op(A) (MR = 4 rows) and op(B) (NR = 8 columns), 4 x 8 tiles of f32x4 multiply-add.
// Products are not bit-identical to the native backend (no FMA here, other blocking).
import { keepBit, keepLanes4 } from "./keep";

// @ts-ignore: decorator
@inline const MR: i32 = 4;
// @ts-ignore: decorator
@inline const NR: i32 = 8;
// @ts-ignore: decorator
@inline const KC: i32 = 256;
// @ts-ignore: decorator
@inline const MC: i32 = 64;
// @ts-ignore: decorator
@inline const NC: i32 = 1024;

const tileBuf: usize = memory.data(MR * NR * 4, 16);
const rowBuf: usize = memory.data(KC * 4, 16);

// Optional keep bits over b's storage (DropConnect's shared mask, see native/matmul.inc), applied
// while packing so the masked copy of b is never stored.
let keepBits: usize = 0;
let keepScale: f32 = 1;

export function setMatmulMask(bits: usize, scale: f32): void {
  keepBits = bits;
  keepScale = scale;
}

// The packing buffers are too large for static data, so they live in host scratch at `work`.
export function matmulScratchBytes(): i32 {
  return (KC * NC + KC * MC) * 4 + 64;
}

// @ts-ignore: decorator
@inline function loadA(a: usize, m: i32, k: i32, transA: bool, i: i32, p: i32): f32 {
  return load<f32>(a + (<usize>(transA ? p * m + i : i * k + p) << 2));
}

// @ts-ignore: decorator
@inline function loadB(b: usize, n: i32, k: i32, transB: bool, p: i32, j: i32): f32 {
  const idx = transB ? j * k + p : p * n + j;
  const v = load<f32>(b + (<usize>idx << 2));
  if (!keepBits) return v;
  return keepBit(keepBits, <u32>idx) ? v * keepScale : 0;
}

// rowBuf[p] = b[start + p] for p < kc, masked: a transposed b is read a contiguous row at a
// time, so its mask applies four lanes at once instead of one element per loadB.
function maskedRow(b: usize, start: i32, kc: i32): void {
  const src = b + (<usize>start << 2);
  if (!keepBits) {
    memory.copy(rowBuf, src, <usize>kc << 2);
    return;
  }
  const scale = f32x4.splat(keepScale);
  let p = 0;
  for (; p + 4 <= kc; p += 4) {
    const on = keepLanes4(keepBits, <u32>(start + p));
    v128.store(rowBuf + (<usize>p << 2), v128.and(f32x4.mul(v128.load(src + (<usize>p << 2)), scale), on));
  }
  for (; p < kc; p++) {
    const keep = keepBit(keepBits, <u32>(start + p));
    store<f32>(rowBuf + (<usize>p << 2), keep ? load<f32>(src + (<usize>p << 2)) * keepScale : 0);
  }
}

export function matmul(c: usize, a: usize, b: usize, bias: usize, m: i32, n: i32, k: i32,
                       transA: bool, transB: bool, accumulate: bool, work: usize): void {
  if (m == 0 || n == 0) return;
  const bp = work, ap = work + (<usize>(KC * NC) << 2);
  for (let j0 = 0; j0 < n; j0 += NC) {
    const nc = min(NC, n - j0);
    for (let p0 = 0; p0 < max(k, 1); p0 += KC) {
      const kc = min(KC, k - p0);
      // pack op(B)[p0.., j0..] into NR-column panels, k-major, zero padded
      for (let jr = 0; jr < nc; jr += NR) {
        const o = bp + (<usize>(jr * kc) << 2);
        if (transB) {
          // b is stored n x k: read each row contiguously (masked four lanes at a time)
          for (let q = 0; q < NR; q++) {
            if (jr + q < nc) maskedRow(b, (j0 + jr + q) * k + p0, kc);
            else memory.fill(rowBuf, 0, <usize>kc << 2);
            for (let p = 0; p < kc; p++) store<f32>(o + (<usize>(p * NR + q) << 2), load<f32>(rowBuf + (<usize>p << 2)));
          }
          continue;
        }
        for (let p = 0; p < kc; p++) {
          for (let q = 0; q < NR; q++) {
            const v: f32 = jr + q < nc ? loadB(b, n, k, transB, p0 + p, j0 + jr + q) : 0;
            store<f32>(o + (<usize>(p * NR + q) << 2), v);
          }
        }
      }
      for (let i0 = 0; i0 < m; i0 += MC) {
        const mc = min(MC, m - i0);
        for (let ir = 0; ir < mc; ir += MR) {
          const o = ap + (<usize>(ir * kc) << 2);
          for (let p = 0; p < kc; p++) {
            for (let r = 0; r < MR; r++) {
              const v: f32 = ir + r < mc ? loadA(a, m, k, transA, i0 + ir + r, p0 + p) : 0;
              store<f32>(o + (<usize>(p * MR + r) << 2), v);
            }
          }
        }
        for (let jr = 0; jr < nc; jr += NR) {
          for (let ir = 0; ir < mc; ir += MR) {
            tile(kc, ap + (<usize>(ir * kc) << 2), bp + (<usize>(jr * kc) << 2));
            const rows = min(MR, mc - ir), cols = min(NR, nc - jr);
            for (let r = 0; r < rows; r++) {
              const crow = c + (<usize>((i0 + ir + r) * n + j0 + jr) << 2);
              for (let q = 0; q < cols; q++) {
                const t = load<f32>(tileBuf + (<usize>(r * NR + q) << 2));
                const at = crow + (<usize>q << 2);
                if (p0 == 0) {
                  let v: f32 = accumulate ? load<f32>(at) : 0;
                  if (bias) v += load<f32>(bias + (<usize>(j0 + jr + q) << 2));
                  store<f32>(at, v + t);
                } else {
                  store<f32>(at, load<f32>(at) + t);
                }
              }
            }
          }
        }
      }
    }
  }
}

// 4 x 8 tile over a depth of kc: eight f32x4 accumulators. The four values of a for one step are
// adjacent in the panel: one load and four in-register splats instead of four splat loads, which
// leaves the load ports to b. Wider tiles (5 or 6 x 8) measured slower: with no fused
// multiply-add each product needs a temporary, and twelve accumulators spill on x64's sixteen
// vector registers.
function tile(kc: i32, a: usize, b: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const bo = b + (<usize>(p * NR) << 2);
    const b0 = v128.load(bo), b1 = v128.load(bo, 16);
    const ao = a + (<usize>(p * MR) << 2);
    const av = v128.load(ao);
    const a0 = i32x4.shuffle(av, av, 0, 0, 0, 0), a1 = i32x4.shuffle(av, av, 1, 1, 1, 1);
    const a2 = i32x4.shuffle(av, av, 2, 2, 2, 2), a3 = i32x4.shuffle(av, av, 3, 3, 3, 3);
    c00 = f32x4.add(c00, f32x4.mul(a0, b0)); c01 = f32x4.add(c01, f32x4.mul(a0, b1));
    c10 = f32x4.add(c10, f32x4.mul(a1, b0)); c11 = f32x4.add(c11, f32x4.mul(a1, b1));
    c20 = f32x4.add(c20, f32x4.mul(a2, b0)); c21 = f32x4.add(c21, f32x4.mul(a2, b1));
    c30 = f32x4.add(c30, f32x4.mul(a3, b0)); c31 = f32x4.add(c31, f32x4.mul(a3, b1));
  }
  v128.store(tileBuf, c00); v128.store(tileBuf, c01, 16);
  v128.store(tileBuf, c10, 32); v128.store(tileBuf, c11, 48);
  v128.store(tileBuf, c20, 64); v128.store(tileBuf, c21, 80);
  v128.store(tileBuf, c30, 96); v128.store(tileBuf, c31, 112);
}
