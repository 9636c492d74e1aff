// dropmask for Node (and Bun, and Deno with the 'node' condition): the whole API (api.ts) with the
// native addon and the WebAssembly module loaded from disk. Browsers, workers and Deno get edge.ts
// instead (package.json conditions).
import { registerNodeBackends } from './backends/node';
import { backendInfo } from './backends/select';
import type { BackendInfo, InitOptions } from './backends/select';

registerNodeBackends();
export * from './api';
export type { InitOptions, WasmSource } from './backends/select';

/**
 * The edge entries' `init()`, so that isomorphic code (SSR, vitest, Bun) runs unchanged: on Node
 * the backends load on first use, so this only resolves with backendInfo(); `options` are ignored.
 */
export function init(_options?: InitOptions): Promise<BackendInfo> {
  return new Promise((resolve) => resolve(backendInfo()));
}
