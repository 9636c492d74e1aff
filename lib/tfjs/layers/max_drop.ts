// Max-Drop as a layer: with probability rate a map (or a position) loses its strongest activation.
import { tf } from '../tf';
import type { DataFormat, Tensors } from '../tf';
import type { Generator, MaxDropGranularity } from '../dropmask';
import { checkOneOf, checkProbability } from '../../core/errors';
import { maxDrop as maxDropOp } from '../ops/max_drop';
import { StochasticMode, StreamLayer, StreamLayerArgs, oneTensor } from './stream_layer';
import { checkPairArg, dataFormatOf, layoutOf } from './args';

/** Arguments of `layers.maxDrop2d`. */
export interface MaxDrop2DLayerArgs extends StreamLayerArgs {
  /** Probability that a map (or position) loses its arg-max. Default 0.1. */
  rate?: number;
  /** 'feature' (default): per (example, channel) map; 'channel': per (example, row, column) position. */
  granularity?: MaxDropGranularity;
  /** Window [rows, cols] centred on the arg-max that is dropped. Default 1. */
  kernelSize?: number | [number, number];
  /** 'channelsLast' (default) or 'channelsFirst'. */
  dataFormat?: DataFormat;
}

/**
 * Max-Drop (Park & Kwak 2016) over [N, H, W, C] or [N, C, H, W]: training call k equals
 * `dropmask.maxDrop(x, { p: rate, granularity, kernel: kernelSize, layout, seed, stream, offset_k })`.
 * Inference is the identity.
 */
export class MaxDrop2D extends StreamLayer {
  static readonly className = 'DropmaskMaxDrop2D';
  readonly rate: number;
  readonly granularity: MaxDropGranularity;
  readonly kernelSize: [number, number];
  readonly layout: 'NHWC' | 'NCHW';

  constructor(args: MaxDrop2DLayerArgs = {}) {
    super(args);
    this.rate = args.rate === undefined ? 0.1 : checkProbability('rate', args.rate);
    this.granularity =
      args.granularity === undefined ? 'feature' : checkOneOf('granularity', args.granularity, ['feature', 'channel'] as const);
    this.kernelSize = checkPairArg('kernelSize', args.kernelSize, 1);
    this.layout = layoutOf(args.dataFormat);
  }

  protected stochastic(inputs: Tensors, mode: StochasticMode, generator: Generator): Tensors {
    return maxDropOp(oneTensor(inputs, 'maxDrop2d'), {
      p: this.rate,
      granularity: this.granularity,
      kernel: this.kernelSize,
      layout: this.layout,
      mode,
      generator,
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      rate: this.rate,
      granularity: this.granularity,
      kernelSize: this.kernelSize,
      dataFormat: dataFormatOf(this.layout),
    };
  }
}
