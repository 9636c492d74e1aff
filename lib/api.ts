// The whole public API, with no platform code: lib/index.ts (Node) and lib/edge.ts (browsers,
// workers, Deno) re-export it after registering how their backends load. This file only re-exports.
export * from './api_core';
export { dropoutBackwardAsync } from './methods/dense/dropout';
export { linear, linearAsync, packWeights } from './methods/dense/linear';
export type { DenseShapeOptions, LinearOptions, PackedLinearOptions, PackWeightsOptions } from './methods/dense/linear';
export { PackedWeights } from './methods/dense/packed_weights';
export {
  dropConnect,
  dropConnectBackward,
  dropConnectInference,
  dropConnectAsync,
  dropConnectBackwardAsync,
  dropConnectInferenceAsync,
} from './methods/dense/dropconnect';
export type {
  DenseActivation,
  DropConnectGradients,
  DropConnectInferenceOptions,
  DropConnectOptions,
  DropConnectScaling,
  PackedDropConnectOptions,
} from './methods/dense/dropconnect';
export {
  gaussianDropout,
  gaussianDropoutBackward,
  gaussianDropoutStd,
  gaussianDropoutAsync,
  gaussianDropoutBackwardAsync,
} from './methods/dense/gaussian_dropout';
export type { GaussianDropoutOptions } from './methods/dense/gaussian_dropout';
export {
  alphaDropout,
  alphaDropoutAffine,
  alphaDropoutBackward,
  featureAlphaDropout,
  ALPHA_PRIME,
  SELU_ALPHA,
  SELU_LAMBDA,
  alphaDropoutAsync,
  alphaDropoutBackwardAsync,
  featureAlphaDropoutAsync,
} from './methods/dense/alpha_dropout';
export type { AlphaDropoutOptions } from './methods/dense/alpha_dropout';
export { standout, standoutBackward, standoutAsync, standoutBackwardAsync } from './methods/dense/standout';
export type { StandoutOptions } from './methods/dense/standout';
export {
  fastDropout,
  fastDropoutBackward,
  fastDropoutMoments,
  gaussianActivationMoments,
  normalCdf,
  fastDropoutAsync,
  fastDropoutBackwardAsync,
} from './methods/dense/fast_dropout';
export type { FastDropoutOptions } from './methods/dense/fast_dropout';
export {
  variationalDense,
  variationalDenseBackward,
  variationalKL,
  clampLogAlpha,
  KL_C1,
  KL_C2,
  KL_C3,
  KL_K1,
  KL_K2,
  KL_K3,
  variationalDenseAsync,
  variationalDenseBackwardAsync,
} from './methods/dense/variational';
export type { AlphaGranularity, VariationalDenseOptions, VariationalKLOptions } from './methods/dense/variational';
export {
  concreteDropout,
  concreteDropoutBackward,
  concreteRegularizer,
  concreteDropoutAsync,
  concreteDropoutBackwardAsync,
} from './methods/dense/concrete';
export type { ConcreteDropoutOptions, ConcreteRegularizerOptions } from './methods/dense/concrete';
export { tfStatelessUniform, tfStatelessPosition } from './core/tf_stateless';
export type { TfSeed, TfStatelessOptions, TfStatelessUniformOptions } from './core/tf_stateless';
export {
  tfStatelessDropout,
  tfStatelessDropoutBackward,
  tfStatelessDropoutAsync,
  tfStatelessDropoutBackwardAsync,
} from './methods/dense/tf_stateless_dropout';
export type { TfStatelessDropoutOptions } from './methods/dense/tf_stateless_dropout';
export {
  randomBitsAsync,
  uniformAsync,
  normalAsync,
  bernoulliMaskAsync,
  dropoutAsync,
  gaussianNoiseAsync,
} from './async/kernels';
export type { ConvLayout, ConvShapeOptions } from './methods/conv/shape';
export {
  maxPoolDropout,
  maxPoolDropoutBackward,
  maxPoolDropoutShape,
  weightedPoolingWeights,
  maxPoolDropoutAsync,
  maxPoolDropoutBackwardAsync,
} from './methods/conv/max_pool_dropout';
export type { MaxPoolDropoutOptions, PoolInference } from './methods/conv/max_pool_dropout';
export {
  spatialDropout,
  spatialDropoutBackward,
  spatialDropoutAsync,
  spatialDropoutBackwardAsync,
} from './methods/conv/spatial_dropout';
export type { SpatialDropoutOptions } from './methods/conv/spatial_dropout';
export { cutout, cutoutBackward, cutoutAsync, cutoutBackwardAsync } from './methods/conv/cutout';
export type { CutoutBoxRule, CutoutCenterRange, CutoutOptions, CutoutRegion, CutoutResult } from './methods/conv/cutout';
export { maxDrop, maxDropBackward, maxDropAsync, maxDropBackwardAsync } from './methods/conv/max_drop';
export type { MaxDropGranularity, MaxDropOptions } from './methods/conv/max_drop';
export {
  stochasticDropout,
  stochasticDropoutBackward,
  stochasticDropoutRate,
  stochasticDropoutAsync,
  stochasticDropoutBackwardAsync,
} from './methods/conv/stochastic_dropout';
export type { RateDistribution, StochasticDropoutDraw, StochasticDropoutOptions } from './methods/conv/stochastic_dropout';
export {
  dropBlock,
  dropBlockBackward,
  dropBlockGamma,
  dropBlockSchedule,
  dropBlockAsync,
  dropBlockBackwardAsync,
} from './methods/conv/drop_block';
export type { DropBlockOptions, DropBlockScheduleOptions, DropBlockSeedRegion } from './methods/conv/drop_block';
export {
  dropPath,
  dropPathBackward,
  dropPathKeep,
  stochasticDepthRates,
  dropPathAsync,
  dropPathBackwardAsync,
} from './methods/conv/drop_path';
export type { DropPathGranularity, DropPathOptions, DropPathScaling, StochasticDepthOptions } from './methods/conv/drop_path';
export { lstm, lstmBackward, lstmAsync, lstmBackwardAsync } from './methods/recurrent/lstm';
export type { LstmBackwardOptions, LstmGradients, LstmParams, LstmResult, LstmTape } from './methods/recurrent/lstm';
export { gru, gruBackward, gruAsync, gruBackwardAsync } from './methods/recurrent/gru';
export type { GruGradients, GruParams, GruResult, GruTape } from './methods/recurrent/gru';
export type { RnnDropScaling, RnnDropout, RnnGradients, RnnOptions } from './methods/recurrent/recurrent';
export { fromKerasGru, fromTorchGru, fromTorchLstm } from './methods/recurrent/import_weights';
export type { ImportedRnn, KerasGruWeights, TorchRnnWeights } from './methods/recurrent/import_weights';
export { mcPredict, mcPredictAsync, mcPrecision } from './methods/bayes/mc_dropout';
export type { McForward, McPass, McPrecisionOptions, McPredictOptions, McPrediction } from './methods/bayes/mc_dropout';
export { Mlp } from './methods/bayes/mlp';
export type { MlpActivation, MlpDropoutMethod, MlpForwardOptions, MlpOptions, MlpTrainOptions } from './methods/bayes/mlp';
export { noisySine, twoMoons } from './methods/bayes/datasets';
export type { NoisySineOptions, TwoMoonsOptions } from './methods/bayes/datasets';
export {
  sbpKL,
  sbpNoise,
  sbpNoiseBackward,
  sbpSNR,
  sbpStatistics,
  sbpNoiseAsync,
  sbpNoiseBackwardAsync,
} from './methods/bayes/sbp';
export type { SbpBounds, SbpNoiseOptions } from './methods/bayes/sbp';
export {
  embeddingDropout,
  embeddingDropoutBackward,
  embeddingDropoutAsync,
  embeddingDropoutBackwardAsync,
} from './methods/recurrent/embedding_dropout';
export type { EmbeddingDropoutOptions } from './methods/recurrent/embedding_dropout';
