// Concrete dropout (Gal, Hron & Kendall 2017) as a wrapper of the layer it feeds, as in the
// authors' Keras code: it learns the drop probability p of the wrapped layer's input and adds the
// regulariser wr·ΣW²/(1 − p) + dr·K·(p log p + (1 − p) log(1 − p)) to the model's loss.
import { tf, tfl } from '../tf';
import type { DataFormat, Kwargs, Shape, Tensors } from '../tf';
import type { Generator } from '../dropmask';
import { checkNumber, typeError } from '../../core/errors';
import { concreteDropout as concreteDropoutOp } from '../ops/concrete';
import { StochasticMode, StreamLayer, StreamLayerArgs, oneTensor } from './stream_layer';
import { dataFormatOf, layoutOf } from './args';
import { deserializeObject, serializeObject } from './serialized';

type Layer = tfl.layers.Layer;
type LayerVariable = tfl.LayerVariable;

/** Arguments of `layers.concreteDropout`. */
export interface ConcreteDropoutLayerArgs extends StreamLayerArgs {
  /** The layer whose input is dropped (a tf.layers.dense, conv2d, …). */
  layer: Layer;
  /** wr = l²/(τN): coefficient of the wrapped layer's squared kernel. Default 1e−6. */
  weightRegularizer?: number;
  /** dr = 2/(τN) (drop the 2 for a cross-entropy loss): coefficient of the dropout entropy. Default 1e−5. */
  dropoutRegularizer?: number;
  /** Temperature of the relaxation. Default 0.1. */
  temperature?: number;
  /** The drop probability p at the start. Default 0.1. */
  initP?: number;
  /** One relaxed indicator per (example, channel) of a feature map instead of per element. Default false. */
  spatial?: boolean;
  /** With `spatial`: 'channelsLast' (default) or 'channelsFirst'. */
  dataFormat?: DataFormat;
}

/**
 * Concrete dropout on the input of `layer`, with p = sigm(pLogit) a trainable weight
 * ('<name>/p_logit'). Training call k drops the input as `dropmask.concreteDropout(x, pLogit, {
 * temperature, spatial, seed, stream, offset_k })` and applies `layer`; MC passes draw hard
 * Bernoulli(1 − p) masks; inference feeds x through unchanged.
 */
export class ConcreteDropout extends StreamLayer {
  static readonly className = 'DropmaskConcreteDropout';
  readonly layer: Layer;
  readonly weightRegularizer: number;
  readonly dropoutRegularizer: number;
  readonly temperature: number;
  readonly initP: number;
  readonly spatial: boolean;
  readonly layout: 'NHWC' | 'NCHW';
  private pLogit: LayerVariable | null = null;
  private inputDim = 0;

  constructor(args: ConcreteDropoutLayerArgs) {
    super(args);
    if (!(args.layer instanceof tfl.layers.Layer)) throw typeError('layer', 'a tf.layers Layer', args.layer);
    this.layer = args.layer;
    this.weightRegularizer =
      args.weightRegularizer === undefined ? 1e-6 : checkNumber('weightRegularizer', args.weightRegularizer, 0);
    this.dropoutRegularizer =
      args.dropoutRegularizer === undefined ? 1e-5 : checkNumber('dropoutRegularizer', args.dropoutRegularizer, 0);
    this.temperature = args.temperature === undefined ? 0.1 : checkNumber('temperature', args.temperature, Number.MIN_VALUE);
    this.initP = args.initP === undefined ? 0.1 : checkNumber('initP', args.initP, Number.MIN_VALUE, 1 - Number.EPSILON);
    if (args.spatial !== undefined && typeof args.spatial !== 'boolean') throw typeError('spatial', 'a boolean', args.spatial);
    this.spatial = args.spatial === true;
    this.layout = layoutOf(args.dataFormat);
  }

  /** The current drop probability p = sigm(pLogit) (after `build`). */
  dropRate(): number {
    if (!this.pLogit) throw new TypeError('Expected a built layer for dropRate() but the layer has not been built');
    return tf.tidy(() => tf.sigmoid(this.pLogit!.read()).dataSync()[0]);
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    this.inputDim = (this.spatial && this.layout === 'NCHW' ? shape[1] : shape[shape.length - 1]) ?? 0;
    const logit = Math.log(this.initP) - Math.log(1 - this.initP);
    this.pLogit = this.addWeight('p_logit', [], 'float32', tfl.initializers.constant({ value: logit }), undefined, true);
    if (!this.layer.built) this.layer.build(inputShape);
    this.built = true;
  }

  override get trainableWeights(): LayerVariable[] {
    return [...super.trainableWeights, ...this.layer.trainableWeights];
  }

  override set trainableWeights(weights: LayerVariable[]) {
    super.trainableWeights = weights;
  }

  override get nonTrainableWeights(): LayerVariable[] {
    return [...super.nonTrainableWeights, ...this.layer.nonTrainableWeights];
  }

  override set nonTrainableWeights(weights: LayerVariable[]) {
    super.nonTrainableWeights = weights;
  }

  /** The wrapped layer's kernels: its weights named '…/kernel', or all its trainable weights when none is. */
  private kernels(): LayerVariable[] {
    const all = this.layer.trainableWeights;
    const kernels = all.filter((w) => /(^|\/)kernel(_\d+)?$/.test(w.originalName));
    return kernels.length > 0 ? kernels : all;
  }

  /** R = wr·ΣW²/(1 − p) + dr·K·(p log p + (1 − p) log(1 − p)), dropmask's concreteRegularizer in tf ops. */
  regularizer(): tf.Scalar {
    return tf.tidy(() => {
      if (!this.pLogit) return tf.scalar(0);
      const p = tf.sigmoid(this.pLogit.read());
      const q = tf.sub(1, p);
      const kernels = this.kernels().map((w) => tf.sum(tf.square(w.read())));
      const sumSq = kernels.length === 0 ? tf.scalar(0) : tf.addN(kernels);
      const weights = tf.div(tf.mul(this.weightRegularizer, sumSq), q);
      const entropy = tf.add(tf.mul(p, tf.log(p)), tf.mul(q, tf.log(q)));
      return tf.add(weights, tf.mul(this.dropoutRegularizer * this.inputDim, entropy)) as tf.Scalar;
    });
  }

  override calculateLosses(): tf.Scalar[] {
    return [...super.calculateLosses(), ...this.layer.calculateLosses(), this.regularizer()];
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return this.layer.computeOutputShape(inputShape);
  }

  protected stochastic(inputs: Tensors, mode: StochasticMode, generator: Generator, kwargs: Kwargs): Tensors {
    const x = oneTensor(inputs, 'concreteDropout');
    const dropped = concreteDropoutOp(x, this.pLogit!.read(), {
      temperature: this.temperature,
      spatial: this.spatial,
      layout: this.layout,
      mode,
      generator,
    });
    return this.layer.apply(dropped, kwargs) as tf.Tensor;
  }

  protected override inference(inputs: Tensors, kwargs: Kwargs): Tensors {
    return this.layer.apply(oneTensor(inputs, 'concreteDropout'), kwargs) as tf.Tensor;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      layer: serializeObject(this.layer),
      weightRegularizer: this.weightRegularizer,
      dropoutRegularizer: this.dropoutRegularizer,
      temperature: this.temperature,
      initP: this.initP,
      spatial: this.spatial,
      dataFormat: dataFormatOf(this.layout),
    };
  }

  /** Rebuilds the wrapped layer from its serialised form (model loading). */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const layer = deserializeObject<Layer>('layer', config.layer);
    return new cls({ ...config, layer });
  }
}
