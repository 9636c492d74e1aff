// Feature-map kernels of the convolutional methods, over pointers into this module's memory.
// They draw nothing and compute in float32 in the reference's order, so results match the js
// backend bit for bit. See lib/backend.ts for each contract; lib/backends/wasm.ts chunks by example.

@inline function keptAt(keep: usize, bit0: i32, i: i32): bool {
  if (keep == 0) return true;
  const b = <u32>(i + bit0);
  return ((load<u32>(keep + (<usize>(b >>> 5) << 2)) >>> (b & 31)) & 1) != 0;
}

@inline function ldf(p: usize, i: i32): f32 {
  return load<f32>(p + (<usize>i << 2));
}

@inline function stf(p: usize, i: i32, v: f32): void {
  store<f32>(p + (<usize>i << 2), v);
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

export function weightedPool(out: usize, x: usize, n: i32, c: i32, h: i32, w: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, channelsLast: i32, weights: usize, sorted: usize): void {
  const oh = (h - kh) / sh + 1, ow = (w - kw) / sw + 1;
  strides(c, oh, ow, channelsLast);
  const yn = sN, yc = sC, yh = sH, yw = sW;
  strides(c, h, w, channelsLast);
  const xn = sN, xc = sC, xh = sH, xw = sW;
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < oh; y++)
        for (let xo = 0; xo < ow; xo++) {
          const start = b * xn + ch * xc + y * sh * xh + xo * sw * xw;
          let m = 0;
          for (let i = 0; i < kh; i++)
            for (let j = 0; j < kw; j++) {
              const a = ldf(x, start + i * xh + j * xw);
              let k = m++;
              for (; k > 0 && ldf(sorted, k - 1) > a; k--) stf(sorted, k, ldf(sorted, k - 1));
              stf(sorted, k, a);
            }
          let acc: f32 = 0;
          for (let k = 0; k < m; k++) acc = acc + ldf(weights, k) * ldf(sorted, k);
          stf(out, b * yn + ch * yc + y * yh + xo * yw, acc);
        }
}

// rows: (h − size + 1) · w bytes of scratch; cover: w i32s. Returns the ones written.
export function dropBlockMask(mask: usize, seeds: usize, n: i32, c: i32, h: i32, w: i32, size: i32, channelsLast: i32,
  rows: usize, cover: usize): f64 {
  const th = h - size + 1, tw = w - size + 1;
  strides(c, th, tw, channelsLast);
  const tn = sN, tc = sC, tsh = sH, tsw = sW;
  strides(c, h, w, channelsLast);
  const mn = sN, mc = sC, mh = sH, mw = sW;
  let ones: f64 = 0;
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++) {
      const s = seeds + <usize>(b * tn + ch * tc);
      const m = mask + <usize>(b * mn + ch * mc);
      for (let r = 0; r < th; r++) {
        let run = 0;
        for (let xx = 0; xx < w; xx++) {
          if (xx < tw) run += load<u8>(s + <usize>(r * tsh + xx * tsw));
          if (xx >= size) run -= load<u8>(s + <usize>(r * tsh + (xx - size) * tsw));
          store<u8>(rows + <usize>(r * w + xx), run > 0 ? 1 : 0);
        }
      }
      memory.fill(cover, 0, <usize>w << 2);
      let kept = 0;
      for (let y = 0; y < h; y++) {
        for (let xx = 0; xx < w; xx++) {
          const at = cover + (<usize>xx << 2);
          let v = load<i32>(at);
          if (y < th) v += load<u8>(rows + <usize>(y * w + xx));
          if (y >= size) v -= load<u8>(rows + <usize>((y - size) * w + xx));
          store<i32>(at, v);
          const keepIt = v == 0 ? 1 : 0;
          store<u8>(m + <usize>(y * mh + xx * mw), keepIt);
          kept += keepIt;
        }
      }
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

// out[i] = m ? x[i] · scale : fill, m = mask[⌊i / (repeat · inner)⌋ · inner + i mod inner].
export function maskApply(out: usize, x: usize, len: i32, mask: usize, repeat: i32, inner: i32, scale: f32, fill: f32): void {
  const s4 = f32x4.splat(scale), f4 = f32x4.splat(fill);
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
