// How the Node entry loads its backends: the native addon through node-gyp-build, and the
// WebAssembly module from dist/dropmask.wasm with a worker_threads pool for the async forms.
import { readFileSync } from 'fs';
import * as path from 'path';
import { PACKAGE_ROOT, loadNativeBackend } from './native';
import { createWasmBackend } from './wasm';
import { createWasmPool } from '../async/wasm_pool';
import { setMethodRunner } from '../async/call';
import { createMethodPool } from '../async/method_pool';
import { registerBackend } from './select';

/** Where the Node entry reads the WebAssembly module from. */
export const WASM_PATH = path.join(PACKAGE_ROOT, 'dist', 'dropmask.wasm');

/** Registers the native and wasm loaders of Node (the js reference is always there) and the worker pool of the async method forms. */
export function registerNodeBackends(): void {
  setMethodRunner(createMethodPool(2));
  registerBackend('native', loadNativeBackend);
  registerBackend('wasm', () => ({
    ...createWasmBackend(new WebAssembly.Module(readFileSync(WASM_PATH))),
    ...createWasmPool(2),
  }));
}
