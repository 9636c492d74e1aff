// The Promise twins of the registered method forms (methods/registry.ts) that run in a worker
// (see call.ts). Each takes the arguments of its sync form and resolves with the same result.
// Each is a plain arrow function (nothing runs at load), so a bundle drops the forms, and the
// methods behind them, that an application never uses. A form's name is its sync
// form's name + 'Async'; the contract test checks this list against the registry.
import { alphaDropout, alphaDropoutBackward, featureAlphaDropout } from '../methods/dense/alpha_dropout';
import { concreteDropout, concreteDropoutBackward } from '../methods/dense/concrete';
import { cutout, cutoutBackward } from '../methods/conv/cutout';
import { dropoutBackward } from '../methods/dense/dropout';
import { dropBlock, dropBlockBackward } from '../methods/conv/drop_block';
import { dropPath, dropPathBackward } from '../methods/conv/drop_path';
import { dropConnect, dropConnectBackward, dropConnectInference } from '../methods/dense/dropconnect';
import { embeddingDropout, embeddingDropoutBackward } from '../methods/recurrent/embedding_dropout';
import { fastDropout, fastDropoutBackward } from '../methods/dense/fast_dropout';
import { gaussianDropout, gaussianDropoutBackward } from '../methods/dense/gaussian_dropout';
import { maxDrop, maxDropBackward } from '../methods/conv/max_drop';
import { maxPoolDropout, maxPoolDropoutBackward } from '../methods/conv/max_pool_dropout';
import { gru, gruBackward } from '../methods/recurrent/gru';
import { lstm, lstmBackward } from '../methods/recurrent/lstm';
import { CloneHooks, callAsync } from './call';
import { optionsAt } from '../methods/registry';
import { tapeFromClone, tapeToClone } from '../methods/recurrent/recurrent';
import { sbpNoise, sbpNoiseBackward } from '../methods/bayes/sbp';
import { spatialDropout, spatialDropoutBackward } from '../methods/conv/spatial_dropout';
import { standout, standoutBackward } from '../methods/dense/standout';
import { stochasticDropout, stochasticDropoutBackward } from '../methods/conv/stochastic_dropout';
import { variationalDense, variationalDenseBackward } from '../methods/dense/variational';

/** The async form of F: the same arguments, a Promise of the same result. */
type Async<F extends (...args: never[]) => unknown> = (...args: Parameters<F>) => Promise<ReturnType<F>>;

/** Runs the registered form `name` off-thread; its options position comes from the registry. */
const callForm = <R>(name: string, fn: (...args: never[]) => unknown, args: unknown[], hooks?: CloneHooks): Promise<R> =>
  callAsync({ name, fn, optionsAt: optionsAt(name), ...hooks }, args);

export const dropoutBackwardAsync: Async<typeof dropoutBackward> = (...a) => callForm('dropoutBackward', dropoutBackward, a);
export const dropConnectAsync: Async<typeof dropConnect> = (...a) => callForm('dropConnect', dropConnect, a);
export const dropConnectBackwardAsync: Async<typeof dropConnectBackward> = (...a) =>
  callForm('dropConnectBackward', dropConnectBackward, a);
export const dropConnectInferenceAsync: Async<typeof dropConnectInference> = (...a) =>
  callForm('dropConnectInference', dropConnectInference, a);
export const standoutAsync: Async<typeof standout> = (...a) => callForm('standout', standout, a);
export const standoutBackwardAsync: Async<typeof standoutBackward> = (...a) => callForm('standoutBackward', standoutBackward, a);
export const gaussianDropoutAsync: Async<typeof gaussianDropout> = (...a) => callForm('gaussianDropout', gaussianDropout, a);
export const gaussianDropoutBackwardAsync: Async<typeof gaussianDropoutBackward> = (...a) =>
  callForm('gaussianDropoutBackward', gaussianDropoutBackward, a);
export const fastDropoutAsync: Async<typeof fastDropout> = (...a) => callForm('fastDropout', fastDropout, a);
export const fastDropoutBackwardAsync: Async<typeof fastDropoutBackward> = (...a) =>
  callForm('fastDropoutBackward', fastDropoutBackward, a);
export const variationalDenseAsync: Async<typeof variationalDense> = (...a) => callForm('variationalDense', variationalDense, a);
export const variationalDenseBackwardAsync: Async<typeof variationalDenseBackward> = (...a) =>
  callForm('variationalDenseBackward', variationalDenseBackward, a);
export const concreteDropoutAsync: Async<typeof concreteDropout> = (...a) => callForm('concreteDropout', concreteDropout, a);
export const concreteDropoutBackwardAsync: Async<typeof concreteDropoutBackward> = (...a) =>
  callForm('concreteDropoutBackward', concreteDropoutBackward, a);
export const alphaDropoutAsync: Async<typeof alphaDropout> = (...a) => callForm('alphaDropout', alphaDropout, a);
export const alphaDropoutBackwardAsync: Async<typeof alphaDropoutBackward> = (...a) =>
  callForm('alphaDropoutBackward', alphaDropoutBackward, a);
export const featureAlphaDropoutAsync: Async<typeof featureAlphaDropout> = (...a) =>
  callForm('featureAlphaDropout', featureAlphaDropout, a);
export const maxPoolDropoutAsync: Async<typeof maxPoolDropout> = (...a) => callForm('maxPoolDropout', maxPoolDropout, a);
export const maxPoolDropoutBackwardAsync: Async<typeof maxPoolDropoutBackward> = (...a) =>
  callForm('maxPoolDropoutBackward', maxPoolDropoutBackward, a);
export const spatialDropoutAsync: Async<typeof spatialDropout> = (...a) => callForm('spatialDropout', spatialDropout, a);
export const spatialDropoutBackwardAsync: Async<typeof spatialDropoutBackward> = (...a) =>
  callForm('spatialDropoutBackward', spatialDropoutBackward, a);
export const cutoutAsync: Async<typeof cutout> = (...a) => callForm('cutout', cutout, a);
export const cutoutBackwardAsync: Async<typeof cutoutBackward> = (...a) => callForm('cutoutBackward', cutoutBackward, a);
export const maxDropAsync: Async<typeof maxDrop> = (...a) => callForm('maxDrop', maxDrop, a);
export const maxDropBackwardAsync: Async<typeof maxDropBackward> = (...a) => callForm('maxDropBackward', maxDropBackward, a);
export const stochasticDropoutAsync: Async<typeof stochasticDropout> = (...a) =>
  callForm('stochasticDropout', stochasticDropout, a);
export const stochasticDropoutBackwardAsync: Async<typeof stochasticDropoutBackward> = (...a) =>
  callForm('stochasticDropoutBackward', stochasticDropoutBackward, a);
export const dropBlockAsync: Async<typeof dropBlock> = (...a) => callForm('dropBlock', dropBlock, a);
export const dropBlockBackwardAsync: Async<typeof dropBlockBackward> = (...a) =>
  callForm('dropBlockBackward', dropBlockBackward, a);
export const dropPathAsync: Async<typeof dropPath> = (...a) => callForm('dropPath', dropPath, a);
export const dropPathBackwardAsync: Async<typeof dropPathBackward> = (...a) => callForm('dropPathBackward', dropPathBackward, a);
export const sbpNoiseAsync: Async<typeof sbpNoise> = (...a) => callForm('sbpNoise', sbpNoise, a);
export const sbpNoiseBackwardAsync: Async<typeof sbpNoiseBackward> = (...a) => callForm('sbpNoiseBackward', sbpNoiseBackward, a);
export const embeddingDropoutAsync: Async<typeof embeddingDropout> = (...a) => callForm('embeddingDropout', embeddingDropout, a);
export const embeddingDropoutBackwardAsync: Async<typeof embeddingDropoutBackward> = (...a) =>
  callForm('embeddingDropoutBackward', embeddingDropoutBackward, a);

// The sequence ops return a tape for the backward pass: it crosses threads without its functions.
const withTape: CloneHooks = {
  toClone: (r) => ({ ...(r as object), tape: tapeToClone((r as { tape: unknown }).tape) }),
  fromClone: (r) => ({ ...(r as object), tape: tapeFromClone((r as { tape: unknown }).tape) }),
};
const tapeFirst: CloneHooks = {
  drawsNothing: true,
  prepareArgs: (a) => [tapeToClone(a[0]), ...a.slice(1)],
  reviveArgs: (a) => [tapeFromClone(a[0]), ...a.slice(1)],
};
/** The hooks a worker applies to the methods whose arguments or results hold a tape. */
export const WORKER_HOOKS: Record<string, CloneHooks> = {
  lstm: withTape,
  lstmBackward: tapeFirst,
  gru: withTape,
  gruBackward: tapeFirst,
};
export const lstmAsync: Async<typeof lstm> = (...a) => callForm('lstm', lstm, a, withTape);
export const lstmBackwardAsync: Async<typeof lstmBackward> = (...a) => callForm('lstmBackward', lstmBackward, a, tapeFirst);
export const gruAsync: Async<typeof gru> = (...a) => callForm('gru', gru, a, withTape);
export const gruBackwardAsync: Async<typeof gruBackward> = (...a) => callForm('gruBackward', gruBackward, a, tapeFirst);
