// What the dense dropmask layers (DropConnectDense, Standout) share: their weights live in an inner
// tf.layers.dense (dense_weights.ts), so building, the weight lists, the losses and the output shape
// are that layer's.
import { tf, tfl } from '../tf';
import type { Shape } from '../tf';
import { StreamLayer } from './stream_layer';

type LayerVariable = tfl.LayerVariable;

export abstract class DenseStreamLayer extends StreamLayer {
  /** The inner weights-only dense layer, made by the subclass's constructor (innerDense). */
  protected abstract readonly dense: ReturnType<typeof tfl.layers.dense>;

  override build(inputShape: Shape | Shape[]): void {
    this.dense.build(inputShape);
    this.built = true;
  }

  override get trainableWeights(): LayerVariable[] {
    return this.trainable ? this.dense.trainableWeights : [];
  }

  override set trainableWeights(weights: LayerVariable[]) {
    super.trainableWeights = weights;
  }

  override get nonTrainableWeights(): LayerVariable[] {
    return this.trainable ? this.dense.nonTrainableWeights : this.dense.weights;
  }

  override set nonTrainableWeights(weights: LayerVariable[]) {
    super.nonTrainableWeights = weights;
  }

  override calculateLosses(): tf.Scalar[] {
    return [...super.calculateLosses(), ...this.dense.calculateLosses()];
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return this.dense.computeOutputShape(inputShape);
  }
}
