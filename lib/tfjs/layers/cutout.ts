// Cutout as a preprocessing layer: erases regions of the input images while training.
import { tf } from '../tf';
import type { DataFormat, Tensors } from '../tf';
import type { CutoutCenterRange, CutoutRegion, Generator } from '../dropmask';
import { checkCount, checkFloat32, checkOneOf, checkProbability } from '../../core/errors';
import { cutout as cutoutOp } from '../ops/cutout';
import { StochasticMode, StreamLayer, StreamLayerArgs, oneTensor } from './stream_layer';
import { checkPairArg, dataFormatOf, layoutOf } from './args';

/** Arguments of `layers.cutout`. */
export interface CutoutLayerArgs extends StreamLayerArgs {
  /** Side of the erased square, or [height, width]. Default 16 (the paper's CIFAR-10 value). */
  size?: number | [number, number];
  /** 'rectangle' (default) or 'circle'. */
  region?: CutoutRegion;
  /** Regions per image. Default 1. */
  holes?: number;
  /** Value of erased pixels (0: the mean of normalised data). Default 0. */
  fill?: number;
  /** Probability that an image is augmented. Default 1. */
  applyProb?: number;
  /** 'image' (default): centres on any pixel; 'padded': up to half a region outside. */
  centerRange?: CutoutCenterRange;
  /** 'channelsLast' (default) or 'channelsFirst'. */
  dataFormat?: DataFormat;
}

/**
 * Cutout (DeVries & Taylor 2017) on images [N, H, W, C] (or channels first): training call k equals
 * `dropmask.cutout(x, { size, region, holes, fill, applyProb, centerRange, layout, seed, stream,
 * offset_k }).image`. Identity at inference and in MC passes (it augments data; it is not dropout).
 */
export class Cutout extends StreamLayer {
  static readonly className = 'DropmaskCutout';
  protected override readonly mcStochastic = false;
  readonly size: [number, number];
  readonly region: CutoutRegion;
  readonly holes: number;
  readonly fill: number;
  readonly applyProb: number;
  readonly centerRange: CutoutCenterRange;
  readonly layout: 'NHWC' | 'NCHW';

  constructor(args: CutoutLayerArgs = {}) {
    super(args);
    this.size = checkPairArg('size', args.size, 16);
    this.region = args.region === undefined ? 'rectangle' : checkOneOf('region', args.region, ['rectangle', 'circle'] as const);
    this.holes = args.holes === undefined ? 1 : checkCount('holes', args.holes);
    this.fill = args.fill === undefined ? 0 : checkFloat32('fill', args.fill);
    this.applyProb = args.applyProb === undefined ? 1 : checkProbability('applyProb', args.applyProb);
    this.centerRange =
      args.centerRange === undefined ? 'image' : checkOneOf('centerRange', args.centerRange, ['image', 'padded'] as const);
    this.layout = layoutOf(args.dataFormat);
  }

  protected stochastic(inputs: Tensors, mode: StochasticMode, generator: Generator): Tensors {
    return cutoutOp(oneTensor(inputs, 'cutout'), {
      size: this.size,
      region: this.region,
      holes: this.holes,
      fill: this.fill,
      applyProb: this.applyProb,
      centerRange: this.centerRange,
      layout: this.layout,
      mode,
      generator,
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      size: this.size,
      region: this.region,
      holes: this.holes,
      fill: this.fill,
      applyProb: this.applyProb,
      centerRange: this.centerRange,
      dataFormat: dataFormatOf(this.layout),
    };
  }
}
