// The async forms of the methods whose work grows with the input (see method_async.ts). Each
// takes the arguments of its sync form and resolves with the same result.
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
import { asyncMethod } from './method_async';
import { tapeFromClone, tapeToClone } from './recurrent';
import { sbpNoise, sbpNoiseBackward } from './sbp';
import { spatialDropout, spatialDropoutBackward } from './spatial_dropout';
import { standout, standoutBackward } from './standout';
import { stochasticDropout, stochasticDropoutBackward } from './stochastic_dropout';
import { variationalDense, variationalDenseBackward } from './variational';

export const dropConnectAsync = asyncMethod('dropConnect', dropConnect, 3);
export const dropConnectBackwardAsync = asyncMethod('dropConnectBackward', dropConnectBackward, 4);
export const dropConnectInferenceAsync = asyncMethod('dropConnectInference', dropConnectInference, 3);
export const standoutAsync = asyncMethod('standout', standout, 3);
export const standoutBackwardAsync = asyncMethod('standoutBackward', standoutBackward, 4);
export const gaussianDropoutAsync = asyncMethod('gaussianDropout', gaussianDropout, 1);
export const gaussianDropoutBackwardAsync = asyncMethod('gaussianDropoutBackward', gaussianDropoutBackward, 1);
export const fastDropoutAsync = asyncMethod('fastDropout', fastDropout, 3);
export const fastDropoutBackwardAsync = asyncMethod('fastDropoutBackward', fastDropoutBackward, 4);
export const variationalDenseAsync = asyncMethod('variationalDense', variationalDense, 4);
export const variationalDenseBackwardAsync = asyncMethod('variationalDenseBackward', variationalDenseBackward, 5);
export const concreteDropoutAsync = asyncMethod('concreteDropout', concreteDropout, 2);
export const concreteDropoutBackwardAsync = asyncMethod('concreteDropoutBackward', concreteDropoutBackward, 3);
export const alphaDropoutAsync = asyncMethod('alphaDropout', alphaDropout, 1);
export const alphaDropoutBackwardAsync = asyncMethod('alphaDropoutBackward', alphaDropoutBackward, 1);
export const featureAlphaDropoutAsync = asyncMethod('featureAlphaDropout', featureAlphaDropout, 1);
export const maxPoolDropoutAsync = asyncMethod('maxPoolDropout', maxPoolDropout, 1);
export const maxPoolDropoutBackwardAsync = asyncMethod('maxPoolDropoutBackward', maxPoolDropoutBackward, 2);
export const spatialDropoutAsync = asyncMethod('spatialDropout', spatialDropout, 1);
export const spatialDropoutBackwardAsync = asyncMethod('spatialDropoutBackward', spatialDropoutBackward, 1);
export const cutoutAsync = asyncMethod('cutout', cutout, 1);
export const cutoutBackwardAsync = asyncMethod('cutoutBackward', cutoutBackward, 1);
export const maxDropAsync = asyncMethod('maxDrop', maxDrop, 1);
export const maxDropBackwardAsync = asyncMethod('maxDropBackward', maxDropBackward, 2);
export const stochasticDropoutAsync = asyncMethod('stochasticDropout', stochasticDropout, 1);
export const stochasticDropoutBackwardAsync = asyncMethod('stochasticDropoutBackward', stochasticDropoutBackward, 1);
export const dropBlockAsync = asyncMethod('dropBlock', dropBlock, 1);
export const dropBlockBackwardAsync = asyncMethod('dropBlockBackward', dropBlockBackward, 1);
export const dropPathAsync = asyncMethod('dropPath', dropPath, 2);
export const dropPathBackwardAsync = asyncMethod('dropPathBackward', dropPathBackward, 1);
export const sbpNoiseAsync = asyncMethod('sbpNoise', sbpNoise, 3);
export const sbpNoiseBackwardAsync = asyncMethod('sbpNoiseBackward', sbpNoiseBackward, 4);
export const embeddingDropoutAsync = asyncMethod('embeddingDropout', embeddingDropout, 2);
export const embeddingDropoutBackwardAsync = asyncMethod('embeddingDropoutBackward', embeddingDropoutBackward, 2);

// The sequence ops return a tape for the backward pass: it crosses threads without its functions.
const withTape = { toClone: (r: unknown) => ({ ...(r as object), tape: tapeToClone((r as { tape: unknown }).tape) }),
  fromClone: (r: unknown) => ({ ...(r as object), tape: tapeFromClone((r as { tape: unknown }).tape) }) };
const tapeFirst = { drawsNothing: true, prepareArgs: (a: unknown[]) => [tapeToClone(a[0]), ...a.slice(1)], reviveArgs: (a: unknown[]) => [tapeFromClone(a[0]), ...a.slice(1)] };
export const lstmAsync = asyncMethod('lstm', lstm, 2, withTape);
export const lstmBackwardAsync = asyncMethod('lstmBackward', lstmBackward, 2, tapeFirst);
export const gruAsync = asyncMethod('gru', gru, 2, withTape);
export const gruBackwardAsync = asyncMethod('gruBackward', gruBackward, 2, tapeFirst);
