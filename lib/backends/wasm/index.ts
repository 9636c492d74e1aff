// The WebAssembly backend: kernels compiled from assembly/ by AssemblyScript with SIMD128,
// instantiated through the AssemblyScript loader (which decodes an `abort` inside the module into
// an Error with its message and source location). Hot paths call the raw exports over the
// arena's pointers; one file per kernel family adapts them, as in native/ and assembly/.
import { instantiateSync } from '@assemblyscript/loader';
import type { Backend } from '../interface';
import { ArenaExports, createArena } from './arena';
import { BroadcastExports, wasmBroadcastKernels } from './broadcast';
import { ConvExports, wasmConvKernels } from './conv';
import { GemvExports, wasmGemvKernels } from './gemv';
import { MatmulExports, wasmMatmulKernels } from './matmul';
import { StreamExports, wasmStreamKernels } from './stream';

/** The raw exports of dropmask.wasm (pointers are byte addresses in `memory`). */
export type WasmExports = ArenaExports & StreamExports & MatmulExports & GemvExports & ConvExports & BroadcastExports;

/** The wasm backend, with the size of its memory (one arena: it grows when a call needs more, never shrinks). */
export interface WasmBackend extends Backend {
  memoryBytes(): number;
}

export function createWasmBackend(module: WebAssembly.Module): WasmBackend {
  const { instance } = instantiateSync(module, {});
  const k = instance.exports as unknown as WasmExports;
  const arena = createArena(k);
  return {
    name: 'wasm',
    simd: 'simd128',
    memoryBytes: () => k.memory.buffer.byteLength,
    ...wasmStreamKernels(k, arena),
    ...wasmMatmulKernels(k, arena),
    ...wasmGemvKernels(k, arena),
    ...wasmConvKernels(k, arena),
    ...wasmBroadcastKernels(k, arena),
  };
}
