// The WebAssembly module's exports, one line per kernel family (the same families as
// native/<family>.inc): raw kernels over byte pointers into this module's memory, called by name
// from lib/backends/wasm/ (one adapter file per family), which owns the memory layout above
// scratchBase and the chunking.
export { setCounter, randomBits } from "./philox";
export { uniform } from "./uniform";
export { normal, gaussianNoise } from "./normal";
export { bernoulliF32, bernoulliU8, bernoulliBits } from "./bernoulli";
export { dropout } from "./dropout";
export { matmul, dropConnectMatmul, matmulScratchBytes, setMatmulMask } from "./matmul";
export { maskedGemv, dropConnectGemv } from "./gemv";
export { maxPool, weightedPool, dropBlockMask, argmaxPlanes } from "./conv";
export { maskApply, addScaledRows } from "./broadcast";

// First byte the host may use as scratch: every family's static buffers lie below it.
export function scratchBase(): usize {
  return (__heap_base + 63) & ~63;
}
