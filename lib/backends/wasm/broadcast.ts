// The broadcast kernels on wasm, over groups of whole blocks (a mask entry never straddles a call).
import type { Backend } from '../interface';
import { Arena, GROUP_BYTES } from './arena';

export interface BroadcastExports {
  maskApply(out: number, x: number, len: number, mask: number, repeat: number, inner: number, scale: number, fill: number): void;
  addScaledRows(out: number, x: number, branch: number, factors: number, rows: number, rowLength: number): void;
}

export function wasmBroadcastKernels(k: BroadcastExports, arena: Arena): Pick<Backend, 'maskApply' | 'addScaledRows'> {
  const { place, f32, u8 } = arena;
  return {
    maskApply(out, x, mask, repeat, inner, scale, fill) {
      const block = repeat * inner;
      const blocks = Math.max(1, Math.floor(GROUP_BYTES / 8 / block));
      const step = blocks * block;
      for (let e0 = 0; e0 < x.length; e0 += step) {
        const len = Math.min(step, x.length - e0);
        const m0 = (e0 / block) * inner,
          mLen = mask ? Math.ceil(len / block) * inner : 0;
        const [xp, op, mp] = place(4 * len, 4 * len, mLen);
        f32(xp, len).set(x.subarray(e0, e0 + len));
        if (mask) u8(mp, mLen).set(mask.subarray(m0, m0 + mLen));
        k.maskApply(op, xp, len, mask ? mp : 0, repeat, inner, scale, fill);
        out.set(f32(op, len), e0);
      }
    },

    addScaledRows(out, x, branch, factors, rowLength) {
      const rows = Math.max(1, Math.floor(GROUP_BYTES / 12 / Math.max(1, rowLength)));
      for (let r0 = 0; r0 < factors.length; r0 += rows) {
        const r = Math.min(rows, factors.length - r0),
          len = r * rowLength,
          e0 = r0 * rowLength;
        const [xp, bp, fp, op] = place(4 * len, 4 * len, 4 * r, 4 * len);
        f32(xp, len).set(x.subarray(e0, e0 + len));
        f32(bp, len).set(branch.subarray(e0, e0 + len));
        f32(fp, r).set(factors.subarray(r0, r0 + r));
        k.addScaledRows(op, xp, bp, fp, r, rowLength);
        out.set(f32(op, len), e0);
      }
    },
  };
}
