// dropmask for Node: the whole API (api.ts) with the native addon and the WebAssembly module
// loaded from disk. Browsers, workers and Deno get edge.ts instead (package.json conditions).
import { registerNodeBackends } from './backends/node';

registerNodeBackends();
export * from './api';
