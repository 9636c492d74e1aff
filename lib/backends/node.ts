// How the Node entry loads its backends: the native addon through node-gyp-build, and the
// WebAssembly module from dist/dropmask.wasm with a worker_threads pool for the async forms.
// Bundled into a server bundle, it takes both and the pools' worker scripts from the installed
// package (native.ts PACKAGE_ROOT); with no installed package it says how to bundle it.
import { readFileSync } from 'fs';
import * as path from 'path';
import { BUNDLE_RECIPE, PACKAGE_ROOT, bundled, loadNativeBackend } from './native';
import { createWasmBackend } from './wasm';
import { createWasmPool } from '../async/wasm_pool';
import { setMethodRunner } from '../async/call';
import { createMethodPool } from '../async/method_pool';
import { onJsFallback, registerBackend, warnJsFallback } from './select';

/** Where the Node entry reads the WebAssembly module from. */
export const WASM_PATH = path.join(PACKAGE_ROOT, 'dist', 'dropmask.wasm');

/** The installed package's compiled module `file` (dist/…), which the pools' workers load by path. */
const installed = <T>(file: string, fallback: T): T => {
  if (!bundled) return fallback;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path.join(PACKAGE_ROOT, 'dist', file)) as T;
  } catch {
    return undefined as T; // no installed package: no pools (the async forms run on this thread)
  }
};

function readWasm(): WebAssembly.Module {
  const bytes = (() => {
    try {
      return readFileSync(WASM_PATH);
    } catch (e) {
      throw new Error(
        `cannot read ${WASM_PATH} (${(e as NodeJS.ErrnoException).code ?? e}); ${bundled ? BUNDLE_RECIPE : 'reinstall dropmask'}`,
      );
    }
  })();
  return new WebAssembly.Module(bytes);
}

/** Registers the native and wasm loaders of Node (the js reference is always there) and the worker pool of the async method forms. */
export function registerNodeBackends(): void {
  const methodPool = installed<{ createMethodPool: typeof createMethodPool }>('async/method_pool.js', { createMethodPool });
  const wasmPool = installed<{ createWasmPool: typeof createWasmPool }>('async/wasm_pool.js', { createWasmPool });
  onJsFallback(warnJsFallback);
  if (methodPool) setMethodRunner(methodPool.createMethodPool(2));
  registerBackend('native', loadNativeBackend);
  registerBackend('wasm', () => ({ ...createWasmBackend(readWasm()), ...(wasmPool ? wasmPool.createWasmPool(2) : {}) }));
}
