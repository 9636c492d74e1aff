// The native backend: the node-addon-api addon built from native/ by node-gyp, loaded through
// node-gyp-build so that prebuilt binaries in prebuilds/ are used when present.
import { readFileSync } from 'fs';
import * as path from 'path';
import type { Backend, KernelAsync } from './interface';
import { STREAM_KERNELS, kernelNames, kernelSpec } from './kernels';
import type { ArrayKernelSpec, KernelName } from './kernels';
import { setSharedViewRelation } from '../core/errors';
import type { ViewRelation } from '../core/errors';

/** The addon: the kernel bindings of native/kernel_table.h (called through the table) and its controls. */
interface Addon extends Record<string, unknown> {
  simd(): string;
  simdLevels(): string[];
  setSimd(level: string): void;
  setThreads(threads: number): void;
  threads(): number;
  kernelAsync: KernelAsync;
  matmulAsync: NonNullable<Backend['matmulAsync']>;
  viewRelation(a: ArrayBufferView, b: ArrayBufferView): ViewRelation;
}

type Binding = (...args: unknown[]) => unknown;

/**
 * The Backend method of `kind` over its addon binding, from the kernel table: stream kernels get
 * the pinned counter; array kernels get any geometry object flattened into the positional numbers
 * the binding takes (`nativeArgs`). Stream kernels have at most five arguments and the bindings
 * ignore extra ones, so one fixed-arity closure serves them without a rest array on the hot path.
 */
function adapt(addon: Addon, kind: KernelName, pin: (c: Uint32Array) => Uint32Array): Binding {
  const binding = addon[kind] as Binding;
  const spec = kernelSpec(kind);
  let kernel: Binding;
  if (kind in STREAM_KERNELS) {
    kernel =
      spec.args.indexOf('counter') === 1
        ? (a0, c, a2, a3) => binding.call(addon, a0, pin(c as Uint32Array), a2, a3)
        : (a0, a1, c, a3, a4) => binding.call(addon, a0, a1, pin(c as Uint32Array), a3, a4);
  } else {
    const nativeArgs = (spec as ArrayKernelSpec).nativeArgs;
    const counterAt = spec.args.indexOf('counter');
    if (nativeArgs === undefined && counterAt >= 0) {
      // an array kernel that draws inside (fused products): its counter is pinned too
      kernel = (...a) => {
        a[counterAt] = pin(a[counterAt] as Uint32Array);
        return binding.apply(addon, a);
      };
    } else if (nativeArgs === undefined) {
      kernel = (...a) => binding.apply(addon, a);
    } else {
      const g = spec.args.indexOf('g');
      const sources = nativeArgs.map((name) => [spec.args.indexOf(name), name] as const);
      kernel = (...a) => {
        const geometry = a[g] as Record<string, unknown>;
        return binding.apply(
          addon,
          sources.map(([at, name]) => (at >= 0 ? a[at] : geometry[name])),
        );
      };
    }
  }
  // the Backend method's arity, as the other backends declare it (the contract test compares it)
  return Object.defineProperty(kernel, 'length', { value: spec.args.length });
}

export interface NativeBackend extends Backend {
  /** Instruction sets this CPU can run, widest first. */
  readonly simdLevels: readonly string[];
  /** Uses a narrower instruction set (for tests and benchmarks); returns the backend. */
  useSimd(level: string): NativeBackend;
  /** Threads large calls are split across (results never depend on it). */
  threads: number;
}

/** Whether `dir` is dropmask's package root. */
const isPackageRoot = (dir: string): boolean => {
  try {
    return (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string }).name === 'dropmask';
  } catch {
    return false;
  }
};

/**
 * The package root: dist/backends/ and lib/backends/ both sit two levels below it. In a server
 * bundle (esbuild or webpack with platform node) __dirname is the bundle's, so the installed
 * package is looked up from there and from the working directory; `bundled` is then true.
 */
export const { PACKAGE_ROOT, bundled } = ((): { PACKAGE_ROOT: string; bundled: boolean } => {
  const here = path.join(__dirname, '..', '..');
  if (isPackageRoot(here)) return { PACKAGE_ROOT: here, bundled: false };
  for (const from of [__dirname, process.cwd()]) {
    try {
      return { PACKAGE_ROOT: path.dirname(require.resolve('dropmask/package.json', { paths: [from] })), bundled: true };
    } catch {
      // not installed where the bundle runs
    }
  }
  return { PACKAGE_ROOT: here, bundled: true };
})();

/** What a bundled dropmask that cannot find its files says: the recipe. */
export const BUNDLE_RECIPE =
  'dropmask is bundled (esbuild --bundle --platform=node, webpack) and its files are not where the bundle runs: keep it out of the bundle (esbuild --external:dropmask, webpack externals) and install it beside the bundle (npm install dropmask), so that node_modules/dropmask/prebuilds and dist/dropmask.wasm are there';

/** Threads for large native calls by default: the machine's parallelism, at most 4. */
export function defaultThreads(): number {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const os = require('os') as typeof import('os');
  const n = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(4, n));
}

function loadAddon(): Addon {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = require('node-gyp-build') as (dir: string) => Addon;
  try {
    return load(PACKAGE_ROOT);
  } catch (e) {
    if (bundled && !isPackageRoot(PACKAGE_ROOT))
      throw new Error(`${(e as Error).message.split('\n')[0]}; ${BUNDLE_RECIPE}`, { cause: e });
    throw e;
  }
}

let probe: Addon | null | undefined;

/**
 * Two SharedArrayBuffer objects over one memory look disjoint to the overlap checks; the addon
 * compares their data pointers. The checks run before a call picks its backend, so the addon is
 * loaded here on first use, whatever backend the call then runs on. An addon that does not load,
 * or a prebuild from before the helper, leaves such aliases undetected, as on the edge.
 */
setSharedViewRelation((a, b) => {
  if (probe === undefined) {
    try {
      probe = loadAddon();
    } catch {
      probe = null;
    }
  }
  return probe && typeof probe.viewRelation === 'function' ? probe.viewRelation(a, b) : 'disjoint';
});

export function loadNativeBackend(): NativeBackend {
  const addon = loadAddon();
  addon.setThreads(defaultThreads());
  // Counters are fresh 28-byte arrays, which V8 keeps on its heap; handing one to Node-API
  // moves it off-heap first (an allocation and a copy, most of a small call's cost). One
  // long-lived counter, already off-heap, is copied into instead.
  const ctr = new Uint32Array(7);
  const pin = (c: Uint32Array): Uint32Array => (ctr.set(c), ctr);
  const backend: NativeBackend = {
    name: 'native',
    get simd() {
      return addon.simd();
    },
    simdLevels: addon.simdLevels(),
    useSimd(level: string) {
      addon.setSimd(level);
      return backend;
    },
    get threads() {
      return addon.threads();
    },
    set threads(n: number) {
      addon.setThreads(n);
    },
    kernelAsync: (kind, n, c, a, b, x) => addon.kernelAsync(kind, n, new Uint32Array(c), a, b, x),
    matmulAsync: (a, b, bias, m, n, k, ta, tb, keep, scale) =>
      addon.matmulAsync(a, b, bias, m, n, k, ta, tb, keep ?? null, scale ?? 1),
    ...(Object.fromEntries(kernelNames().map((kind) => [kind, adapt(addon, kind, pin)])) as Pick<Backend, KernelName>),
  };
  return backend;
}
