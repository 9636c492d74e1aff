// Feature-map kernels of the convolutional methods (pooling, DropBlock, arg-max), over pointers
// into this module's memory. They draw nothing and compute in float32 in the reference's order,
// so results match the js backend bit for bit. See lib/backends/kernels.ts for each
// contract; lib/backends/wasm/conv.ts chunks by example.
import { ldf, stf } from "./elements";
import { keepBit } from "./keep";

// A null keep keeps everything; bit0 is where this call's examples start in the caller's bits.
@inline function keptAt(keep: usize, bit0: i32, i: i32): bool {
  return keep == 0 || keepBit(keep, <u32>(i + bit0));
}

// Even and odd f32 lanes of eight consecutive floats: stride-2 windows of a row, four at a time.
@inline function evenLanes(a: v128, b: v128): v128 {
  return i32x4.shuffle(a, b, 0, 2, 4, 6);
}

@inline function oddLanes(a: v128, b: v128): v128 {
  return i32x4.shuffle(a, b, 1, 3, 5, 7);
}

// Storage strides of a map [n, c, h, w]: NCHW or NHWC.
let sN: i32 = 0, sC: i32 = 0, sH: i32 = 0, sW: i32 = 0;
function strides(c: i32, h: i32, w: i32, channelsLast: i32): void {
  if (channelsLast) {
    sN = h * w * c; sC = 1; sH = w * c; sW = c;
  } else {
    sN = c * h * w; sC = h * w; sH = w; sW = 1;
  }
}

export function maxPool(out: usize, x: usize, keep: usize, keepBit0: i32, n: i32, c: i32, h: i32, w: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, channelsLast: i32, scale: f32, argmax: usize): void {
  const oh = (h - kh) / sh + 1, ow = (w - kw) / sw + 1;
  strides(c, oh, ow, channelsLast);
  const yn = sN, yc = sC, yh = sH, yw = sW;
  strides(c, h, w, channelsLast);
  const xn = sN, xc = sC, xh = sH, xw = sW;
  if (channelsLast && keep == 0 && argmax == 0) {
    // Unit stride over channels: compare four channels at once. gt + bitselect keeps the
    // reference's `v > best` semantics (f32x4.max would differ on NaN and ±0).
    const s4 = f32x4.splat(scale);
    for (let b = 0; b < n; b++)
      for (let y = 0; y < oh; y++)
        for (let xo = 0; xo < ow; xo++) {
          const o = b * yn + y * yh + xo * yw;
          const base = b * xn + y * sh * xh + xo * sw * xw;
          let ch = 0;
          for (; ch + 4 <= c; ch += 4) {
            let best = v128.load(x + (<usize>(base + ch) << 2));
            for (let i = 0; i < kh; i++)
              for (let j = 0; j < kw; j++) {
                if (i == 0 && j == 0) continue;
                const v = v128.load(x + (<usize>(base + i * xh + j * xw + ch) << 2));
                best = v128.bitselect(v, best, f32x4.gt(v, best));
              }
            v128.store(out + (<usize>(o + ch) << 2), f32x4.mul(best, s4));
          }
          for (; ch < c; ch++) {
            let best = ldf(x, base + ch);
            for (let i = 0; i < kh; i++)
              for (let j = 0; j < kw; j++) {
                const v = ldf(x, base + i * xh + j * xw + ch);
                if (v > best) best = v;
              }
            stf(out, o + ch, best * scale);
          }
        }
    return;
  }
  if (!channelsLast && keep == 0 && argmax == 0) {
    // Plain pooling of an already masked map, plane by plane, row by row.
    for (let p = 0; p < n * c; p++)
      for (let y = 0; y < oh; y++) {
        const r = p * h * w + y * sh * w;
        const o = (p * oh + y) * ow;
        let xo = 0;
        if (kh == 2 && kw == 2 && sh == 2 && sw == 2) {
          // the common 2×2 stride-2 case: four windows per iteration
          const s4 = f32x4.splat(scale);
          for (; xo + 4 <= ow; xo += 4) {
            const r0 = x + (<usize>(r + 2 * xo) << 2), r1 = r0 + (<usize>w << 2);
            const p0 = v128.load(r0), p1 = v128.load(r0, 16), q0 = v128.load(r1), q1 = v128.load(r1, 16);
            let best = evenLanes(p0, p1);
            let v = oddLanes(p0, p1);
            best = v128.bitselect(v, best, f32x4.gt(v, best));
            v = evenLanes(q0, q1);
            best = v128.bitselect(v, best, f32x4.gt(v, best));
            v = oddLanes(q0, q1);
            best = v128.bitselect(v, best, f32x4.gt(v, best));
            v128.store(out + (<usize>(o + xo) << 2), f32x4.mul(best, s4));
          }
        }
        for (; xo < ow; xo++) {
          const win = r + xo * sw;
          let best = ldf(x, win);
          for (let i = 0; i < kh; i++)
            for (let j = i == 0 ? 1 : 0; j < kw; j++) {
              const v = ldf(x, win + i * w + j);
              if (v > best) best = v;
            }
          stf(out, o + xo, best * scale);
        }
      }
    return;
  }
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < oh; y++)
        for (let xo = 0; xo < ow; xo++) {
          const start = b * xn + ch * xc + y * sh * xh + xo * sw * xw;
          let best: f32 = 0;
          let arg = -1;
          for (let i = 0; i < kh; i++)
            for (let j = 0; j < kw; j++) {
              const at = start + i * xh + j * xw;
              const k = keptAt(keep, keepBit0, at);
              const v: f32 = k ? ldf(x, at) : 0;
              if ((i == 0 && j == 0) || v > best) {
                best = v;
                arg = k ? at : -1;
              }
            }
          const o = b * yn + ch * yc + y * yh + xo * yw;
          stf(out, o, best * scale);
          if (argmax != 0) store<i32>(argmax + (<usize>o << 2), arg);
        }
}

// Conditional swap keeping both values, so a sorting network gives a NaN-free window its
// ascending order (equal values are interchangeable in the sum; with a NaN the sum is NaN).
let sortLo: f32 = 0, sortHi: f32 = 0;
@inline function order(a: f32, b: f32): void {
  const swap = b < a;
  sortLo = swap ? b : a;
  sortHi = swap ? a : b;
}

function weighted4(a: f32, b: f32, c: f32, d: f32, weights: usize): f32 {
  order(a, b); a = sortLo; b = sortHi;
  order(c, d); c = sortLo; d = sortHi;
  order(a, c); a = sortLo; c = sortHi;
  order(b, d); b = sortLo; d = sortHi;
  order(b, c); b = sortLo; c = sortHi;
  let acc: f32 = 0;
  acc = acc + ldf(weights, 0) * a;
  acc = acc + ldf(weights, 1) * b;
  acc = acc + ldf(weights, 2) * c;
  acc = acc + ldf(weights, 3) * d;
  return canonicalNaN(acc);
}

// A NaN result carries whatever payload the engine produced: one quiet NaN (0x7fc00000) on every
// backend (native/conv.inc canonical_nan).
@inline function canonicalNaN(v: f32): f32 {
  return v == v ? v : reinterpret<f32>(0x7fc00000);
}

// weighted4 on four windows at once (one per lane), with the same conditional swaps. vLo and vHi
// have constant initialisers so the module needs no start function.
let vLo: v128 = i32x4(0, 0, 0, 0), vHi: v128 = i32x4(0, 0, 0, 0);
@inline function orderV(a: v128, b: v128): void {
  const swap = f32x4.lt(b, a);
  vLo = v128.bitselect(b, a, swap);
  vHi = v128.bitselect(a, b, swap);
}

@inline function weighted4v(a: v128, b: v128, c: v128, d: v128, weights: usize): v128 {
  orderV(a, b); a = vLo; b = vHi;
  orderV(c, d); c = vLo; d = vHi;
  orderV(a, c); a = vLo; c = vHi;
  orderV(b, d); b = vLo; d = vHi;
  orderV(b, c); b = vLo; c = vHi;
  let acc = f32x4.splat(0);
  acc = f32x4.add(acc, f32x4.mul(f32x4.splat(ldf(weights, 0)), a));
  acc = f32x4.add(acc, f32x4.mul(f32x4.splat(ldf(weights, 1)), b));
  acc = f32x4.add(acc, f32x4.mul(f32x4.splat(ldf(weights, 2)), c));
  acc = f32x4.add(acc, f32x4.mul(f32x4.splat(ldf(weights, 3)), d));
  return v128.bitselect(acc, i32x4.splat(0x7fc00000), f32x4.eq(acc, acc));
}

// Ascending sort of a window in place, O(n log n) (see native/conv.inc sort_window): insertion
// for short windows, heapsort beyond.
function sortWindow(p: usize, n: i32): void {
  if (n <= 16) {
    for (let m = 1; m < n; m++) {
      const a = ldf(p, m);
      let k = m;
      for (; k > 0 && ldf(p, k - 1) > a; k--) stf(p, k, ldf(p, k - 1));
      stf(p, k, a);
    }
    return;
  }
  for (let i = n / 2 - 1; i >= 0; i--) siftDown(p, i, n);
  for (let end = n - 1; end > 0; end--) {
    const t = ldf(p, 0);
    stf(p, 0, ldf(p, end));
    stf(p, end, t);
    siftDown(p, 0, end);
  }
}

function siftDown(p: usize, root: i32, end: i32): void {
  for (let child = 2 * root + 1; child < end; child = 2 * root + 1) {
    if (child + 1 < end && ldf(p, child) < ldf(p, child + 1)) child++;
    const r = ldf(p, root), c = ldf(p, child);
    if (!(r < c)) return;
    stf(p, root, c);
    stf(p, child, r);
    root = child;
  }
}

export function weightedPool(out: usize, x: usize, n: i32, c: i32, h: i32, w: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, channelsLast: i32, weights: usize, sorted: usize): void {
  const oh = (h - kh) / sh + 1, ow = (w - kw) / sw + 1;
  strides(c, oh, ow, channelsLast);
  const yn = sN, yc = sC, yh = sH, yw = sW;
  strides(c, h, w, channelsLast);
  const xn = sN, xc = sC, xh = sH, xw = sW;
  if (kh == 2 && kw == 2 && (channelsLast || (sh == 2 && sw == 2))) {
    weightedPool2x2(out, x, n, c, h, w, sh, sw, channelsLast, weights);
    return;
  }
  const four = kh * kw == 4;
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < oh; y++)
        for (let xo = 0; xo < ow; xo++) {
          const start = b * xn + ch * xc + y * sh * xh + xo * sw * xw;
          if (four) {
            // 2×2, 1×4 or 4×1 windows in row-major order
            const dj = kw == 1 ? xh : xw;
            const v = kw == 2
              ? weighted4(ldf(x, start), ldf(x, start + xw), ldf(x, start + xh), ldf(x, start + xh + xw), weights)
              : weighted4(ldf(x, start), ldf(x, start + dj), ldf(x, start + 2 * dj), ldf(x, start + 3 * dj), weights);
            stf(out, b * yn + ch * yc + y * yh + xo * yw, v);
            continue;
          }
          let m = 0;
          for (let i = 0; i < kh; i++)
            for (let j = 0; j < kw; j++) stf(sorted, m++, ldf(x, start + i * xh + j * xw));
          sortWindow(sorted, m);
          let acc: f32 = 0;
          for (let k = 0; k < m; k++) acc = acc + ldf(weights, k) * ldf(sorted, k);
          stf(out, b * yn + ch * yc + y * yh + xo * yw, canonicalNaN(acc));
        }
}

// 2×2 windows, four at a time: across channels (NHWC), or four neighbouring windows of a row
// (NCHW, stride 2, even and odd columns split by shuffles).
function weightedPool2x2(out: usize, x: usize, n: i32, c: i32, h: i32, w: i32, sh: i32, sw: i32, channelsLast: i32, weights: usize): void {
  const oh = (h - 2) / sh + 1, ow = (w - 2) / sw + 1;
  if (channelsLast) {
    const row = w * c;
    for (let b = 0; b < n; b++)
      for (let y = 0; y < oh; y++)
        for (let xo = 0; xo < ow; xo++) {
          const o = ((b * oh + y) * ow + xo) * c;
          const a = ((b * h + y * sh) * w + xo * sw) * c;
          let ch = 0;
          for (; ch + 4 <= c; ch += 4) {
            const v = weighted4v(v128.load(x + (<usize>(a + ch) << 2)), v128.load(x + (<usize>(a + c + ch) << 2)),
              v128.load(x + (<usize>(a + row + ch) << 2)), v128.load(x + (<usize>(a + row + c + ch) << 2)), weights);
            v128.store(out + (<usize>(o + ch) << 2), v);
          }
          for (; ch < c; ch++) {
            stf(out, o + ch, weighted4(ldf(x, a + ch), ldf(x, a + c + ch), ldf(x, a + row + ch), ldf(x, a + row + c + ch), weights));
          }
        }
    return;
  }
  for (let p = 0; p < n * c; p++)
    for (let y = 0; y < oh; y++) {
      const r0 = x + (<usize>(p * h + 2 * y) * w << 2);
      const r1 = r0 + (<usize>w << 2);
      const o = out + (<usize>((p * oh + y) * ow) << 2);
      let xo = 0;
      for (; xo + 4 <= ow; xo += 4) {
        const at = <usize>(8 * xo) << 2;
        const p0 = v128.load(r0 + at), p1 = v128.load(r0 + at, 16);
        const q0 = v128.load(r1 + at), q1 = v128.load(r1 + at, 16);
        const even0 = evenLanes(p0, p1);
        const odd0 = oddLanes(p0, p1);
        const even1 = evenLanes(q0, q1);
        const odd1 = oddLanes(q0, q1);
        v128.store(o + (<usize>xo << 2), weighted4v(even0, odd0, even1, odd1, weights));
      }
      for (; xo < ow; xo++) {
        const at = <usize>(2 * xo) << 2;
        stf(o, xo, weighted4(load<f32>(r0 + at), load<f32>(r0 + at, 4), load<f32>(r1 + at), load<f32>(r1 + at, 4), weights));
      }
    }
}

// Per example (contiguous in both layouts): ones, then every seed's block zeroed, then the ones
// counted. Zero seed bytes are skipped eight at a time. Returns the ones written.
export function dropBlockMask(mask: usize, seeds: usize, n: i32, c: i32, h: i32, w: i32, size: i32, channelsLast: i32): f64 {
  const th = h - size + 1, tw = w - size + 1;
  strides(c, h, w, channelsLast);
  const mc = sC, mh = sH, mw = sW;
  const perMask = c * h * w, perSeed = c * th * tw;
  let ones: f64 = 0;
  for (let b = 0; b < n; b++) {
    const m = mask + <usize>(b * perMask);
    const s = seeds + <usize>(b * perSeed);
    memory.fill(m, 1, <usize>perMask);
    for (let i = 0; i < perSeed; i++) {
      if ((i & 7) == 0 && i + 8 <= perSeed && load<u64>(s + <usize>i) == 0) {
        i += 7;
        continue;
      }
      if (load<u8>(s + <usize>i) == 0) continue;
      const ch = channelsLast ? i % c : i / (th * tw);
      const yx = channelsLast ? i / c : i % (th * tw);
      const corner = m + <usize>(ch * mc + (yx / tw) * mh + (yx % tw) * mw);
      for (let y = 0; y < size; y++)
        for (let x = 0; x < size; x++) store<u8>(corner + <usize>(y * mh + x * mw), 0);
    }
    let lanes = i32x4.splat(0);
    let i = 0;
    for (; i + 16 <= perMask; i += 16) {
      lanes = i32x4.add(lanes, i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(v128.load(m + <usize>i))));
    }
    let kept = i32x4.extract_lane(lanes, 0) + i32x4.extract_lane(lanes, 1) + i32x4.extract_lane(lanes, 2) + i32x4.extract_lane(lanes, 3);
    for (; i < perMask; i++) kept += load<u8>(m + <usize>i);
    ones += <f64>kept;
  }
  return ones;
}

export function argmaxPlanes(out: usize, x: usize, select: usize, outer: i32, inner: i32,
  outerStride: i32, innerStride: i32, count: i32, elemStride: i32): void {
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      const p = o * inner + i;
      if ((select != 0 && load<u8>(select + <usize>p) == 0) || count == 0) {
        store<i32>(out + (<usize>p << 2), -1);
        continue;
      }
      const start = o * outerStride + i * innerStride;
      let best = ldf(x, start);
      let arg = start;
      if (elemStride == 1 && count >= 16 && best == best) {
        // Two passes in f32x4 (see native/conv.inc): the maximum by lane-wise `>` selects from
        // v[0], then the first index holding it, which is the sequential scan's index.
        let lanes = f32x4.splat(best);
        let j = 1;
        for (; j + 4 <= count; j += 4) {
          const v = v128.load(x + (<usize>(start + j) << 2));
          lanes = v128.bitselect(v, lanes, f32x4.gt(v, lanes));
        }
        for (let l = 0; l < 4; l++) {
          const v = f32x4.extract_lane(lanes, 0);
          if (v > best) best = v;
          lanes = i32x4.shuffle(lanes, lanes, 1, 2, 3, 0);
        }
        for (; j < count; j++) {
          const v = ldf(x, start + j);
          if (v > best) best = v;
        }
        // bounded like native/conv.inc's second pass, although x here is this module's own copy
        let j2 = 0;
        while (j2 < count && !(ldf(x, start + j2) == best)) j2++;
        store<i32>(out + (<usize>p << 2), j2 < count ? start + j2 : start);
        continue;
      }
      for (let j = 1; j < count; j++) {
        const at = start + j * elemStride;
        const v = ldf(x, at);
        if (v > best) {
          best = v;
          arg = at;
        }
      }
      store<i32>(out + (<usize>p << 2), arg);
    }
}
