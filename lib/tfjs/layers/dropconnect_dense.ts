// A dense layer with DropConnect on its kernel and bias (Wan et al. 2013): masks per example or
// shared, and the paper's Gaussian moment-matching inference.
import { tf, tfl } from '../tf';
import type { Tensors } from '../tf';
import * as dm from '../dropmask';
import { checkCount, checkOneOf, checkProbability, rangeError, typeError } from '../../core/errors';
import { dropConnect as dropConnectOp, dropConnectInference } from '../ops/dropconnect';
import { StochasticMode, StreamLayerArgs, oneTensor } from './stream_layer';
import { DenseStreamLayer } from './dense_layer';
import { DenseArgs, denseConfig, innerActivation, innerDense } from './dense_weights';

/** tf activations that Gaussian inference can average (dropmask's names). */
const GAUSSIAN_ACTIVATIONS: Record<string, dm.DenseActivation> = {
  linear: 'identity',
  relu: 'relu',
  tanh: 'tanh',
  sigmoid: 'sigmoid',
};

/** Arguments of `layers.dropConnectDense`: tf.layers.dense's, plus DropConnect's. */
export interface DropConnectDenseLayerArgs extends StreamLayerArgs, Omit<DenseArgs, keyof StreamLayerArgs | 'activation'> {
  /** A tf activation identifier ('relu', 'softmax', …). Default 'linear'. */
  activation?: string;
  /** Drop probability of each weight and bias. Default 0.5 (the paper). */
  rate?: number;
  /** A fresh mask per example (default, the paper) or one per batch (false: as fast as a plain dense layer). */
  perExample?: boolean;
  /** 'none' (default, the paper) or 'inverted' (kept weights ÷ (1 − rate)). */
  scaling?: dm.DropConnectScaling;
  /**
   * Inference: 'gaussian' (moment matching, the paper; default for linear, relu, tanh and sigmoid)
   * or 'mean' (the activation of the mean, q·(x·kernel + bias); default for other activations).
   */
  inference?: 'gaussian' | 'mean';
  /** Gaussian samples per unit at inference. Default 1000. */
  samples?: number;
}

/** The stream of a layer's inference samples: a fixed position apart from its training stream. */
const inferenceStream = (stream: bigint): bigint => stream ^ (1n << 63n);

/**
 * A dense layer whose weights and biases are dropped by DropConnect. Training call k equals
 * `dropmask.dropConnect(x, kernelᵀ, bias, { p: rate, perExample, scaling, seed, stream,
 * offset_k })`, then the activation. Inference ('gaussian') equals
 * `dropmask.dropConnectInference(x, kernelᵀ, bias, { activation, samples, seed, stream: stream ^ 2^63,
 * offset: 0 })` on every call (so predictions are deterministic and leave the training position alone).
 */
export class DropConnectDense extends DenseStreamLayer {
  static readonly className = 'DropmaskDropConnectDense';
  readonly units: number;
  readonly rate: number;
  readonly perExample: boolean;
  readonly scaling: dm.DropConnectScaling;
  readonly inferenceRule: 'gaussian' | 'mean';
  readonly samples: number;
  protected readonly dense: ReturnType<typeof tfl.layers.dense>;
  private readonly activationLayer: ReturnType<typeof tfl.layers.activation>;

  constructor(args: DropConnectDenseLayerArgs) {
    super(args);
    this.units = checkCount('units', args.units);
    if (this.units < 1) throw rangeError('units', 'a positive integer', args.units);
    this.rate = args.rate === undefined ? 0.5 : checkProbability('rate', args.rate);
    if (args.perExample !== undefined && typeof args.perExample !== 'boolean')
      throw typeError('perExample', 'a boolean', args.perExample);
    this.perExample = args.perExample !== false;
    this.scaling = args.scaling === undefined ? 'none' : checkOneOf('scaling', args.scaling, ['none', 'inverted'] as const);
    this.samples = args.samples === undefined ? 1000 : checkCount('samples', args.samples);
    if (this.samples < 1) throw rangeError('samples', 'a positive integer', args.samples);
    this.dense = innerDense(args as unknown as Record<string, unknown>, this.name);
    this.activationLayer = innerActivation(args.activation, this.name);
    const activation = this.activation;
    const gaussianOk = activation in GAUSSIAN_ACTIVATIONS;
    this.inferenceRule =
      args.inference === undefined
        ? gaussianOk
          ? 'gaussian'
          : 'mean'
        : checkOneOf('inference', args.inference, ['gaussian', 'mean'] as const);
    if (this.inferenceRule === 'gaussian' && !gaussianOk) {
      throw new RangeError(
        `Expected activation linear, relu, tanh or sigmoid with inference 'gaussian' but received "${activation}" (use inference 'mean')`,
      );
    }
  }

  /** The activation's tf identifier. */
  get activation(): string {
    return String((this.activationLayer.getConfig() as { activation: unknown }).activation);
  }

  /** kernel [in, units] and bias [units] (or null) as tensors, and x flattened to [rows, in]. */
  private operands(inputs: Tensors): { x2: tf.Tensor; kernel: tf.Tensor; bias: tf.Tensor | null; outShape: number[] } {
    const x = oneTensor(inputs, 'dropConnectDense');
    const [kernelVar, biasVar] = this.dense.weights;
    const kernel = kernelVar.read();
    const bias = biasVar ? biasVar.read() : null;
    const din = kernel.shape[0];
    return { x2: tf.reshape(x, [-1, din]), kernel, bias, outShape: [...x.shape.slice(0, -1), this.units] };
  }

  protected stochastic(inputs: Tensors, mode: StochasticMode, generator: dm.Generator): Tensors {
    const { x2, kernel, bias, outShape } = this.operands(inputs);
    const y = dropConnectOp(x2, kernel, bias, {
      p: this.rate,
      perExample: this.perExample,
      scaling: this.scaling,
      mode,
      generator,
    });
    return this.activationLayer.apply(tf.reshape(y, outShape)) as tf.Tensor;
  }

  protected override inference(inputs: Tensors): Tensors {
    const { x2, kernel, bias, outShape } = this.operands(inputs);
    if (this.inferenceRule === 'mean') {
      const y = dropConnectOp(x2, kernel, bias, { p: this.rate, scaling: this.scaling, mode: 'eval' });
      return this.activationLayer.apply(tf.reshape(y, outShape)) as tf.Tensor;
    }
    const { seed, stream } = this.position();
    const r = dropConnectInference(x2, kernel, bias, {
      p: this.rate,
      scaling: this.scaling,
      activation: GAUSSIAN_ACTIVATIONS[this.activation],
      samples: this.samples,
      seed,
      stream: inferenceStream(stream),
    });
    return tf.reshape(r, outShape);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      ...(denseConfig(this.dense) as tf.serialization.ConfigDict),
      activation: this.activation,
      rate: this.rate,
      perExample: this.perExample,
      scaling: this.scaling,
      inference: this.inferenceRule,
      samples: this.samples,
    };
  }
}
