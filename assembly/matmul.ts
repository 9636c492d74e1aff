// C[m x n] = op(A)[m x k] · op(B)[k x n] (+ bias per column) (+ C when accumulate): packed
// panels of op(A) (MR = 4 rows) and op(B) (NR = 8 columns), 4 x 8 tiles of f32x4 multiply-add;
// few rows of A against W stored n x k take unpacked dot products instead.
// Products are not bit-identical to the native backend (no FMA here, other blocking).
import { bernoulliBits } from "./bernoulli";
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

// The unpacked path (W stored n x k, a row-major): depth per block, rows of a per block.
// @ts-ignore: decorator
@inline const DKC: i32 = 1024;
// @ts-ignore: decorator
@inline const DMC: i32 = 128;

const tileBuf: usize = memory.data(MR * NR * 4, 16);

// Optional keep bits over b's storage (DropConnect's shared mask, see native/matmul.inc), applied
// while packing so the masked copy of b is never stored.
let keepBits: usize = 0;
let keepScale: f32 = 1;

export function setMatmulMask(bits: usize, scale: f32): void {
  keepBits = bits;
  keepScale = scale;
}

// y [batch, rows] = x · (keep ⊙ W · scale)ᵀ + bias with keep = bernoulliBits over W's rows · din
// elements at the counter setCounter gave, written to `keep` (see dropConnectMatmul in
// lib/backends/kernels.ts): one thread here, so the bits are drawn whole, then applied.
export function dropConnectMatmul(y: usize, x: usize, w: usize, bias: usize, batch: i32, rows: i32, din: i32,
  keep: usize, threshold: u32, scale: f32, work: usize): void {
  bernoulliBits(keep, rows * din, threshold);
  setMatmulMask(keep, scale);
  matmul(y, x, w, bias, batch, rows, din, false, true, false, work);
  setMatmulMask(0, 1);
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

// b[idx .. idx + 3], masked: the same value per element as loadB.
// @ts-ignore: decorator
@inline function loadB4(b: usize, idx: i32): v128 {
  const v = v128.load(b + (<usize>idx << 2));
  if (!keepBits) return v;
  return v128.and(f32x4.mul(v, f32x4.splat(keepScale)), keepLanes4(keepBits, <u32>idx));
}

// Four rows of four f32 in, the four columns out (o0 = r0[0], r1[0], r2[0], r3[0], ...), stored
// `stride` bytes apart from `o`.
// @ts-ignore: decorator
@inline function transposeStore(o: usize, stride: usize, r0: v128, r1: v128, r2: v128, r3: v128): void {
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5), t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7), t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(o, i64x2.shuffle(t0, t1, 0, 2));
  v128.store(o + stride, i64x2.shuffle(t0, t1, 1, 3));
  v128.store(o + 2 * stride, i64x2.shuffle(t2, t3, 0, 2));
  v128.store(o + 3 * stride, i64x2.shuffle(t2, t3, 1, 3));
}

// op(B)[p0 .. p0 + kc, j0 + jr .. + NR] into the k-major panel at o, zero padded past nc.
function packB(o: usize, b: usize, n: i32, k: i32, transB: bool, p0: i32, kc: i32, j: i32, cols: i32): void {
  if (cols < NR) {
    for (let p = 0; p < kc; p++) {
      for (let q = 0; q < NR; q++) {
        const v: f32 = q < cols ? loadB(b, n, k, transB, p0 + p, j + q) : 0;
        store<f32>(o + (<usize>(p * NR + q) << 2), v);
      }
    }
    return;
  }
  let p = 0;
  if (transB && !keepBits) {
    // b is stored n x k: four steps of eight rows at a time, transposed in registers, the rows
    // walked by one bumped pointer (indexed loads and a keep test per vector cost as much again)
    const ks = <usize>k << 2;
    let s = b + (<usize>(j * k + p0) << 2), at = o;
    for (; p + 4 <= kc; p += 4) {
      transposeStore(at, NR * 4, v128.load(s), v128.load(s + ks), v128.load(s + 2 * ks), v128.load(s + 3 * ks));
      const s4 = s + 4 * ks;
      transposeStore(at + 16, NR * 4, v128.load(s4), v128.load(s4 + ks), v128.load(s4 + 2 * ks), v128.load(s4 + 3 * ks));
      s += 16;
      at += 4 * NR * 4;
    }
  } else if (transB) {
    const r = j * k + p0;
    for (; p + 4 <= kc; p += 4) {
      const s = r + p, at = o + (<usize>(p * NR) << 2);
      transposeStore(at, NR * 4, loadB4(b, s), loadB4(b, s + k), loadB4(b, s + 2 * k), loadB4(b, s + 3 * k));
      transposeStore(at + 16, NR * 4, loadB4(b, s + 4 * k), loadB4(b, s + 5 * k), loadB4(b, s + 6 * k), loadB4(b, s + 7 * k));
    }
  } else {
    for (; p < kc; p++) {
      const s = (p0 + p) * n + j, at = o + (<usize>(p * NR) << 2);
      v128.store(at, loadB4(b, s));
      v128.store(at, loadB4(b, s + 4), 16);
    }
  }
  for (; p < kc; p++) {
    for (let q = 0; q < NR; q++) store<f32>(o + (<usize>(p * NR + q) << 2), loadB(b, n, k, transB, p0 + p, j + q));
  }
}

// op(A)[i .. i + rows, p0 .. p0 + kc] into the k-major panel at o, zero padded past rows.
function packA(o: usize, a: usize, m: i32, k: i32, transA: bool, p0: i32, kc: i32, i: i32, rows: i32): void {
  let p = 0;
  if (rows == MR) {
    if (transA) {
      for (; p < kc; p++) v128.store(o + (<usize>(p * MR) << 2), v128.load(a + (<usize>((p0 + p) * m + i) << 2)));
    } else {
      const r = a + (<usize>(i * k + p0) << 2), s = <usize>k << 2;
      for (; p + 4 <= kc; p += 4) {
        const at = r + (<usize>p << 2);
        transposeStore(o + (<usize>(p * MR) << 2), MR * 4, v128.load(at), v128.load(at + s), v128.load(at + 2 * s), v128.load(at + 3 * s));
      }
    }
  }
  for (; p < kc; p++) {
    for (let q = 0; q < MR; q++) {
      const v: f32 = q < rows ? loadA(a, m, k, transA, i + q, p0 + p) : 0;
      store<f32>(o + (<usize>(p * MR + q) << 2), v);
    }
  }
}

// c[row r, col q] (+)= tileBuf over rows x cols; `first` (the first depth block) starts from
// accumulate ? C : 0, plus bias, in the order (C + bias) + tile. Whole vectors for tiles of 8
// (packed) or 4 (dot products) columns; elements at the edges, where a vector would touch
// memory past the row.
function storeTile(c: usize, n: i32, bias: usize, rows: i32, cols: i32, first: bool, accumulate: bool): void {
  if (cols == NR) {
    let b0 = f32x4.splat(0), b1 = f32x4.splat(0);
    if (first && bias) {
      b0 = v128.load(bias);
      b1 = v128.load(bias, 16);
    }
    for (let r = 0; r < rows; r++) {
      const at = c + (<usize>(r * n) << 2), t = tileBuf + (<usize>(r * NR) << 2);
      let v0 = v128.load(t), v1 = v128.load(t, 16);
      if (!first || accumulate || bias) {
        let c0 = b0, c1 = b1;
        if (!first || accumulate) {
          c0 = v128.load(at);
          c1 = v128.load(at, 16);
          if (first && bias) {
            c0 = f32x4.add(c0, b0);
            c1 = f32x4.add(c1, b1);
          }
        }
        v0 = f32x4.add(c0, v0);
        v1 = f32x4.add(c1, v1);
      }
      v128.store(at, v0);
      v128.store(at, v1, 16);
    }
    return;
  }
  if (cols == 4) {
    const b0 = first && bias ? v128.load(bias) : f32x4.splat(0);
    for (let r = 0; r < rows; r++) {
      const at = c + (<usize>(r * n) << 2);
      let v = v128.load(tileBuf + (<usize>(r * NR) << 2));
      if (!first || accumulate || bias) {
        let base = b0;
        if (!first || accumulate) {
          base = v128.load(at);
          if (first && bias) base = f32x4.add(base, b0);
        }
        v = f32x4.add(base, v);
      }
      v128.store(at, v);
    }
    return;
  }
  for (let r = 0; r < rows; r++) {
    const crow = c + (<usize>(r * n) << 2);
    for (let q = 0; q < cols; q++) {
      const t = load<f32>(tileBuf + (<usize>(r * NR + q) << 2));
      const at = crow + (<usize>q << 2);
      if (first) {
        let v: f32 = accumulate ? load<f32>(at) : 0;
        if (bias) v += load<f32>(bias + (<usize>q << 2));
        store<f32>(at, v + t);
      } else {
        store<f32>(at, load<f32>(at) + t);
      }
    }
  }
}

// kc values of four rows of b from `start` (row stride k) into `o` (row stride kc), masked.
function maskedRows(o: usize, b: usize, start: i32, k: i32, kc: i32, rows: i32): void {
  const scale = f32x4.splat(keepScale);
  for (let q = 0; q < rows; q++) {
    const s = start + q * k, src = b + (<usize>s << 2), dst = o + (<usize>(q * kc) << 2);
    let p = 0;
    for (; p + 4 <= kc; p += 4) {
      const on = keepLanes4(keepBits, <u32>(s + p));
      v128.store(dst + (<usize>p << 2), v128.and(f32x4.mul(v128.load(src + (<usize>p << 2)), scale), on));
    }
    for (; p < kc; p++) {
      store<f32>(dst + (<usize>p << 2), keepBit(keepBits, <u32>(s + p)) ? load<f32>(src + (<usize>p << 2)) * keepScale : 0);
    }
  }
}

// C = A · Wᵀ with W stored n x k and A row-major: both are k-contiguous, so each output is a dot
// product of two rows and neither is packed. Four rows of W (L1) meet every pair of rows of A
// (L2) in a 2 x 4 tile of k-lane partial sums. With keep bits, the four rows are first copied
// masked into `work`, so the sums are those of a pre-masked W, bit for bit.
function dotProducts(c: usize, a: usize, b: usize, bias: usize, m: i32, n: i32, k: i32,
                     accumulate: bool, work: usize): void {
  for (let p0 = 0; p0 < max(k, 1); p0 += DKC) {
    const kc = min(DKC, k - p0);
    for (let i0 = 0; i0 < m; i0 += DMC) {
      const i1 = min(m, i0 + DMC);
      for (let j = 0; j < n; j += 4) {
        const cols = min(4, n - j);
        let w = b + (<usize>(j * k + p0) << 2), ws = <usize>k << 2;
        if (keepBits) {
          maskedRows(work, b, j * k + p0, k, kc, cols);
          w = work;
          ws = <usize>kc << 2;
        }
        // missing rows of W or A repeat the last one; their sums are not stored
        const w1 = w + (cols > 1 ? ws : 0), w2 = w + (cols > 2 ? 2 * ws : 0), w3 = w + (cols > 3 ? 3 * ws : 0);
        const biasJ = bias ? bias + (<usize>j << 2) : 0;
        for (let i = i0; i < i1; i += 2) {
          const a0 = a + (<usize>(i * k + p0) << 2), a1 = i + 1 < i1 ? a0 + (<usize>k << 2) : a0;
          dotTile(kc, a0, a1, w, w1, w2, w3);
          storeTile(c + (<usize>(i * n + j) << 2), n, biasJ, min(2, i1 - i), cols, p0 == 0, accumulate);
        }
      }
    }
  }
}

// Rows a0, a1 times rows w0 .. w3 over kc: eight f32x4 accumulators of partial sums over k mod 4,
// each reduced at the end to tileBuf[r][q].
function dotTile(kc: i32, a0: usize, a1: usize, w0: usize, w1: usize, w2: usize, w3: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0), c12 = f32x4.splat(0), c13 = f32x4.splat(0);
  const end = <usize>(kc & ~3) << 2;
  let o: usize = 0;
  for (; o < end; o += 16) {
    const x0 = v128.load(a0 + o), x1 = v128.load(a1 + o);
    let v = v128.load(w0 + o);
    c00 = f32x4.add(c00, f32x4.mul(x0, v)); c10 = f32x4.add(c10, f32x4.mul(x1, v));
    v = v128.load(w1 + o);
    c01 = f32x4.add(c01, f32x4.mul(x0, v)); c11 = f32x4.add(c11, f32x4.mul(x1, v));
    v = v128.load(w2 + o);
    c02 = f32x4.add(c02, f32x4.mul(x0, v)); c12 = f32x4.add(c12, f32x4.mul(x1, v));
    v = v128.load(w3 + o);
    c03 = f32x4.add(c03, f32x4.mul(x0, v)); c13 = f32x4.add(c13, f32x4.mul(x1, v));
  }
  // the last kc % 4 steps in lane 0 (the other lanes load zeros, and nothing past the rows)
  for (const stop = <usize>kc << 2; o < stop; o += 4) {
    const x0 = v128.load32_zero(a0 + o), x1 = v128.load32_zero(a1 + o);
    let v = v128.load32_zero(w0 + o);
    c00 = f32x4.add(c00, f32x4.mul(x0, v)); c10 = f32x4.add(c10, f32x4.mul(x1, v));
    v = v128.load32_zero(w1 + o);
    c01 = f32x4.add(c01, f32x4.mul(x0, v)); c11 = f32x4.add(c11, f32x4.mul(x1, v));
    v = v128.load32_zero(w2 + o);
    c02 = f32x4.add(c02, f32x4.mul(x0, v)); c12 = f32x4.add(c12, f32x4.mul(x1, v));
    v = v128.load32_zero(w3 + o);
    c03 = f32x4.add(c03, f32x4.mul(x0, v)); c13 = f32x4.add(c13, f32x4.mul(x1, v));
  }
  v128.store(tileBuf, sum4(c00, c01, c02, c03));
  v128.store(tileBuf, sum4(c10, c11, c12, c13), NR * 4);
}

// The lane sums of four vectors, one per lane: (v[0] + v[2]) + (v[1] + v[3]).
// @ts-ignore: decorator
@inline function sum4(v0: v128, v1: v128, v2: v128, v3: v128): v128 {
  const t0 = f32x4.add(i32x4.shuffle(v0, v1, 0, 4, 1, 5), i32x4.shuffle(v0, v1, 2, 6, 3, 7));
  const t1 = f32x4.add(i32x4.shuffle(v2, v3, 0, 4, 1, 5), i32x4.shuffle(v2, v3, 2, 6, 3, 7));
  return f32x4.add(i64x2.shuffle(t0, t1, 0, 2), i64x2.shuffle(t0, t1, 1, 3));
}

export function matmul(c: usize, a: usize, b: usize, bias: usize, m: i32, n: i32, k: i32,
                       transA: bool, transB: bool, accumulate: bool, work: usize): void {
  if (m == 0 || n == 0) return;
  // Packing W costs a pass over it, shared by the rows of A; the dot products pay a reduction
  // per tile instead, every kc steps. Measured at n = 1024: dot products 3 times as fast for one
  // row, 1.1 to 1.3 times for 8 to 32 rows at k = 1024, even at k = 16 m, and 0.8 times for
  // 64 x 256 x 256 or 256 x 512 x 512. Native also requires A to fit L1d; here 64 x 4096 x 4096
  // (dot products) ran as fast as 128 x 4096 x 4096 (packed): without FMA the arithmetic bounds both.
  if (transB && !transA && (m <= 4 || k > 32 * m)) {
    dotProducts(c, a, b, bias, m, n, k, accumulate, work);
    return;
  }
  const bp = work, ap = work + (<usize>(KC * NC) << 2);
  for (let j0 = 0; j0 < n; j0 += NC) {
    const nc = min(NC, n - j0);
    for (let p0 = 0; p0 < max(k, 1); p0 += KC) {
      const kc = min(KC, k - p0);
      for (let jr = 0; jr < nc; jr += NR) {
        packB(bp + (<usize>(jr * kc) << 2), b, n, k, transB, p0, kc, j0 + jr, min(NR, nc - jr));
      }
      for (let i0 = 0; i0 < m; i0 += MC) {
        const mc = min(MC, m - i0);
        for (let ir = 0; ir < mc; ir += MR) {
          packA(ap + (<usize>(ir * kc) << 2), a, m, k, transA, p0, kc, i0 + ir, min(MR, mc - ir));
        }
        for (let jr = 0; jr < nc; jr += NR) {
          const j = j0 + jr, biasJ = bias ? bias + (<usize>j << 2) : 0;
          for (let ir = 0; ir < mc; ir += MR) {
            tile(kc, ap + (<usize>(ir * kc) << 2), bp + (<usize>(jr * kc) << 2));
            storeTile(c + (<usize>((i0 + ir) * n + j) << 2), n, biasJ, min(MR, mc - ir), min(NR, nc - jr), p0 == 0, accumulate);
          }
        }
      }
    }
  }
}

// 4 x 8 tile over a depth of kc: eight f32x4 accumulators. Each value of a is a splat load
// (x64: vbroadcastss, which takes a load port and no shuffle port), and the panels are walked by
// bumped pointers, not p-indexed addresses that V8 recomputes every step: 1.3 times the speed of
// one load and four in-register splats at 64 x 1024 x 1024 on a Xeon (Emerald Rapids). Unrolling
// by hand (four steps at immediate offsets) measured far slower: V8 spilled. Wider tiles
// (5 or 6 x 8) measured slower: with no fused multiply-add each product needs a temporary, and
// ten or twelve accumulators crowd x64's sixteen vector registers (V8 keeps one for scratch).
function tile(kc: i32, a: usize, b: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const end = b + (<usize>(kc * NR) << 2);
  let bo = b, ao = a;
  while (bo < end) {
    const b0 = v128.load(bo), b1 = v128.load(bo, 16);
    const a0 = v128.load32_splat(ao), a1 = v128.load32_splat(ao, 4);
    const a2 = v128.load32_splat(ao, 8), a3 = v128.load32_splat(ao, 12);
    c00 = f32x4.add(c00, f32x4.mul(a0, b0)); c01 = f32x4.add(c01, f32x4.mul(a0, b1));
    c10 = f32x4.add(c10, f32x4.mul(a1, b0)); c11 = f32x4.add(c11, f32x4.mul(a1, b1));
    c20 = f32x4.add(c20, f32x4.mul(a2, b0)); c21 = f32x4.add(c21, f32x4.mul(a2, b1));
    c30 = f32x4.add(c30, f32x4.mul(a3, b0)); c31 = f32x4.add(c31, f32x4.mul(a3, b1));
    bo += NR * 4;
    ao += MR * 4;
  }
  v128.store(tileBuf, c00); v128.store(tileBuf, c01, 16);
  v128.store(tileBuf, c10, 32); v128.store(tileBuf, c11, 48);
  v128.store(tileBuf, c20, 64); v128.store(tileBuf, c21, 80);
  v128.store(tileBuf, c30, 96); v128.store(tileBuf, c31, 112);
}
