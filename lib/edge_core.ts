// 'dropmask/core' for the edge: init() and the core API only (stream, masks, dropout, Generator,
// backends): the smallest bundle for pages that need masks and nothing else.
export * from './api_core';
import { markUnavailable } from './backends/select';

markUnavailable('native', new Error('the edge entry has no native addon'));
markUnavailable('wasm', new Error('awaiting init()')); // js until then, with no warning
export { init } from './backends/edge_init';
export type { InitOptions, WasmSource } from './backends/edge_init';
