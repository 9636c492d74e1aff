// The core of the public API: the stream, masks, dropout, the Generator and backend selection.
// The edge entry 'dropmask/core' is this alone (the smallest bundle); api.ts adds every method.
export type { Backend, BackendName } from './backends/interface';
export { streamWords } from './backends/interface';
export { Generator, defaultGenerator } from './core/generator';
export type { GeneratorOptions, GeneratorState, StreamPosition } from './core/generator';
export type { StreamOptions } from './core/options';
export type { UInt64Like } from './core/stream';
export { randomBits, uniform, normal } from './core/random';
export type { NormalOptions } from './core/random';
export { bernoulliMask, effectiveP, maskScale, dropThreshold } from './core/bernoulli';
export type { BernoulliMaskOptions, MaskLayout } from './core/bernoulli';
export { dropout, dropoutBackward, gaussianNoise } from './methods/dense/dropout';
export type { DropoutOptions, GaussianNoiseOptions } from './methods/dense/dropout';
export type { ElementwiseOptions, Mode } from './core/method';
export { availableBackends, backendInfo, getThreads, loadBackend, setBackend, setThreads } from './backends/select';
export type { BackendInfo } from './backends/select';
export type { DropoutScaling } from './methods/dense/dropout';
