// Max-pooling dropout as a pooling layer (tf.layers.maxPooling2d's arguments), with probabilistic
// weighted pooling at inference.
import { tf } from '../tf';
import type { DataFormat, Shape, Tensors } from '../tf';
import type { Generator, PoolInference } from '../dropmask';
import { checkOneOf, checkProbability } from '../../core/errors';
import { maxPoolDropout as maxPoolDropoutOp } from '../ops/max_pool_dropout';
import { StochasticMode, StreamLayer, StreamLayerArgs, oneTensor } from './stream_layer';
import { checkPairArg, dataFormatOf, layoutOf } from './args';

/** Arguments of `layers.maxPoolDropout2d`. */
export interface MaxPoolDropout2DLayerArgs extends StreamLayerArgs {
  /** Drop probability of each input element before pooling. Default 0.5. */
  rate?: number;
  /** Pooling window. Default 2. */
  poolSize?: number | [number, number];
  /** Window step. Default: poolSize. Padding is always 'valid'. */
  strides?: number | [number, number];
  /** Inference: 'weighted' (default, probabilistic weighted pooling) or 'scaled-max' (q·max). */
  inference?: PoolInference;
  /** 'channelsLast' (default) or 'channelsFirst'. */
  dataFormat?: DataFormat;
}

/**
 * Max-pooling dropout (Wu & Gu 2015): training pools the kept elements, inference pools by the
 * `inference` rule. Training call k equals `dropmask.maxPoolDropout(x, { p: rate, kernel: poolSize,
 * stride: strides, layout, seed, stream, offset_k })`.
 */
export class MaxPoolDropout2D extends StreamLayer {
  static readonly className = 'DropmaskMaxPoolDropout2D';
  readonly rate: number;
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly inferenceRule: PoolInference;
  readonly layout: 'NHWC' | 'NCHW';

  constructor(args: MaxPoolDropout2DLayerArgs = {}) {
    super(args);
    this.rate = args.rate === undefined ? 0.5 : checkProbability('rate', args.rate);
    this.poolSize = checkPairArg('poolSize', args.poolSize, 2);
    this.strides = checkPairArg('strides', args.strides, this.poolSize);
    this.inferenceRule =
      args.inference === undefined ? 'weighted' : checkOneOf('inference', args.inference, ['weighted', 'scaled-max'] as const);
    this.layout = layoutOf(args.dataFormat);
  }

  private pool(x: tf.Tensor, mode: 'train' | 'mc' | 'eval', generator?: Generator): tf.Tensor {
    const stream = generator ? { generator } : {};
    return maxPoolDropoutOp(x, {
      p: this.rate,
      kernel: this.poolSize,
      stride: this.strides,
      inference: this.inferenceRule,
      layout: this.layout,
      mode,
      ...stream,
    });
  }

  protected stochastic(inputs: Tensors, mode: StochasticMode, generator: Generator): Tensors {
    return this.pool(oneTensor(inputs, 'maxPoolDropout2d'), mode, generator);
  }

  protected override inference(inputs: Tensors): Tensors {
    return this.pool(oneTensor(inputs, 'maxPoolDropout2d'), 'eval');
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const [hAxis, wAxis] = this.layout === 'NHWC' ? [1, 2] : [2, 3];
    const pooled = (size: number | null, k: number, s: number): number | null =>
      size === null ? null : Math.floor((size - k) / s) + 1;
    const out = shape.slice();
    out[hAxis] = pooled(shape[hAxis], this.poolSize[0], this.strides[0]);
    out[wAxis] = pooled(shape[wAxis], this.poolSize[1], this.strides[1]);
    return out;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      rate: this.rate,
      poolSize: this.poolSize,
      strides: this.strides,
      inference: this.inferenceRule,
      dataFormat: dataFormatOf(this.layout),
    };
  }
}
