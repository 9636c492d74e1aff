// The public API of dropmask/tfjs, with no platform code: lib/tfjs/index.ts (Node) re-exports it
// after loading dropmask's backends. This file only re-exports.
export * as layers from './layers';
export * as ops from './ops';
export { mcPredict } from './mc_predict';
export type { McPredictOptions, McPredictResult } from './mc_predict';
export { resetLayerStreams } from './position';
export type { ConfigUInt64, OpStreamOptions, UInt64Input } from './position';
export { registerLayers } from './layers';
