// dropmask: fast, reproducible dropout. This file only re-exports.
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
export type { DropoutOptions, GaussianNoiseOptions, Mode } from './dropout';
export { availableBackends, backendInfo, loadBackend, setBackend } from './select';
export type { BackendInfo } from './select';
