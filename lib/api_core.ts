// The core of the public API: the stream, masks, dropout, the Generator and backend selection.
// The edge entry 'dropmask/core' is this alone (the smallest bundle); api.ts adds every method.
export type { Backend, BackendName } from './backend';
export { streamWords } from './backend';
export { Generator, defaultGenerator } from './generator';
export type { GeneratorOptions, GeneratorState, StreamPosition } from './generator';
export type { StreamOptions } from './options';
export type { UInt64Like } from './stream';
export { randomBits, uniform, normal } from './random';
export type { NormalOptions } from './random';
export { bernoulliMask, effectiveP, maskScale, dropThreshold } from './bernoulli';
export type { BernoulliMaskOptions, MaskLayout } from './bernoulli';
export { dropout, dropoutBackward, gaussianNoise } from './dropout';
export type { DropoutOptions, ElementwiseOptions, GaussianNoiseOptions, Mode } from './dropout';
export { availableBackends, backendInfo, getThreads, loadBackend, setBackend, setThreads } from './select';
export type { BackendInfo } from './select';
export type { DropoutScaling } from './dropout';
