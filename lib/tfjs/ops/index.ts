// The `ops` namespace of dropmask/tfjs: every method as a TensorFlow.js op on tensors, with its
// gradient through tf.customGrad.
export { dropout } from './dropout';
export type { DropoutOpOptions } from './dropout';
export { gaussianDropout, gaussianNoise, additiveGaussianNoise } from './gaussian';
export type { AdditiveGaussianNoiseOpOptions, GaussianDropoutOpOptions, GaussianNoiseOpOptions } from './gaussian';
export { alphaDropout, featureAlphaDropout } from './alpha_dropout';
export type { AlphaDropoutOpOptions, FeatureAlphaDropoutOpOptions } from './alpha_dropout';
export { spatialDropout } from './spatial_dropout';
export type { SpatialDropoutOpOptions } from './spatial_dropout';
export { dropBlock } from './drop_block';
export type { DropBlockOpOptions } from './drop_block';
export { dropPath } from './drop_path';
export type { DropPathOpOptions } from './drop_path';
export { maxDrop } from './max_drop';
export type { MaxDropOpOptions } from './max_drop';
export { maxPoolDropout } from './max_pool_dropout';
export type { MaxPoolDropoutOpOptions } from './max_pool_dropout';
export { cutout } from './cutout';
export type { CutoutOpOptions } from './cutout';
export { dropConnect, dropConnectInference } from './dropconnect';
export type { DropConnectInferenceOpOptions, DropConnectOpOptions } from './dropconnect';
export { standout } from './standout';
export type { StandoutOpOptions } from './standout';
export { concreteDropout } from './concrete';
export type { ConcreteDropoutOpOptions } from './concrete';
export type { OpMode, OpOptions, TensorLayout } from './op';
export { gru, lstm } from './recurrent';
export type { GruOpResult, LstmOpResult, RecurrentOpOptions } from './recurrent';
