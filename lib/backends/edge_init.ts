// How the edge entries (edge.ts, edge_core.ts) load WebAssembly without any Node API: `init()`
// compiles the module from a URL next to the bundle, a Response, bytes or a compiled Module.
import { createWasmBackend } from './wasm';
import { BackendInfo, markUnavailable, registerBackend, setBackend } from './select';
import { typeError } from '../core/errors';

/** Where `init` takes the WebAssembly module from. */
export type WasmSource = URL | string | ArrayBuffer | ArrayBufferView | WebAssembly.Module | Response | PromiseLike<Response>;

/** Options of `init`. */
export interface InitOptions {
  /**
   * The module: a URL (fetched), a Response, bytes, or a compiled WebAssembly.Module (for
   * runtimes that forbid compiling at run time or fetching, with the bytes of
   * 'dropmask/wasm-embedded'). Default: dropmask.wasm next to this file (import.meta.url).
   */
  wasm?: WasmSource;
}

markUnavailable('native', 'the edge entry has no native addon');
markUnavailable('wasm', 'init() has not loaded the WebAssembly module yet');

async function compile(source: WasmSource): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
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

/**
 * Loads the WebAssembly module and makes it the backend of every call (resolves with
 * backendInfo()). Calls made before init() run on the js reference and give the same bits.
 * Calling init() again returns the first call's promise.
 * @example import { init, dropout } from 'dropmask'; await init(); dropout(x, { p: 0.1, seed: 1 });
 */
export function init(options: InitOptions = {}): Promise<BackendInfo> {
  if (options === null || typeof options !== 'object') return Promise.reject(typeError('options', 'an options object', options));
  loading ??= (async () => {
    const source = options.wasm ?? new URL('./dropmask.wasm', import.meta.url);
    const module = await compile(source);
    const backend = createWasmBackend(module);
    registerBackend('wasm', () => backend);
    return setBackend('auto');
  })();
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}
