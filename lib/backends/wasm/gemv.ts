// DropConnect's per-example products on wasm: W goes in once, examples follow in groups whose
// x, biases, keep segments and y fit beside it.
import type { Backend } from '../interface';
import { advanceCounter } from '../../core/stream';
import { Arena, ArenaExports, GROUP_BYTES, SLACK } from './arena';

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
  dropConnectGemv(
    y: number,
    x: number,
    w: number,
    bias: number,
    batch: number,
    rows: number,
    din: number,
    segmentWords: number,
    threshold: number,
    scale: number,
  ): void;
}

export function wasmGemvKernels(
  k: GemvExports & Pick<ArenaExports, 'setCounter'>,
  arena: Arena,
): Pick<Backend, 'maskedGemv' | 'dropConnectGemv'> {
  // W goes in once; examples in groups whose x, biases, `extra` bytes each (keep segments) and y
  // fit beside it. run(head, n, b0, extraPtr) calls an export on the group of n examples from b0,
  // head being its first four arguments (y, x, W, biases pointers).
  type Head = [number, number, number, number];
  const groups = (
    y: Float32Array,
    x: Float32Array,
    W: Float32Array,
    biases: Float32Array | null,
    batch: number,
    rows: number,
    din: number,
    extra: number,
    run: (head: Head, n: number, b0: number, extraPtr: number) => void,
  ): void => {
    const group = Math.max(1, Math.floor(GROUP_BYTES / (4 * din + 8 * rows + extra)));
    const [wPtr, xPtr, bPtr, yPtr, ePtr] = arena.place(
      W.byteLength,
      4 * group * din,
      4 * group * rows,
      4 * group * rows + SLACK,
      group * extra,
    );
    arena.f32(wPtr, W.length).set(W);
    for (let b0 = 0; b0 < batch; b0 += group) {
      const n = Math.min(group, batch - b0);
      arena.f32(xPtr, n * din).set(x.subarray(b0 * din, (b0 + n) * din));
      if (biases) arena.f32(bPtr, n * rows).set(biases.subarray(b0 * rows, (b0 + n) * rows));
      run([yPtr, xPtr, wPtr, biases ? bPtr : 0], n, b0, ePtr);
      y.set(arena.f32(yPtr, n * rows), b0 * rows);
    }
  };
  return {
    maskedGemv(y, x, W, biases, batch, rows, din, keep, keepStride, scale) {
      groups(y, x, W, biases, batch, rows, din, 4 * keepStride, (head, n, b0, kp) => {
        const part = keep.subarray(b0 * keepStride, (b0 + n) * keepStride); // the last segment may be shorter
        arena.u32(kp, part.length).set(part);
        k.maskedGemv(...head, n, rows, din, kp, keepStride, scale);
      });
    },
    // The decisions are drawn in the module, each group at the call's counter advanced to its first example.
    dropConnectGemv(y, x, W, biases, batch, rows, din, counter, segmentWords, threshold, scale) {
      groups(y, x, W, biases, batch, rows, din, 0, (head, n, b0) => {
        k.setCounter(...(advanceCounter(counter, b0 * segmentWords) as unknown as Parameters<typeof k.setCounter>));
        k.dropConnectGemv(...head, n, rows, din, segmentWords, threshold, scale);
      });
    },
  };
}
