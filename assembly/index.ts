// The WebAssembly module's exports: raw kernels over pointers into this module's memory.
// lib/backends/wasm.ts owns the memory layout (see scratchBase) and the chunking.
export { setCounter, randomBits } from "./philox";
export { uniform } from "./uniform";
export { normal, gaussianNoise } from "./normal";
export { bernoulliF32, bernoulliU8, bernoulliBits } from "./bernoulli";
export { dropout } from "./dropout";

// First byte the host may use as scratch: everything below holds static data.
export function scratchBase(): usize {
  return (__heap_base + 63) & ~63;
}
export { matmul, matmulScratchBytes, setMatmulMask, maskedGemv } from "./matmul";
export { maxPool, weightedPool, dropBlockMask, argmaxPlanes, maskApply, addScaledRows } from "./conv";
