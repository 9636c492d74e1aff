// The wasm backend's feature-map kernels: operands are copied into the module's heap a group
// of examples at a time (every kernel treats examples independently), so memory stays bounded
// and results equal one whole-tensor call.
import type { Backend } from '../interface';
import { pooledSize } from '../interface';
import { Arena, GROUP_BYTES } from './arena';

/** The conv exports of dropmask.wasm (pointers are byte addresses in `memory`). */
export interface ConvExports {
  maxPool(
    out: number,
    x: number,
    keep: number,
    keepBit0: number,
    n: number,
    c: number,
    h: number,
    w: number,
    kh: number,
    kw: number,
    sh: number,
    sw: number,
    channelsLast: number,
    scale: number,
    argmax: number,
  ): void;
  weightedPool(
    out: number,
    x: number,
    n: number,
    c: number,
    h: number,
    w: number,
    kh: number,
    kw: number,
    sh: number,
    sw: number,
    channelsLast: number,
    weights: number,
    sorted: number,
  ): void;
  dropBlockMask(
    mask: number,
    seeds: number,
    n: number,
    c: number,
    h: number,
    w: number,
    size: number,
    channelsLast: number,
  ): number;
  argmaxPlanes(
    out: number,
    x: number,
    select: number,
    outer: number,
    inner: number,
    outerStride: number,
    innerStride: number,
    count: number,
    elemStride: number,
  ): void;
}

const I32_MAX = 2 ** 31 - 1;

/**
 * The exports take every geometry value as an i32: a larger one would wrap (a stride of 2^32
 * becomes 0, 2^32 + 1 becomes 1), so it is refused here, whoever calls the kernel (the methods
 * never pass one: see MAX_DIM in methods/conv/shape.ts).
 */
function checkI32Geometry(kernel: string, g: object): void {
  for (const [key, v] of Object.entries(g)) {
    if (typeof v === 'number' && !(Number.isInteger(v) && v >= 0 && v <= I32_MAX)) {
      throw new RangeError(`Expected ${kernel}'s ${key} in [0, ${I32_MAX}] but received ${v}`);
    }
  }
}

export function wasmConvKernels(
  k: ConvExports,
  arena: Arena,
): Pick<Backend, 'maxPool' | 'weightedPool' | 'dropBlockMask' | 'argmaxPlanes'> {
  const { place, f32, i32, u8 } = arena;
  /** Examples per call for `bytesPerExample`: at least 1. */
  const groupOf = (bytesPerExample: number): number => Math.max(1, Math.floor(GROUP_BYTES / Math.max(1, bytesPerExample)));

  return {
    maxPool(out, x, keep, g, scale, argmax) {
      checkI32Geometry('maxPool', g);
      const inner = g.c * g.h * g.w,
        outer = g.c * pooledSize(g.h, g.kh, g.sh) * pooledSize(g.w, g.kw, g.sw);
      const group = groupOf(4 * inner + 8 * outer + inner / 8);
      for (let n0 = 0; n0 < g.n; n0 += group) {
        const n = Math.min(group, g.n - n0);
        const e0 = n0 * inner,
          e1 = e0 + n * inner;
        const w0 = e0 >>> 5,
          words = keep ? Math.ceil(e1 / 32) - w0 : 0;
        const [xp, op, kp, ap] = place(4 * n * inner, 4 * n * outer, 4 * words, argmax ? 4 * n * outer : 0);
        f32(xp, n * inner).set(x.subarray(e0, e1));
        if (keep) arena.u32(kp, words).set(keep.subarray(w0, w0 + words));
        k.maxPool(
          op,
          xp,
          keep ? kp : 0,
          e0 & 31,
          n,
          g.c,
          g.h,
          g.w,
          g.kh,
          g.kw,
          g.sh,
          g.sw,
          +g.channelsLast,
          scale,
          argmax ? ap : 0,
        );
        out.set(f32(op, n * outer), n0 * outer);
        if (argmax) {
          const a = i32(ap, n * outer);
          for (let i = 0; i < a.length; i++) argmax[n0 * outer + i] = a[i] < 0 ? -1 : a[i] + e0;
        }
      }
    },

    weightedPool(out, x, g, weights) {
      checkI32Geometry('weightedPool', g);
      const inner = g.c * g.h * g.w,
        outer = g.c * pooledSize(g.h, g.kh, g.sh) * pooledSize(g.w, g.kw, g.sw);
      const group = groupOf(4 * (inner + outer));
      for (let n0 = 0; n0 < g.n; n0 += group) {
        const n = Math.min(group, g.n - n0);
        const [xp, op, wp, sp] = place(4 * n * inner, 4 * n * outer, 4 * weights.length, 4 * weights.length);
        f32(xp, n * inner).set(x.subarray(n0 * inner, (n0 + n) * inner));
        f32(wp, weights.length).set(weights);
        k.weightedPool(op, xp, n, g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, +g.channelsLast, wp, sp);
        out.set(f32(op, n * outer), n0 * outer);
      }
    },

    dropBlockMask(mask, seeds, g) {
      checkI32Geometry('dropBlockMask', g);
      const inner = g.c * g.h * g.w,
        seedInner = g.c * (g.h - g.size + 1) * (g.w - g.size + 1);
      const group = groupOf(inner + seedInner);
      let ones = 0;
      for (let n0 = 0; n0 < g.n; n0 += group) {
        const n = Math.min(group, g.n - n0);
        const [mp, sp] = place(n * inner, n * seedInner);
        u8(sp, n * seedInner).set(seeds.subarray(n0 * seedInner, (n0 + n) * seedInner));
        ones += k.dropBlockMask(mp, sp, n, g.c, g.h, g.w, g.size, +g.channelsLast);
        mask.set(u8(mp, n * inner), n0 * inner);
      }
      return ones;
    },

    argmaxPlanes(out, x, select, g) {
      checkI32Geometry('argmaxPlanes', g);
      // Plane o·inner + i lies inside x[o·outerStride, (o + 1)·outerStride) for every geometry the
      // methods use, so x goes in by groups of `outer`; indices come back relative to the group.
      const inner = g.inner,
        span = g.outerStride;
      const fits = g.outer <= 1 || (g.inner - 1) * g.innerStride + (g.count - 1) * g.elemStride < span;
      const group = fits ? Math.max(1, Math.floor(GROUP_BYTES / (4 * Math.max(1, span)))) : g.outer;
      for (let o0 = 0; o0 < g.outer; o0 += group) {
        const n = Math.min(group, g.outer - o0),
          planes = n * inner;
        const x0 = fits ? o0 * span : 0,
          len = fits ? Math.min(x.length - x0, n * span) : x.length;
        const [xp, op, sp] = place(4 * len, 4 * planes, select ? planes : 0);
        f32(xp, len).set(x.subarray(x0, x0 + len));
        if (select) u8(sp, planes).set(select.subarray(o0 * inner, o0 * inner + planes));
        k.argmaxPlanes(op, xp, select ? sp : 0, n, inner, g.outerStride, g.innerStride, g.count, g.elemStride);
        const r = i32(op, planes);
        for (let i = 0; i < planes; i++) out[o0 * inner + i] = r[i] < 0 ? -1 : r[i] + x0;
      }
    },
  };
}
