// The base of every dropmask layer: its own position (seed, stream, offset) in the random
// stream, saved in its config, and the choice between training, MC and inference behaviour.
import { tf, tfl } from '../tf';
import type { Kwargs, LayerArgs, Tensors } from '../tf';
import { Generator } from '../dropmask';
import type { StreamPosition } from '../dropmask';
import { ConfigUInt64, OFFSET_LIMIT, UInt64Input, claimStream, configValue, parseUInt64, randomSeed } from '../position';
import { mcPassGenerator } from '../mc_context';
import { checkOptions } from '../../core/errors';

/** Stream arguments every dropmask layer accepts on top of tf.layers' own. */
export interface StreamLayerArgs extends LayerArgs {
  /**
   * The Philox key of the layer's masks: a safe integer, a bigint below 2^64, or a decimal string.
   * Default: a fresh seed from the platform's cryptographic source (not reproducible, like
   * tf.layers without a seed), recorded in the config so a saved model keeps it.
   */
  seed?: UInt64Input | null;
  /**
   * The layer's stream. Default: with a seed, 0 for the first layer constructed with that seed,
   * 1 for the second, … (construction order since `resetLayerStreams()`); without one, 0.
   */
  stream?: UInt64Input | null;
  /** The word offset of the layer's next training call. Default 0; the config holds the current one. */
  offset?: UInt64Input | null;
}

/** What a dropmask layer's config adds to tf.layers' base config. */
export interface StreamLayerConfig {
  seed: ConfigUInt64;
  stream: ConfigUInt64;
  offset: ConfigUInt64;
}

/** The mode a layer's stochastic forward runs in. */
export type StochasticMode = 'train' | 'mc';

/**
 * A tf.layers Layer whose masks come from dropmask's stream. Training call k draws at
 * (seed, stream, offset_k), offset_0 = `offset`, offset_{k+1} = offset_k + the words call k
 * consumed; inference calls draw nothing; MC passes (`mcPredict`) draw from the pass's own
 * generator and leave the layer's position alone.
 */
export abstract class StreamLayer extends tfl.layers.Layer {
  /** The position of the layer's next training call; training calls advance it. */
  readonly generator: Generator;
  /** Whether `mcPredict` runs this layer stochastically (false for preprocessing such as Cutout). */
  protected readonly mcStochastic: boolean = true;

  constructor(args: StreamLayerArgs = {}) {
    super(checkOptions('args', args));
    const seeded = args.seed !== undefined && args.seed !== null;
    const seed = seeded ? parseUInt64('seed', args.seed) : randomSeed();
    const stream =
      args.stream !== undefined && args.stream !== null ? parseUInt64('stream', args.stream) : seeded ? claimStream(seed) : 0n;
    const offset = args.offset !== undefined && args.offset !== null ? parseUInt64('offset', args.offset, OFFSET_LIMIT) : 0n;
    this.generator = new Generator(seed, { stream, offset });
    this.supportsMasking = true;
  }

  /** The layer's position: where its next training call draws. */
  position(): StreamPosition {
    return this.generator.position();
  }

  override call(inputs: Tensors, kwargs: Kwargs): Tensors {
    return tf.tidy(() => {
      this.invokeCallHook(inputs, kwargs);
      const pass = this.mcStochastic ? mcPassGenerator() : null;
      if (pass) return this.stochastic(inputs, 'mc', pass, kwargs ?? {});
      if (kwargs?.training === true) return this.stochastic(inputs, 'train', this.generator, kwargs);
      return this.inference(inputs, kwargs ?? {});
    });
  }

  /** The training (or MC) forward: draws every random number from `generator`, advancing it. */
  protected abstract stochastic(inputs: Tensors, mode: StochasticMode, generator: Generator, kwargs: Kwargs): Tensors;

  /** The inference forward (default: the identity, as tf.layers' dropout layers). */
  protected inference(inputs: Tensors, _kwargs: Kwargs): Tensors {
    return inputs;
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { seed, stream, offset } = this.generator.position();
    const config: StreamLayerConfig = { seed: configValue(seed), stream: configValue(stream), offset: configValue(offset) };
    return { ...super.getConfig(), ...config };
  }
}

/** The single tensor of a layer's inputs (tf.layers' getExactlyOneTensor). */
export function oneTensor(inputs: Tensors, layer: string): tf.Tensor {
  if (!Array.isArray(inputs)) return inputs;
  if (inputs.length !== 1) throw new TypeError(`Expected one input tensor for ${layer} but received ${inputs.length}`);
  return inputs[0];
}
