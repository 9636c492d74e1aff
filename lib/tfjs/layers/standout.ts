// Standout (Ba & Frey 2013) as a dense layer: each unit is kept with probability
// π = sigm(α·s + β) of its own pre-activation s, and multiplied by π at inference.
import { tf, tfl } from '../tf';
import type { Tensors } from '../tf';
import * as dm from '../dropmask';
import { checkCount, checkNumber, checkOneOf, rangeError } from '../../core/errors';
import { standout as standoutOp } from '../ops/standout';
import { StochasticMode, StreamLayerArgs, oneTensor } from './stream_layer';
import { DenseStreamLayer } from './dense_layer';
import { DenseArgs, denseConfig, innerDense } from './dense_weights';

/** tf activation names of the activations Standout supports, as dropmask names them. */
const ACTIVATIONS: Record<string, dm.DenseActivation> = { linear: 'identity', relu: 'relu', tanh: 'tanh', sigmoid: 'sigmoid' };

/** Arguments of `layers.standout`: tf.layers.dense's, plus Standout's. */
export interface StandoutLayerArgs extends StreamLayerArgs, Omit<DenseArgs, keyof StreamLayerArgs | 'activation'> {
  /** 'relu' (default), 'tanh', 'sigmoid' or 'linear'. */
  activation?: 'relu' | 'tanh' | 'sigmoid' | 'linear';
  /** α: slope of the keep probability in the pre-activation. Default 1. */
  alpha?: number;
  /** β: its offset. Default 0. */
  beta?: number;
}

/**
 * A dense layer with Standout: a = m ⊙ g(s), s = x·kernel + bias, m_e ~ Bernoulli(sigm(α s_e + β));
 * training call k equals `dropmask.standout(x, kernelᵀ, bias, { alpha, beta, activation, seed,
 * stream, offset_k })`. Inference returns the expectation π ⊙ g(s).
 */
export class Standout extends DenseStreamLayer {
  static readonly className = 'DropmaskStandout';
  readonly units: number;
  readonly alpha: number;
  readonly beta: number;
  readonly activation: 'relu' | 'tanh' | 'sigmoid' | 'linear';
  protected readonly dense: ReturnType<typeof tfl.layers.dense>;

  constructor(args: StandoutLayerArgs) {
    super(args);
    this.units = checkCount('units', args.units);
    if (this.units < 1) throw rangeError('units', 'a positive integer', args.units);
    this.alpha = args.alpha === undefined ? 1 : checkNumber('alpha', args.alpha);
    this.beta = args.beta === undefined ? 0 : checkNumber('beta', args.beta);
    this.activation =
      args.activation === undefined
        ? 'relu'
        : checkOneOf('activation', args.activation, ['relu', 'tanh', 'sigmoid', 'linear'] as const);
    this.dense = innerDense(args as unknown as Record<string, unknown>, this.name);
  }

  private run(inputs: Tensors, mode: 'train' | 'mc' | 'eval', generator?: dm.Generator): tf.Tensor {
    const x = oneTensor(inputs, 'standout');
    const [kernelVar, biasVar] = this.dense.weights;
    const kernel = kernelVar.read();
    const y = standoutOp(tf.reshape(x, [-1, kernel.shape[0]]), kernel, biasVar ? biasVar.read() : null, {
      alpha: this.alpha,
      beta: this.beta,
      activation: ACTIVATIONS[this.activation],
      mode,
      ...(generator ? { generator } : {}),
    });
    return tf.reshape(y, [...x.shape.slice(0, -1), this.units]);
  }

  protected stochastic(inputs: Tensors, mode: StochasticMode, generator: dm.Generator): Tensors {
    return this.run(inputs, mode, generator);
  }

  protected override inference(inputs: Tensors): Tensors {
    return this.run(inputs, 'eval');
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      ...(denseConfig(this.dense) as tf.serialization.ConfigDict),
      activation: this.activation,
      alpha: this.alpha,
      beta: this.beta,
    };
  }
}
