// The feature-map kernels in plain TypeScript: the reference the native and wasm kernels match
// bit for bit. See Backend in ../interface.ts for each contract.
import type { Backend, PoolGeometry } from '../interface';
import { pooledSize } from '../interface';

const f = Math.fround;

/** Storage strides [sn, sc, sh, sw] of a map [n, c, h, w]. */
export function mapStrides(c: number, h: number, w: number, channelsLast: boolean): [number, number, number, number] {
  return channelsLast ? [h * w * c, 1, w * c, c] : [c * h * w, h * w, w, 1];
}

/** Calls visit(outIndex, windowStart) for every pooling window; window element (i, j) is at start + i·xh + j·xw. */
export function forEachWindow(g: PoolGeometry, visit: (o: number, start: number, xh: number, xw: number) => void): void {
  const oh = pooledSize(g.h, g.kh, g.sh),
    ow = pooledSize(g.w, g.kw, g.sw);
  const [xn, xc, xh, xw] = mapStrides(g.c, g.h, g.w, g.channelsLast);
  const [yn, yc, yh, yw] = mapStrides(g.c, oh, ow, g.channelsLast);
  for (let n = 0; n < g.n; n++)
    for (let c = 0; c < g.c; c++)
      for (let y = 0; y < oh; y++)
        for (let x = 0; x < ow; x++)
          visit(n * yn + c * yc + y * yh + x * yw, n * xn + c * xc + y * g.sh * xh + x * g.sw * xw, xh, xw);
}

const kept = (keep: Uint32Array | null, i: number): boolean => keep === null || ((keep[i >>> 5] >>> (i & 31)) & 1) === 1;

/** Ascending sort of a window in place: insertion for short windows, the O(n log n) typed-array sort beyond. */
export function sortWindow(v: Float32Array): void {
  if (v.length > 16) {
    v.sort();
    return;
  }
  for (let m = 1; m < v.length; m++) {
    const a = v[m];
    let k = m;
    for (; k > 0 && v[k - 1] > a; k--) v[k] = v[k - 1];
    v[k] = a;
  }
}

export type ConvKernels = Pick<Backend, 'maxPool' | 'weightedPool' | 'dropBlockMask' | 'argmaxPlanes'>;

export const convKernels: ConvKernels = {
  maxPool(out, x, keep, g, scale, argmax) {
    const s = f(scale);
    forEachWindow(g, (o, start, xh, xw) => {
      let best = 0,
        arg = -1;
      for (let i = 0; i < g.kh; i++) {
        for (let j = 0; j < g.kw; j++) {
          const at = start + i * xh + j * xw;
          const k = kept(keep, at);
          const v = k ? x[at] : 0;
          if ((i === 0 && j === 0) || v > best) {
            best = v;
            arg = k ? at : -1;
          }
        }
      }
      out[o] = f(best * s);
      if (argmax) argmax[o] = arg;
    });
  },

  weightedPool(out, x, g, weights) {
    const v = new Float32Array(g.kh * g.kw);
    forEachWindow(g, (o, start, xh, xw) => {
      let n = 0;
      for (let i = 0; i < g.kh; i++) for (let j = 0; j < g.kw; j++) v[n++] = x[start + i * xh + j * xw];
      sortWindow(v);
      let acc = 0;
      for (let k = 0; k < n; k++) acc = f(acc + f(weights[k] * v[k]));
      // A NaN (in the window, or ∞ − ∞ in the sum) has the payload this engine tier produced:
      // the literal NaN stores as the one quiet NaN every backend writes (0x7fc00000).
      out[o] = acc === acc ? acc : NaN;
    });
  },

  dropBlockMask(mask, seeds, g) {
    const th = g.h - g.size + 1,
      tw = g.w - g.size + 1;
    const [mn, mc, mh, mw] = mapStrides(g.c, g.h, g.w, g.channelsLast);
    const [tn, tc, tsh, tsw] = mapStrides(g.c, th, tw, g.channelsLast);
    mask.fill(1);
    for (let n = 0; n < g.n; n++)
      for (let c = 0; c < g.c; c++)
        for (let y = 0; y < th; y++)
          for (let x = 0; x < tw; x++) {
            if (!seeds[n * tn + c * tc + y * tsh + x * tsw]) continue;
            const corner = n * mn + c * mc + y * mh + x * mw;
            for (let i = 0; i < g.size; i++) for (let j = 0; j < g.size; j++) mask[corner + i * mh + j * mw] = 0;
          }
    let ones = 0;
    for (let i = 0; i < mask.length; i++) ones += mask[i];
    return ones;
  },

  argmaxPlanes(out, x, select, g) {
    for (let o = 0; o < g.outer; o++) {
      for (let i = 0; i < g.inner; i++) {
        const p = o * g.inner + i;
        if (select && !select[p]) {
          out[p] = -1;
          continue;
        }
        const start = o * g.outerStride + i * g.innerStride;
        let best = x[start],
          arg = start;
        for (let j = 1; j < g.count; j++) {
          // one read per element: x may be shared memory another thread is writing
          const at = start + j * g.elemStride,
            v = x[at];
          if (v > best) {
            best = v;
            arg = at;
          }
        }
        out[p] = g.count === 0 ? -1 : arg;
      }
    }
  },
};
