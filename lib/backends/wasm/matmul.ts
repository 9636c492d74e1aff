// The product on wasm: operands copied onto the heap, the packing buffers beside them. Not
// bit-identical to the other backends (no FMA, its own blocking); the keep decisions are.
import type { Backend } from '../interface';
import { Arena, ArenaExports, SLACK } from './arena';

export interface MatmulExports {
  matmul(
    c: number,
    a: number,
    b: number,
    bias: number,
    m: number,
    n: number,
    k: number,
    transA: number,
    transB: number,
    accumulate: number,
    work: number,
  ): void;
  dropConnectMatmul(
    y: number,
    x: number,
    w: number,
    bias: number,
    batch: number,
    rows: number,
    din: number,
    keep: number,
    threshold: number,
    scale: number,
    work: number,
  ): void;
  matmulScratchBytes(): number;
  setMatmulMask(bits: number, scale: number): void;
}

export function wasmMatmulKernels(
  k: MatmulExports & Pick<ArenaExports, 'setCounter'>,
  arena: Arena,
): Pick<Backend, 'matmul' | 'dropConnectMatmul'> {
  return {
    matmul(c, a, b, bias, m, n, kk, transA, transB, accumulate, bKeep, bScale) {
      const [work, aPtr, bPtr, biasPtr, keepPtr, cPtr] = arena.place(
        k.matmulScratchBytes(),
        a.byteLength,
        b.byteLength,
        bias ? bias.byteLength : 0,
        bKeep ? bKeep.byteLength : 0,
        c.byteLength + SLACK,
      );
      arena.f32(aPtr, a.length).set(a);
      arena.f32(bPtr, b.length).set(b);
      if (bias) arena.f32(biasPtr, bias.length).set(bias);
      if (bKeep) arena.u32(keepPtr, bKeep.length).set(bKeep);
      if (accumulate) arena.f32(cPtr, c.length).set(c);
      k.setMatmulMask(bKeep ? keepPtr : 0, bKeep ? (bScale ?? 1) : 1);
      k.matmul(cPtr, aPtr, bPtr, bias ? biasPtr : 0, m, n, kk, +transA, +transB, +accumulate, work);
      k.setMatmulMask(0, 1);
      c.set(arena.f32(cPtr, c.length));
    },
    // The module draws the bits at the call's counter into its copy of keep, then multiplies.
    dropConnectMatmul(y, x, W, bias, batch, rows, din, keep, counter, threshold, scale) {
      const words = Math.ceil((rows * din) / 32);
      const [work, xPtr, wPtr, biasPtr, keepPtr, yPtr] = arena.place(
        k.matmulScratchBytes(),
        x.byteLength,
        W.byteLength,
        bias ? bias.byteLength : 0,
        4 * words,
        y.byteLength + SLACK,
      );
      arena.f32(xPtr, x.length).set(x);
      arena.f32(wPtr, W.length).set(W);
      if (bias) arena.f32(biasPtr, bias.length).set(bias);
      k.setCounter(counter[0], counter[1], counter[2], counter[3], counter[4], counter[5], counter[6]);
      k.dropConnectMatmul(yPtr, xPtr, wPtr, bias ? biasPtr : 0, batch, rows, din, keepPtr, threshold, scale, work);
      keep.set(arena.u32(keepPtr, words));
      y.set(arena.f32(yPtr, y.length));
    },
  };
}
