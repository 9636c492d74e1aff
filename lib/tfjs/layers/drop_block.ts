// DropBlock as a layer (keras-cv's DropBlock2D arguments), with the paper's linear schedule.
import { tf } from '../tf';
import type { DataFormat, Tensors } from '../tf';
import * as dm from '../dropmask';
import { checkCount, checkProbability, typeError } from '../../core/errors';
import { dropBlock as dropBlockOp } from '../ops/drop_block';
import { StochasticMode, StreamLayer, StreamLayerArgs, oneTensor } from './stream_layer';
import { dataFormatOf, layoutOf } from './args';

/** Arguments of `layers.dropBlock2d`. */
export interface DropBlock2DLayerArgs extends StreamLayerArgs {
  /** Target fraction of units to drop, 1 − keepProb. Default 0.1. */
  rate?: number;
  /** Side of the square block, clipped to the map. Default 7. */
  blockSize?: number;
  /** One block mask per example shared by all channels. Default false. */
  shareAcrossChannels?: boolean;
  /** 'channelsLast' (default) or 'channelsFirst'. */
  dataFormat?: DataFormat;
  /** Training calls over which the rate rises linearly from 0 to `rate` (the paper's schedule). Default 0: `rate` from the start. */
  scheduleSteps?: number;
  /** Training calls made so far (the schedule's position; the config holds the current one). Default 0. */
  step?: number;
}

/**
 * DropBlock (Ghiasi et al. 2018) over [N, H, W, C] or [N, C, H, W]: training call k equals
 * `dropmask.dropBlock(x, { keepProb: 1 − rate_k, blockSize, shareAcrossChannels, layout, seed,
 * stream, offset_k })` with rate_k the schedule's rate at step k. Inference is the identity.
 */
export class DropBlock2D extends StreamLayer {
  static readonly className = 'DropmaskDropBlock2D';
  readonly rate: number;
  readonly blockSize: number;
  readonly shareAcrossChannels: boolean;
  readonly layout: 'NHWC' | 'NCHW';
  readonly scheduleSteps: number;
  /** Training calls made so far. */
  step: number;

  constructor(args: DropBlock2DLayerArgs = {}) {
    super(args);
    this.rate = args.rate === undefined ? 0.1 : checkProbability('rate', args.rate);
    this.blockSize = args.blockSize === undefined ? 7 : checkCount('blockSize', args.blockSize);
    if (this.blockSize < 1) throw new RangeError(`Expected a positive integer for blockSize but received ${this.blockSize}`);
    if (args.shareAcrossChannels !== undefined && typeof args.shareAcrossChannels !== 'boolean') {
      throw typeError('shareAcrossChannels', 'a boolean', args.shareAcrossChannels);
    }
    this.shareAcrossChannels = args.shareAcrossChannels === true;
    this.layout = layoutOf(args.dataFormat);
    this.scheduleSteps = args.scheduleSteps === undefined ? 0 : checkCount('scheduleSteps', args.scheduleSteps);
    this.step = args.step === undefined ? 0 : checkCount('step', args.step);
  }

  /** The keep probability of the next training call (the schedule's, or 1 − rate). */
  keepProb(): number {
    return dm.dropBlockSchedule({ step: this.step, totalSteps: this.scheduleSteps, targetKeepProb: 1 - this.rate });
  }

  protected stochastic(inputs: Tensors, mode: StochasticMode, generator: dm.Generator): Tensors {
    const keepProb = mode === 'train' ? this.keepProb() : 1 - this.rate;
    const y = dropBlockOp(oneTensor(inputs, 'dropBlock2d'), {
      keepProb,
      blockSize: this.blockSize,
      shareAcrossChannels: this.shareAcrossChannels,
      layout: this.layout,
      mode,
      generator,
    });
    if (mode === 'train') this.step++;
    return y;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      rate: this.rate,
      blockSize: this.blockSize,
      shareAcrossChannels: this.shareAcrossChannels,
      dataFormat: dataFormatOf(this.layout),
      scheduleSteps: this.scheduleSteps,
      step: this.step,
    };
  }
}
