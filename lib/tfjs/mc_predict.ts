// Monte Carlo dropout over a tf.layers model: T stochastic passes at inference, every dropmask
// layer (and every tf.layers dropout or noise layer) drawing from the pass's stream while the
// other layers (batch normalisation, …) stay in inference mode; summarised by dropmask's
// mcPredict, so the statistics have its definitions.
import { tf, tfl } from './tf';
import type { Kwargs, Tensors } from './tf';
import * as dm from './dropmask';
import type { Generator, UInt64Like } from './dropmask';
import { checkCount, checkOneOf, checkOptions, rangeError, typeError } from '../core/errors';
import { withMcPass } from './mc_context';
import { checkTensor } from './ops/op';
import { dropout as dropoutOp } from './ops/dropout';
import { additiveGaussianNoise, gaussianDropout as gaussianDropoutOp } from './ops/gaussian';
import { alphaDropout as alphaDropoutOp } from './ops/alpha_dropout';
import { spatialDropout as spatialDropoutOp } from './ops/spatial_dropout';

type Layer = tfl.layers.Layer;

/** Options of `mcPredict`. */
export interface McPredictOptions {
  /** The key of every pass's stream (pass k draws from stream `stream + k`). */
  seed: UInt64Like;
  /** Stream of pass 0. Default 0. */
  stream?: UInt64Like;
  /** Number of stochastic passes T. Default 50. */
  passes?: number;
  /** 'classification' (default: softmax statistics) or 'regression' (mean and variance). */
  task?: 'classification' | 'regression';
  /**
   * Classification: whether the model outputs 'probabilities' (a softmax; the default when the
   * model's last layer has activation 'softmax') or 'logits' (the default otherwise).
   */
  outputs?: 'probabilities' | 'logits';
  /** Regression: the model precision τ (variance 1/τ + the spread of the passes). Default ∞. */
  tau?: number;
  /** Regression with tau: targets [examples, outputs] for the predictive log-likelihood. */
  targets?: tf.Tensor;
  /** Rows per model.predict batch. Default 32. */
  batchSize?: number;
}

/** What `mcPredict` returns, as float32 tensors. */
export interface McPredictResult {
  /** Every pass's outputs [passes, examples, outputs]; for classification the logits (log p when the model outputs probabilities). */
  passes: tf.Tensor;
  /** Mean softmax probability (classification) or mean output (regression) [examples, outputs]. */
  mean: tf.Tensor;
  /** Variance over the passes of the probabilities (classification) or outputs (+ 1/τ) [examples, outputs]. */
  variance: tf.Tensor;
  /** Classification: predictive entropy H of the mean probabilities [examples]. */
  entropy?: tf.Tensor;
  /** Classification: mean entropy of the passes [examples]. */
  expectedEntropy?: tf.Tensor;
  /** Classification: mutual information (BALD) H − E [examples]. */
  mutualInformation?: tf.Tensor;
  /** Classification: 1 − (passes voting for the modal class)/T [examples]. */
  variationRatio?: tf.Tensor;
  /** Regression with targets: predictive log-likelihood [examples]. */
  logLikelihood?: tf.Tensor;
}

const oneInput = (inputs: Tensors): tf.Tensor => (Array.isArray(inputs) ? inputs[0] : inputs);

/** An 'mc' forward standing in for a tf.layers noise layer (null for every other layer). */
function standIn(layer: Layer, generator: () => Generator): ((inputs: Tensors, kwargs: Kwargs) => Tensors) | null {
  const c = layer.getConfig() as Record<string, unknown>;
  const rate = c.rate as number;
  const active = rate > 0 && rate < 1; // tf.layers' own rule: other rates are the identity
  switch (layer.getClassName()) {
    case 'Dropout':
      return (inputs) =>
        active
          ? dropoutOp(oneInput(inputs), {
              p: rate,
              noiseShape: (c.noiseShape as (number | null)[] | null) ?? undefined,
              mode: 'mc',
              generator: generator(),
            })
          : inputs;
    case 'SpatialDropout1D':
      return (inputs) => (active ? spatialDropoutOp(oneInput(inputs), { p: rate, mode: 'mc', generator: generator() }) : inputs);
    case 'GaussianDropout':
      return (inputs) => (active ? gaussianDropoutOp(oneInput(inputs), { p: rate, mode: 'mc', generator: generator() }) : inputs);
    case 'AlphaDropout':
      return (inputs) => (active ? alphaDropoutOp(oneInput(inputs), { p: rate, mode: 'mc', generator: generator() }) : inputs);
    case 'GaussianNoise':
      return (inputs) =>
        additiveGaussianNoise(oneInput(inputs), { stddev: c.stddev as number, mode: 'mc', generator: generator() });
    default:
      return null;
  }
}

/** Every layer of a model, nested models included. */
function allLayers(model: { layers: Layer[] }): Layer[] {
  const out: Layer[] = [];
  for (const layer of model.layers) {
    out.push(layer);
    const nested = (layer as unknown as { layers?: unknown }).layers;
    if (Array.isArray(nested)) out.push(...allLayers(layer as unknown as { layers: Layer[] }));
  }
  return out;
}

/** Runs fn with tf.layers' noise layers of `model` drawing from the active pass in 'mc' mode. */
function withStandIns<T>(model: tfl.LayersModel, generator: () => Generator, fn: () => T): T {
  const patched: { layer: Layer; own: PropertyDescriptor | undefined }[] = [];
  try {
    for (const layer of allLayers(model)) {
      const call = standIn(layer, generator);
      if (!call) continue;
      patched.push({ layer, own: Object.getOwnPropertyDescriptor(layer, 'call') });
      Object.defineProperty(layer, 'call', {
        value: (inputs: Tensors, kwargs: Kwargs) => tf.tidy(() => call(inputs, kwargs)),
        configurable: true,
        writable: true,
      });
    }
    return fn();
  } finally {
    for (const { layer, own } of patched) {
      if (own) Object.defineProperty(layer, 'call', own);
      else delete (layer as unknown as { call?: unknown }).call;
    }
  }
}

/** True when the model's last layer ends in a softmax. */
function endsInSoftmax(model: tfl.LayersModel): boolean {
  const last = model.layers[model.layers.length - 1];
  if (!last) return false;
  if (last.getClassName() === 'Softmax') return true;
  return (last.getConfig() as { activation?: unknown }).activation === 'softmax';
}

/**
 * Monte Carlo dropout over any tf.layers model: `passes` predictions with every dropout layer
 * active (dropmask's layers and tf.layers' Dropout, SpatialDropout1D, GaussianDropout,
 * GaussianNoise and AlphaDropout, all drawing from dropmask's stream) and every other layer in
 * inference mode. Pass k draws from stream `stream + k` of `seed`, so every pass is reproducible
 * on its own. The statistics are dropmask's `mcPredict`'s: for classification the mean softmax,
 * its variance, the predictive entropy, the expected entropy, the mutual information (BALD) and
 * the variation ratio.
 * @param model - a LayersModel with one input and one output.
 * @param x - the inputs [examples, …].
 * @example const { mean, mutualInformation } = mcPredict(model, x, { passes: 50, seed: 1 });
 */
export function mcPredict(model: tfl.LayersModel, x: tf.Tensor, options: McPredictOptions): McPredictResult {
  if (!(model instanceof tfl.LayersModel)) throw typeError('model', 'a tf.LayersModel', model);
  checkTensor('x', x);
  const opts = checkOptions('options', options);
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new RangeError(
      `Expected a model with one input and one output but received ${model.inputs.length} and ${model.outputs.length}`,
    );
  }
  if (x.rank < 1 || x.shape[0] === 0)
    throw new RangeError(`Expected x with at least one example but received shape [${x.shape.join(', ')}]`);
  const passes = opts.passes === undefined ? 50 : checkCount('passes', opts.passes);
  if (passes < 1) throw rangeError('passes', 'a positive integer', opts.passes);
  const task =
    opts.task === undefined ? 'classification' : checkOneOf('task', opts.task, ['classification', 'regression'] as const);
  const outputs =
    opts.outputs === undefined
      ? endsInSoftmax(model)
        ? 'probabilities'
        : 'logits'
      : checkOneOf('outputs', opts.outputs, ['probabilities', 'logits'] as const);
  const batchSize = opts.batchSize === undefined ? 32 : checkCount('batchSize', opts.batchSize);
  if (batchSize < 1) throw rangeError('batchSize', 'a positive integer', opts.batchSize);
  const targets =
    opts.targets === undefined ? undefined : (checkTensor('targets', opts.targets).dataSync() as Float32Array).slice();
  const examples = x.shape[0];
  const featureShape = x.shape.slice(1);
  const xs = (x.dataSync() as Float32Array).slice();
  let current: Generator | null = null;
  const forward = (input: Float32Array, pass: dm.McPassOf): Float32Array => {
    current = pass.generator;
    return withMcPass(pass.generator, () =>
      tf.tidy(() => {
        const xt = tf.tensor(input, [input.length / (xs.length / examples), ...featureShape], 'float32');
        let y = model.predict(xt, { batchSize }) as tf.Tensor;
        // logits for dropmask's softmax statistics: log p gives back p exactly
        if (task === 'classification' && outputs === 'probabilities') y = tf.log(y);
        return (y.dataSync() as Float32Array).slice();
      }),
    );
  };
  const prediction = withStandIns(
    model,
    () => current!,
    () =>
      dm.mcPredict(forward, xs, {
        seed: opts.seed as UInt64Like,
        stream: opts.stream as UInt64Like | undefined,
        samples: passes,
        examples,
        task,
        tau: opts.tau as number | undefined,
        targets,
      }),
  );
  const K = prediction.mean.length / examples;
  const perExample = (a: Float64Array | undefined): tf.Tensor | undefined => (a ? tf.tensor1d(Float32Array.from(a)) : undefined);
  const result: McPredictResult = {
    passes: tf.tensor3d(prediction.passes, [passes, examples, K]),
    mean: tf.tensor2d(Float32Array.from(prediction.mean), [examples, K]),
    variance: tf.tensor2d(Float32Array.from(prediction.variance), [examples, K]),
  };
  const optional = {
    entropy: perExample(prediction.entropy),
    expectedEntropy: perExample(prediction.expectedEntropy),
    mutualInformation: perExample(prediction.mutualInformation),
    variationRatio: perExample(prediction.variationRatio),
    logLikelihood: perExample(prediction.logLikelihood),
  };
  for (const [key, value] of Object.entries(optional)) if (value) (result as unknown as Record<string, tf.Tensor>)[key] = value;
  return result;
}
