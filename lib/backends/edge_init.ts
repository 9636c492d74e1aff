// How the edge entries (edge.ts, edge_core.ts) load WebAssembly without any Node API: `init()`
// compiles the module from a URL next to the bundle, a Response, bytes or a compiled Module. When
// the default URL cannot be fetched (esbuild and Rollup do not emit it; workerd has no
// import.meta.url) it falls back to the copy inlined in wasm-embedded.mjs, through
// init-fallback.mjs (`recover` below, built by scripts/build-edge.mjs), a lazy import that a
// bundle fetches only then. A failed init() rejects with the cause and the fix, and the calls
// after it warn once that they run on js (select.ts warnJsFallback, also in init-fallback.mjs).
import { createWasmBackend } from './wasm';
import {
  BackendInfo,
  InitOptions,
  WasmModule,
  WasmSource,
  markUnavailable,
  onJsFallback,
  registerBackend,
  setBackend,
} from './select';
import { typeError } from '../core/errors';

export type { InitOptions, WasmSource } from './select';

/** Compiles anything but a compiled module (which init() takes as it is); by default the URL next to the bundle. */
async function compile(source: WasmSource = new URL('./dropmask.wasm', import.meta.url)): Promise<WebAssembly.Module> {
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return WebAssembly.compile(source as BufferSource);
  let response: Response | PromiseLike<Response> = source as Response;
  if (typeof source === 'string' || source instanceof URL) response = fetch(source);
  else if (
    typeof (source as PromiseLike<Response>).then !== 'function' &&
    !(typeof Response !== 'undefined' && source instanceof Response)
  ) {
    throw typeError('wasm', 'a URL, a Response, bytes or a WebAssembly.Module', source);
  }
  const r = await response;
  if (!r.ok) throw new Error(`dropmask: fetching the WebAssembly module failed: HTTP ${r.status} ${r.url}`);
  const streaming = (r.headers.get('content-type') ?? '').startsWith('application/wasm');
  return streaming && WebAssembly.compileStreaming ? WebAssembly.compileStreaming(r) : WebAssembly.compile(await r.arrayBuffer());
}

let loading: Promise<BackendInfo> | undefined;

/** dist/init-fallback.mjs, built beside this bundle by scripts/build-edge.mjs: `recover` below and select.ts's warning. */
type Fallback = typeof import('./edge_init') & { warn: typeof import('./select').warnJsFallback };
// @ts-expect-error: the module exists only in dist/
const fallback = (): Promise<Fallback> => import('./init-fallback.mjs');

const use = (module: WebAssembly.Module): BackendInfo => {
  const backend = createWasmBackend(module);
  registerBackend('wasm', () => backend);
  return setBackend('auto');
};

/**
 * Loads the WebAssembly module and makes it the backend of every call (resolves with
 * backendInfo()). Calls made before init() run on the js reference and give the same bits.
 * Calling init() again returns the first call's promise; after a failure it tries again.
 * @example import { init, dropout } from 'dropmask'; await init(); dropout(x, { p: 0.1, seed: 1 });
 */
export function init(options: InitOptions = {}): Promise<BackendInfo> {
  if (options === null || typeof options !== 'object') return Promise.reject(typeError('options', 'an options object', options));
  const source = options.wasm;
  loading ??= (async () => {
    try {
      // a compiled module (workerd's `import wasm from 'dropmask/dropmask.wasm'`) is used at once
      return use(
        source instanceof WebAssembly.Module
          ? source
          : await compile(source).catch((e) => (source ? Promise.reject(e) : fallback().then((m) => m.recover(e)))),
      );
    } catch (e) {
      loading = undefined;
      await fallback().then((m) => onJsFallback(m.warn), String);
      markUnavailable('wasm', e as Error);
      throw e;
    }
  })();
  return loading;
}

const FIX =
  "Fix: pass the module yourself, `import { wasmBytes } from 'dropmask/wasm-embedded'; await init({ wasm: wasmBytes })`, or serve dropmask.wasm and `await init({ wasm: url })`.";

/**
 * init-fallback.mjs: the default URL failed with `error`; compiles the copy inlined in
 * wasm-embedded.mjs, or throws an Error that says what went wrong and how to fix it.
 */
export async function recover(error: unknown): Promise<WasmModule> {
  const why = error instanceof Error ? error.message : String(error);
  let wasmBytes: Uint8Array;
  try {
    // @ts-expect-error: dist/wasm-embedded.mjs, written by scripts/build-edge.mjs
    ({ wasmBytes } = await import('./wasm-embedded.mjs'));
  } catch (e) {
    throw new Error(
      `dropmask: init() found no WebAssembly module: the default URL failed (${why}) and wasm-embedded.mjs did not load (${e}). ${FIX}`,
    );
  }
  try {
    return await WebAssembly.compile(wasmBytes as BufferSource);
  } catch (e) {
    // Cloudflare workerd and other embedders that forbid compiling at run time
    throw new Error(
      `dropmask: init() cannot load WebAssembly here: the default URL failed (${why}) and this runtime does not compile bytes at run time (${e}). Fix: import the compiled module, \`import wasm from 'dropmask/dropmask.wasm'; await init({ wasm })\` (workerd and wrangler: the 'workerd' export condition does it for you).`,
    );
  }
}
