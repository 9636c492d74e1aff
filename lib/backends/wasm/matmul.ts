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
): Pick<Backend, 'matmul' | 'dropConnectMatmul' | 'packWeights' | 'matmulPacked'> {
  // The operands copied onto the heap beside the packing buffers and room for `keepWords` keep
  // words: [work, a, b, bias, keep, c] pointers.
  const operands = (c: Float32Array, a: Float32Array, b: Float32Array, bias: Float32Array | null, keepWords: number) => {
    const at = arena.place(
      k.matmulScratchBytes(),
      a.byteLength,
      b.byteLength,
      bias ? bias.byteLength : 0,
      4 * keepWords,
      c.byteLength + SLACK,
    );
    arena.f32(at[1], a.length).set(a);
    arena.f32(at[2], b.length).set(b);
    if (bias) arena.f32(at[3], bias.length).set(bias);
    else at[3] = 0;
    return at;
  };
  const kernels: Pick<Backend, 'matmul' | 'dropConnectMatmul' | 'packWeights' | 'matmulPacked'> = {
    matmul(c, a, b, bias, m, n, kk, transA, transB, accumulate, bKeep, bScale) {
      const [work, aPtr, bPtr, biasPtr, keepPtr, cPtr] = operands(c, a, b, bias, bKeep ? bKeep.length : 0);
      if (bKeep) arena.u32(keepPtr, bKeep.length).set(bKeep);
      if (accumulate) arena.f32(cPtr, c.length).set(c);
      k.setMatmulMask(bKeep ? keepPtr : 0, bKeep ? (bScale ?? 1) : 1);
      k.matmul(cPtr, aPtr, bPtr, biasPtr, m, n, kk, +transA, +transB, +accumulate, work);
      k.setMatmulMask(0, 1);
      c.set(arena.f32(cPtr, c.length));
    },
    // The module draws the bits at the call's counter into its copy of keep, then multiplies.
    dropConnectMatmul(y, x, W, bias, batch, rows, din, keep, counter, threshold, scale, _packed) {
      const words = Math.ceil((rows * din) / 32);
      const [work, xPtr, wPtr, biasPtr, keepPtr, yPtr] = operands(y, x, W, bias, words);
      k.setCounter(...(counter as unknown as Parameters<typeof k.setCounter>));
      k.dropConnectMatmul(yPtr, xPtr, wPtr, biasPtr, batch, rows, din, keepPtr, threshold, scale, work);
      keep.set(arena.u32(keepPtr, words));
      y.set(arena.f32(yPtr, y.length));
    },
    // W is copied onto the heap every call anyway, so a packed copy would save nothing: none is kept.
    packWeights: (_W, _rows, _din) => new Float32Array(0),
    matmulPacked: (y, x, W, bias, batch, rows, din, _packed) =>
      kernels.matmul(y, x, W, bias, batch, rows, din, false, true, false),
  };
  return kernels;
}
