// dropmask for browsers, Web Workers, Deno, Cloudflare-style workers and bundlers: the same API
// as the Node entry, on WebAssembly once `init()` has loaded the module (the js reference until
// then), with no Node API. Built to dist/edge.mjs by scripts/build-edge.mjs.
export * from './api';
import { markUnavailable } from './backends/select';

markUnavailable('native', new Error('the edge entry has no native addon'));
markUnavailable('wasm', new Error('awaiting init()')); // js until then, with no warning
export { init } from './backends/edge_init';
export type { InitOptions, WasmSource } from './backends/edge_init';
