// The stream kernels on wasm, all from the kernel table: each export takes (out, [x], n,
// ...scalars) over pointers, and runs a chunk at a time through the arena's in/out regions at
// the counter of that chunk (the stream is counter-based, so chunking changes no bit).
import type { Backend } from '../interface';
import { STREAM_KERNELS, StreamKernelName, StreamKernelSpec, kernelWords } from '../kernels';
import { Arena, CHUNK } from './arena';

export type StreamExports = Record<StreamKernelName, (...args: number[]) => void>;

export type StreamKernels = Pick<Backend, StreamKernelName>;

function streamKernel(k: StreamExports, arena: Arena, kind: StreamKernelName): (...args: never[]) => void {
  const spec: StreamKernelSpec = STREAM_KERNELS[kind];
  const call = k[kind];
  const wordsPerChunk = kernelWords(kind, CHUNK);
  const at = (name: string): number => spec.args.indexOf(name);
  const outAt = at('out'),
    xAt = at('x'),
    nAt = at('n'),
    counterAt = at('counter');
  // at most two scalars: a wasm export ignores arguments past its own, so both always go
  const [s0At, s1At] = spec.scalars.map(at);
  const { inPtr, outPtr } = arena;
  const bits = spec.out === 'bits';
  const kernel = (...args: unknown[]): void => {
    const out = args[outAt] as Float32Array | Uint8Array | Uint32Array;
    const x = xAt >= 0 ? (args[xAt] as Float32Array) : null;
    const total = nAt >= 0 ? (args[nAt] as number) : (x ?? out).length;
    const s0 = args[s0At] as number,
      s1 = args[s1At] as number;
    arena.chunks(total, args[counterAt] as Uint32Array, wordsPerChunk, (n, first) => {
      if (x) {
        arena.f32(inPtr, n).set(x.subarray(first, first + n));
        call(outPtr, inPtr, n, s0, s1);
      } else {
        call(outPtr, n, s0, s1);
      }
      out.set(
        arena[bits ? 'u32' : (spec.out as 'f32' | 'u8' | 'u32')](outPtr, bits ? Math.ceil(n / 32) : n),
        bits ? first / 32 : first,
      );
    });
  };
  // the Backend method's arity, as the other backends declare it (the contract test compares it)
  return Object.defineProperty(kernel, 'length', { value: spec.args.length }) as (...args: never[]) => void;
}

export function wasmStreamKernels(k: StreamExports, arena: Arena): StreamKernels {
  const kernels = {} as Record<StreamKernelName, unknown>;
  for (const kind of Object.keys(STREAM_KERNELS) as StreamKernelName[]) kernels[kind] = streamKernel(k, arena, kind);
  return kernels as StreamKernels;
}
