// The `layers` namespace of dropmask/tfjs: factories named as tf.layers names them, the layer
// classes, and their registration with tfjs' serialisation (so tf.loadLayersModel finds them).
import { tf } from '../tf';
import { Dropout, DropoutLayerArgs } from './dropout';
import { SpatialDropout1D, SpatialDropout2D, SpatialDropout3D, SpatialDropoutLayerArgs } from './spatial_dropout';
import { GaussianDropout, GaussianDropoutLayerArgs, GaussianNoise, GaussianNoiseLayerArgs } from './gaussian';
import { AlphaDropout, AlphaDropoutLayerArgs } from './alpha_dropout';
import { DropBlock2D, DropBlock2DLayerArgs } from './drop_block';
import { DropPath, DropPathLayerArgs } from './drop_path';
import { MaxDrop2D, MaxDrop2DLayerArgs } from './max_drop';
import { MaxPoolDropout2D, MaxPoolDropout2DLayerArgs } from './max_pool_dropout';
import { Cutout, CutoutLayerArgs } from './cutout';
import { DropConnectDense, DropConnectDenseLayerArgs } from './dropconnect_dense';
import { Standout, StandoutLayerArgs } from './standout';
import { ConcreteDropout, ConcreteDropoutLayerArgs } from './concrete_dropout';
import { GRU, LSTM, RecurrentLayerArgs } from './recurrent';

export {
  AlphaDropout,
  ConcreteDropout,
  Cutout,
  DropBlock2D,
  DropConnectDense,
  DropPath,
  Dropout,
  GaussianDropout,
  GaussianNoise,
  GRU,
  LSTM,
  MaxDrop2D,
  MaxPoolDropout2D,
  SpatialDropout1D,
  SpatialDropout2D,
  SpatialDropout3D,
  Standout,
};
export { StreamLayer } from './stream_layer';
export type { StochasticMode, StreamLayerArgs, StreamLayerConfig } from './stream_layer';
export type {
  AlphaDropoutLayerArgs,
  ConcreteDropoutLayerArgs,
  CutoutLayerArgs,
  DropBlock2DLayerArgs,
  DropConnectDenseLayerArgs,
  DropPathLayerArgs,
  DropoutLayerArgs,
  GaussianDropoutLayerArgs,
  GaussianNoiseLayerArgs,
  MaxDrop2DLayerArgs,
  MaxPoolDropout2DLayerArgs,
  RecurrentLayerArgs,
  SpatialDropoutLayerArgs,
  StandoutLayerArgs,
};
export type { RecurrentDropoutKind } from './recurrent';

/** Every layer class, as registered with tfjs (className 'Dropmask…'). */
export const LAYER_CLASSES = [
  Dropout,
  SpatialDropout1D,
  SpatialDropout2D,
  SpatialDropout3D,
  GaussianDropout,
  GaussianNoise,
  AlphaDropout,
  DropBlock2D,
  DropPath,
  MaxDrop2D,
  MaxPoolDropout2D,
  Cutout,
  DropConnectDense,
  Standout,
  ConcreteDropout,
  LSTM,
  GRU,
] as const;

/**
 * Registers every dropmask layer with tfjs' serialisation, so that tf.loadLayersModel rebuilds
 * them. Importing dropmask/tfjs does this already; call it where a bundler's tree-shaking could
 * drop that import (it is idempotent).
 */
export function registerLayers(): void {
  for (const cls of LAYER_CLASSES)
    tf.serialization.registerClass(cls as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
}
registerLayers();

/** A drop-in `tf.layers.dropout` (the first training call equals `dropmask.dropout(x, { p: rate, seed })`). */
export const dropout = (args: DropoutLayerArgs): Dropout => new Dropout(args);
/** A drop-in `tf.layers.spatialDropout1d` over [N, steps, channels]. */
export const spatialDropout1d = (args: SpatialDropoutLayerArgs): SpatialDropout1D => new SpatialDropout1D(args);
/** Spatial dropout over 2-D maps (Keras SpatialDropout2D). */
export const spatialDropout2d = (args: SpatialDropoutLayerArgs): SpatialDropout2D => new SpatialDropout2D(args);
/** Spatial dropout over 3-D maps (Keras SpatialDropout3D). */
export const spatialDropout3d = (args: SpatialDropoutLayerArgs): SpatialDropout3D => new SpatialDropout3D(args);
/** A drop-in `tf.layers.gaussianDropout`. */
export const gaussianDropout = (args: GaussianDropoutLayerArgs): GaussianDropout => new GaussianDropout(args);
/** A drop-in `tf.layers.gaussianNoise` (additive). */
export const gaussianNoise = (args: GaussianNoiseLayerArgs): GaussianNoise => new GaussianNoise(args);
/** A drop-in `tf.layers.alphaDropout`. */
export const alphaDropout = (args: AlphaDropoutLayerArgs): AlphaDropout => new AlphaDropout(args);
/** DropBlock over 2-D maps, with the paper's linear schedule. */
export const dropBlock2d = (args: DropBlock2DLayerArgs = {}): DropBlock2D => new DropBlock2D(args);
/** DropPath / stochastic depth on a residual branch, or on [shortcut, branch]. */
export const dropPath = (args: DropPathLayerArgs): DropPath => new DropPath(args);
/** Max-Drop over 2-D maps. */
export const maxDrop2d = (args: MaxDrop2DLayerArgs = {}): MaxDrop2D => new MaxDrop2D(args);
/** Max-pooling dropout: a max-pooling layer with dropout before it and weighted pooling at inference. */
export const maxPoolDropout2d = (args: MaxPoolDropout2DLayerArgs = {}): MaxPoolDropout2D => new MaxPoolDropout2D(args);
/** Cutout, a preprocessing layer active in training only. */
export const cutout = (args: CutoutLayerArgs = {}): Cutout => new Cutout(args);
/** A dense layer with DropConnect on its kernel and bias. */
export const dropConnectDense = (args: DropConnectDenseLayerArgs): DropConnectDense => new DropConnectDense(args);
/** A dense layer with Standout. */
export const standout = (args: StandoutLayerArgs): Standout => new Standout(args);
/** Concrete dropout (learned drop rate) on the input of a wrapped layer. */
export const concreteDropout = (args: ConcreteDropoutLayerArgs): ConcreteDropout => new ConcreteDropout(args);
/** An LSTM layer with dropmask's recurrent dropout placements. */
export const lstm = (args: RecurrentLayerArgs): LSTM => new LSTM(args);
/** A GRU layer with dropmask's recurrent dropout placements. */
export const gru = (args: RecurrentLayerArgs): GRU => new GRU(args);
