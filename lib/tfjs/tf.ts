// The one place that imports TensorFlow.js: tfjs-core (tensors, ops, gradients, serialisation)
// and tfjs-layers (the Layer base class and models). Both are optional peer dependencies of
// dropmask: only the 'dropmask/tfjs' entry loads this file, never 'dropmask' itself.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

export { tf, tfl };

/** The arguments every tf.layers layer accepts (name, inputShape, trainable, …). */
export type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;
/** The keyword arguments of Layer.call ({ training, mask, … }). */
export type Kwargs = Parameters<tfl.layers.Layer['call']>[1];
/** A tensor or the list of tensors a layer receives or returns. */
export type Tensors = tf.Tensor | tf.Tensor[];
/** A shape with null for unknown dimensions (the batch). */
export type Shape = tfl.Shape;
/** tf.layers' data formats: channels last ([N, H, W, C], the default) or first ([N, C, H, W]). */
export type DataFormat = 'channelsFirst' | 'channelsLast';
