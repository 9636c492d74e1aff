// The async forms of the methods whose work grows with the input (see method_async.ts). Each
// takes the arguments of its sync form and resolves with the same result. Each is a plain arrow
// function (nothing runs at load), so a bundle drops the forms, and the methods behind them, that
// an application never uses. A form's name is its sync form's name + 'Async': workers look the
// sync function up by that name.
import { alphaDropout, alphaDropoutBackward, featureAlphaDropout } from './alpha_dropout';
import { concreteDropout, concreteDropoutBackward } from './concrete';
import { cutout, cutoutBackward } from './cutout';
import { dropBlock, dropBlockBackward } from './drop_block';
import { dropPath, dropPathBackward } from './drop_path';
import { dropConnect, dropConnectBackward, dropConnectInference } from './dropconnect';
import { embeddingDropout, embeddingDropoutBackward } from './embedding_dropout';
import { fastDropout, fastDropoutBackward } from './fast_dropout';
import { gaussianDropout, gaussianDropoutBackward } from './gaussian_dropout';
import { maxDrop, maxDropBackward } from './max_drop';
import { maxPoolDropout, maxPoolDropoutBackward } from './max_pool_dropout';
import { gru, gruBackward } from './gru';
import { lstm, lstmBackward } from './lstm';
import { CloneHooks, callAsync } from './method_async';
import { tapeFromClone, tapeToClone } from './recurrent';
import { sbpNoise, sbpNoiseBackward } from './sbp';
import { spatialDropout, spatialDropoutBackward } from './spatial_dropout';
import { standout, standoutBackward } from './standout';
import { stochasticDropout, stochasticDropoutBackward } from './stochastic_dropout';
import { variationalDense, variationalDenseBackward } from './variational';

/** The async form of F: the same arguments, a Promise of the same result. */
type Async<F extends (...args: never[]) => unknown> = (...args: Parameters<F>) => Promise<ReturnType<F>>;

export const dropConnectAsync: Async<typeof dropConnect> = (...a) => callAsync({ name: 'dropConnect', fn: dropConnect, optionsAt: 3 }, a);
export const dropConnectBackwardAsync: Async<typeof dropConnectBackward> = (...a) => callAsync({ name: 'dropConnectBackward', fn: dropConnectBackward, optionsAt: 4 }, a);
export const dropConnectInferenceAsync: Async<typeof dropConnectInference> = (...a) => callAsync({ name: 'dropConnectInference', fn: dropConnectInference, optionsAt: 3 }, a);
export const standoutAsync: Async<typeof standout> = (...a) => callAsync({ name: 'standout', fn: standout, optionsAt: 3 }, a);
export const standoutBackwardAsync: Async<typeof standoutBackward> = (...a) => callAsync({ name: 'standoutBackward', fn: standoutBackward, optionsAt: 4 }, a);
export const gaussianDropoutAsync: Async<typeof gaussianDropout> = (...a) => callAsync({ name: 'gaussianDropout', fn: gaussianDropout, optionsAt: 1 }, a);
export const gaussianDropoutBackwardAsync: Async<typeof gaussianDropoutBackward> = (...a) => callAsync({ name: 'gaussianDropoutBackward', fn: gaussianDropoutBackward, optionsAt: 1 }, a);
export const fastDropoutAsync: Async<typeof fastDropout> = (...a) => callAsync({ name: 'fastDropout', fn: fastDropout, optionsAt: 3 }, a);
export const fastDropoutBackwardAsync: Async<typeof fastDropoutBackward> = (...a) => callAsync({ name: 'fastDropoutBackward', fn: fastDropoutBackward, optionsAt: 4 }, a);
export const variationalDenseAsync: Async<typeof variationalDense> = (...a) => callAsync({ name: 'variationalDense', fn: variationalDense, optionsAt: 4 }, a);
export const variationalDenseBackwardAsync: Async<typeof variationalDenseBackward> = (...a) => callAsync({ name: 'variationalDenseBackward', fn: variationalDenseBackward, optionsAt: 5 }, a);
export const concreteDropoutAsync: Async<typeof concreteDropout> = (...a) => callAsync({ name: 'concreteDropout', fn: concreteDropout, optionsAt: 2 }, a);
export const concreteDropoutBackwardAsync: Async<typeof concreteDropoutBackward> = (...a) => callAsync({ name: 'concreteDropoutBackward', fn: concreteDropoutBackward, optionsAt: 3 }, a);
export const alphaDropoutAsync: Async<typeof alphaDropout> = (...a) => callAsync({ name: 'alphaDropout', fn: alphaDropout, optionsAt: 1 }, a);
export const alphaDropoutBackwardAsync: Async<typeof alphaDropoutBackward> = (...a) => callAsync({ name: 'alphaDropoutBackward', fn: alphaDropoutBackward, optionsAt: 1 }, a);
export const featureAlphaDropoutAsync: Async<typeof featureAlphaDropout> = (...a) => callAsync({ name: 'featureAlphaDropout', fn: featureAlphaDropout, optionsAt: 1 }, a);
export const maxPoolDropoutAsync: Async<typeof maxPoolDropout> = (...a) => callAsync({ name: 'maxPoolDropout', fn: maxPoolDropout, optionsAt: 1 }, a);
export const maxPoolDropoutBackwardAsync: Async<typeof maxPoolDropoutBackward> = (...a) => callAsync({ name: 'maxPoolDropoutBackward', fn: maxPoolDropoutBackward, optionsAt: 2 }, a);
export const spatialDropoutAsync: Async<typeof spatialDropout> = (...a) => callAsync({ name: 'spatialDropout', fn: spatialDropout, optionsAt: 1 }, a);
export const spatialDropoutBackwardAsync: Async<typeof spatialDropoutBackward> = (...a) => callAsync({ name: 'spatialDropoutBackward', fn: spatialDropoutBackward, optionsAt: 1 }, a);
export const cutoutAsync: Async<typeof cutout> = (...a) => callAsync({ name: 'cutout', fn: cutout, optionsAt: 1 }, a);
export const cutoutBackwardAsync: Async<typeof cutoutBackward> = (...a) => callAsync({ name: 'cutoutBackward', fn: cutoutBackward, optionsAt: 1 }, a);
export const maxDropAsync: Async<typeof maxDrop> = (...a) => callAsync({ name: 'maxDrop', fn: maxDrop, optionsAt: 1 }, a);
export const maxDropBackwardAsync: Async<typeof maxDropBackward> = (...a) => callAsync({ name: 'maxDropBackward', fn: maxDropBackward, optionsAt: 2 }, a);
export const stochasticDropoutAsync: Async<typeof stochasticDropout> = (...a) => callAsync({ name: 'stochasticDropout', fn: stochasticDropout, optionsAt: 1 }, a);
export const stochasticDropoutBackwardAsync: Async<typeof stochasticDropoutBackward> = (...a) => callAsync({ name: 'stochasticDropoutBackward', fn: stochasticDropoutBackward, optionsAt: 1 }, a);
export const dropBlockAsync: Async<typeof dropBlock> = (...a) => callAsync({ name: 'dropBlock', fn: dropBlock, optionsAt: 1 }, a);
export const dropBlockBackwardAsync: Async<typeof dropBlockBackward> = (...a) => callAsync({ name: 'dropBlockBackward', fn: dropBlockBackward, optionsAt: 1 }, a);
export const dropPathAsync: Async<typeof dropPath> = (...a) => callAsync({ name: 'dropPath', fn: dropPath, optionsAt: 2 }, a);
export const dropPathBackwardAsync: Async<typeof dropPathBackward> = (...a) => callAsync({ name: 'dropPathBackward', fn: dropPathBackward, optionsAt: 1 }, a);
export const sbpNoiseAsync: Async<typeof sbpNoise> = (...a) => callAsync({ name: 'sbpNoise', fn: sbpNoise, optionsAt: 3 }, a);
export const sbpNoiseBackwardAsync: Async<typeof sbpNoiseBackward> = (...a) => callAsync({ name: 'sbpNoiseBackward', fn: sbpNoiseBackward, optionsAt: 4 }, a);
export const embeddingDropoutAsync: Async<typeof embeddingDropout> = (...a) => callAsync({ name: 'embeddingDropout', fn: embeddingDropout, optionsAt: 2 }, a);
export const embeddingDropoutBackwardAsync: Async<typeof embeddingDropoutBackward> = (...a) => callAsync({ name: 'embeddingDropoutBackward', fn: embeddingDropoutBackward, optionsAt: 2 }, a);

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
export const WORKER_HOOKS: Record<string, CloneHooks> = { lstm: withTape, lstmBackward: tapeFirst, gru: withTape, gruBackward: tapeFirst };
export const lstmAsync: Async<typeof lstm> = (...a) => callAsync({ name: 'lstm', fn: lstm, optionsAt: 2, ...withTape }, a);
export const lstmBackwardAsync: Async<typeof lstmBackward> = (...a) => callAsync({ name: 'lstmBackward', fn: lstmBackward, optionsAt: 2, ...tapeFirst }, a);
export const gruAsync: Async<typeof gru> = (...a) => callAsync({ name: 'gru', fn: gru, optionsAt: 2, ...withTape }, a);
export const gruBackwardAsync: Async<typeof gruBackward> = (...a) => callAsync({ name: 'gruBackward', fn: gruBackward, optionsAt: 2, ...tapeFirst }, a);
