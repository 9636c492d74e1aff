// DropConnect's per-example products on wasm: W goes in once, examples follow in groups whose
// x, biases, keep segments and y fit beside it.
import type { Backend } from '../interface';
import { Arena, SLACK } from './arena';

export interface GemvExports {
  maskedGemv(
    y: number,
    x: number,
    w: number,
    bias: number,
    batch: number,
    rows: number,
    din: number,
    keep: number,
    keepStride: number,
    scale: number,
  ): void;
}

export function wasmGemvKernels(k: GemvExports, arena: Arena): Pick<Backend, 'maskedGemv'> {
  return {
    maskedGemv(y, x, W, biases, batch, rows, din, keep, keepStride, scale) {
      // W goes in once; examples in groups whose x, biases, keep segments and y fit beside it
      const segWords = Math.ceil((rows * din) / 32);
      const per = 4 * din + 8 * rows + 4 * keepStride;
      const group = Math.max(1, Math.floor((1 << 24) / per));
      const [wPtr, xPtr, bPtr, kPtr, yPtr] = arena.place(
        W.byteLength,
        4 * group * din,
        4 * group * rows,
        4 * ((group - 1) * keepStride + segWords),
        4 * group * rows + SLACK,
      );
      arena.f32(wPtr, W.length).set(W);
      for (let b0 = 0; b0 < batch; b0 += group) {
        const n = Math.min(group, batch - b0);
        arena.f32(xPtr, n * din).set(x.subarray(b0 * din, (b0 + n) * din));
        if (biases) arena.f32(bPtr, n * rows).set(biases.subarray(b0 * rows, (b0 + n) * rows));
        const words = (n - 1) * keepStride + segWords;
        arena.u32(kPtr, words).set(keep.subarray(b0 * keepStride, b0 * keepStride + words));
        k.maskedGemv(yPtr, xPtr, wPtr, biases ? bPtr : 0, n, rows, din, kPtr, keepStride, scale);
        y.set(arena.f32(yPtr, n * rows), b0 * rows);
      }
    },
  };
}
