// Backend selection: 'auto' takes native if the addon loads, else WebAssembly, else the js
// reference. DROPMASK_BACKEND, setBackend() and each call's `backend` option force one. This
// module uses no platform API: each entry point registers how its backends load (node.ts
// for Node, edge.ts for browsers, workers and Deno).
import type { Backend, BackendName } from './interface';
import { checkCount, checkOneOf, rangeError } from '../core/errors';
import { jsBackend } from './js';

/** What the package chose and why. */
export interface BackendInfo {
  /** The backend that runs calls without a `backend` option. */
  name: BackendName;
  /** Its instruction set: avx512, avx2, sse2, neon, scalar (native), simd128 (wasm), none (js). */
  simd: string;
  /** What was asked for: 'auto' or a backend name (from setBackend or DROPMASK_BACKEND). */
  requested: 'auto' | BackendName;
  /** Why this backend runs. */
  reason: string;
  /** Why the native addon could not be used, when it could not. */
  nativeError?: string;
  /** Why the WebAssembly module could not be used, when it could not. */
  wasmError?: string;
}

// `init()`'s types are here, not in edge_init.ts, because every entry exports init (on Node it
// only reports the selection). Each global type is taken from the program's own lib when it has
// it (DOM, @types/node), so that the edge types need no DOM lib.
type Global<K extends string, Fallback> =
  typeof globalThis extends Record<K, abstract new (...a: never[]) => infer T> ? T : Fallback;
type WasmNamespace = typeof globalThis extends { WebAssembly: { Module: abstract new (...a: never[]) => infer M } } ? M : object;
/** A compiled `WebAssembly.Module`. */
export type WasmModule = WasmNamespace;
/** A fetch `Response`. */
export type ResponseLike = Global<'Response', { readonly ok: boolean; arrayBuffer(): Promise<ArrayBuffer> }>;

/** Where `init` takes the WebAssembly module from. */
export type WasmSource =
  | Global<'URL', { readonly href: string }>
  | string
  | ArrayBuffer
  | ArrayBufferView
  | WasmModule
  | ResponseLike
  | PromiseLike<ResponseLike>;

/** Options of `init`. */
export interface InitOptions {
  /**
   * The module: a URL (fetched), a Response, bytes, or a compiled WebAssembly.Module (for
   * runtimes that forbid compiling at run time or fetching: `import wasm from
   * 'dropmask/dropmask.wasm'`). Default: dropmask.wasm next to the bundle, else the copy inlined
   * in 'dropmask/wasm-embedded'. Ignored on Node, which reads it from the package.
   */
  wasm?: WasmSource;
}

export const BACKEND_NAMES: readonly BackendName[] = ['native', 'wasm', 'js'];
const REQUESTS = ['auto', ...BACKEND_NAMES] as const;

const loaded: Partial<Record<BackendName, Backend>> = { js: jsBackend };
const failures: Partial<Record<BackendName, Error>> = {};
const loaders: Partial<Record<BackendName, () => Backend>> = {};

/** A backend with a thread count (native). */
interface Threaded extends Backend {
  threads: number;
}

/**
 * Tells selection how this platform loads a backend (called by the entry points). A backend
 * registered again replaces the old one, and the next `auto` choice reconsiders it.
 */
export function registerBackend(name: 'native' | 'wasm', load: () => Backend): void {
  loaders[name] = load;
  delete loaded[name];
  delete failures[name];
  reconsider();
}

/** Makes the next call choose again, unless a backend was chosen by name. */
function reconsider(): void {
  if (info?.requested === 'auto') active = undefined;
}

/** Marks a backend unavailable on this platform, with the reason backendInfo() reports. */
export function markUnavailable(name: 'native' | 'wasm', reason: Error): void {
  if (loaders[name] || loaded[name]) return;
  failures[name] = reason;
  reconsider(); // choose again (and warn) at the next call
}

let onJs: ((failures: Partial<Record<BackendName, Error>>) => void) | undefined;

/**
 * Who warns when automatic selection ends on js: Node's entry, and the edge's once init() has
 * failed (before that, js is the edge's documented backend until init() loads the module).
 */
export function onJsFallback(warn: typeof onJs): void {
  onJs = warn;
}

let warned = false;

/**
 * The warning, once per thread (process.emitWarning where there is one, else console.warn), that
 * automatic selection ended on the js reference, with each faster backend's error (which says how
 * to fix it). Never when js was asked for, nor on the edge before init() has failed (onJsFallback).
 */
export function warnJsFallback(failed: Partial<Record<BackendName, Error>>): void {
  if (warned) return;
  warned = true;
  const causes = (['native', 'wasm'] as const).filter((n) => failed[n]).map((n) => `${n}: ${failed[n]!.message}`);
  const message = `dropmask: running on the js reference backend, about 20× slower than WebAssembly, because no faster backend loaded (${causes.join('; ')}). setBackend('js') or DROPMASK_BACKEND=js chooses js and silences this warning.`;
  const proc = (globalThis as { process?: { emitWarning?: (m: string, o: object) => void } }).process;
  if (typeof proc?.emitWarning === 'function') proc.emitWarning(message, { code: 'DROPMASK_JS_FALLBACK' });
  else console.warn(message);
}

function tryLoad(name: BackendName): Backend | undefined {
  if (loaded[name]) return loaded[name];
  if (failures[name]) return undefined;
  try {
    const load = loaders[name];
    if (!load) throw new Error(`no ${name} backend on this platform`);
    loaded[name] = load();
  } catch (e) {
    failures[name] = e instanceof Error ? e : new Error(String(e));
  }
  return loaded[name];
}

/** Loads one backend by name, or throws an Error whose `cause` says why it is unavailable. */
export function loadBackend(name: BackendName): Backend {
  checkOneOf('backend', name, BACKEND_NAMES);
  const b = tryLoad(name);
  if (!b) throw new Error(`dropmask: the ${name} backend is unavailable: ${failures[name]!.message}`, { cause: failures[name] });
  return b;
}

/** The backends that load in this process, fastest first. */
export function availableBackends(): BackendName[] {
  return BACKEND_NAMES.filter((n) => tryLoad(n) !== undefined);
}

let active: Backend | undefined;
let info: BackendInfo | undefined;

/**
 * Chooses the backend for calls without a `backend` option: 'auto' (native, else wasm, else js)
 * or a name, which must load. Returns what was chosen.
 */
export function setBackend(request: 'auto' | BackendName): BackendInfo {
  checkOneOf('backend', request, REQUESTS);
  let reason: string;
  if (request === 'auto') {
    const name = BACKEND_NAMES.find((n) => tryLoad(n) !== undefined)!;
    active = loaded[name]!;
    reason =
      name === 'native'
        ? 'auto: the native addon loaded'
        : `auto: ${name} because ${BACKEND_NAMES.slice(0, BACKEND_NAMES.indexOf(name)).join(' and ')} did not load`;
    if (name === 'js') onJs?.(failures);
  } else {
    active = loadBackend(request);
    reason = `forced: ${request}`;
  }
  info = {
    name: active.name,
    simd: active.simd,
    requested: request,
    reason,
    ...(failures.native ? { nativeError: failures.native.message } : {}),
    ...(failures.wasm ? { wasmError: failures.wasm.message } : {}),
  };
  return { ...info };
}

function envRequest(): 'auto' | BackendName {
  let env: string | undefined;
  try {
    // Deno's process.env throws without --allow-env (its entry, deno.mjs, never gets here)
    env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.DROPMASK_BACKEND;
  } catch {
    // no access: 'auto'
  }
  if (env === undefined || env === '') return 'auto';
  return checkOneOf('DROPMASK_BACKEND', env, REQUESTS);
}

/**
 * The backend a call runs on: its own `backend` option if given, else the active one; with a
 * `threads` option, a view of it whose native calls use that many threads (results never depend on it).
 */
export function getBackend(name?: unknown, threads?: unknown): Backend {
  let b: Backend;
  if (name !== undefined) b = loadBackend(checkOneOf('backend', name, BACKEND_NAMES));
  else {
    if (!active) setBackend(envRequest());
    b = active!;
  }
  if (threads === undefined) return b;
  checkCount('threads', threads);
  if ((threads as number) < 1 || (threads as number) > 256) throw rangeError('threads', 'an integer in [1, 256]', threads);
  return withThreads(b, threads as number);
}

/** A view of a native backend whose calls run with `threads` threads, restoring the setting after each. */
function withThreads(backend: Backend, threads: number): Backend {
  if (!('threads' in backend)) return backend; // wasm and js run on the calling thread
  const native = backend as Threaded;
  return new Proxy(native, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const before = target.threads;
        target.threads = threads;
        try {
          return value.apply(target, args);
        } finally {
          target.threads = before;
        }
      };
    },
  });
}

/** The chosen backend, its SIMD level and, when native or wasm is unavailable, why. */
export function backendInfo(): BackendInfo {
  if (!info) getBackend();
  return { ...info!, simd: active!.simd };
}

/**
 * Threads the native backend splits large calls across (≥ 2^17 elements per thread; matrix
 * products by rows). Results are bit-identical for every count: each thread computes its range at
 * the stream position that range would have in one call. Default: the machine's parallelism, at
 * most 4. The WebAssembly and js backends always use the calling thread.
 */
export function setThreads(threads: number): number {
  checkCount('threads', threads);
  if (threads < 1 || threads > 256) throw rangeError('threads', 'an integer in [1, 256]', threads);
  const native = tryLoad('native') as Threaded | undefined;
  if (native) native.threads = threads;
  return threads;
}

/** Threads of the native backend (1 when native is unavailable). */
export function getThreads(): number {
  const native = tryLoad('native') as Threaded | undefined;
  return native ? native.threads : 1;
}
