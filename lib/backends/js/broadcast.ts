// Kernels that broadcast a per-block factor over a tensor: a mask along an axis (spatial dropout,
// Max-Drop, Cutout, DropBlock apply) and DropPath's per-row residual join.
import type { Backend } from '../interface';

const f = Math.fround;

export type BroadcastKernels = Pick<Backend, 'maskApply' | 'addScaledRows'>;

export const broadcastKernels: BroadcastKernels = {
  maskApply(out, x, mask, repeat, inner, scale, fill) {
    const s = f(scale),
      fl = f(fill);
    const block = repeat * inner;
    for (let i = 0; i < x.length; i++) {
      const m = mask === null || mask[Math.floor(i / block) * inner + (i % inner)];
      out[i] = m ? f(x[i] * s) : fl;
    }
  },

  addScaledRows(out, x, branch, factors, rowLength) {
    for (let r = 0; r < factors.length; r++) {
      const s = factors[r];
      for (let i = r * rowLength, end = i + rowLength; i < end; i++) out[i] = f(x[i] + f(branch[i] * s));
    }
  },
};
