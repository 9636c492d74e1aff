// The native backend: the node-addon-api addon built from native/ by node-gyp, loaded through
// node-gyp-build so that prebuilt binaries in prebuilds/ are used when present.
import * as path from 'path';
import type { Backend } from '../backend';

interface Addon extends Omit<Backend, 'name' | 'simd'> {
  simd(): string;
  simdLevels(): string[];
  setSimd(level: string): void;
}

export interface NativeBackend extends Backend {
  /** Instruction sets this CPU can run, widest first. */
  readonly simdLevels: readonly string[];
  /** Uses a narrower instruction set (for tests and benchmarks); returns the backend. */
  useSimd(level: string): NativeBackend;
}

/** The package root: dist/backends/ and lib/backends/ both sit two levels below it. */
export const PACKAGE_ROOT = path.join(__dirname, '..', '..');

export function loadNativeBackend(): NativeBackend {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = require('node-gyp-build') as (dir: string) => Addon;
  const addon = load(PACKAGE_ROOT);
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
    randomBits: (out, c) => addon.randomBits(out, c),
    uniform: (out, c) => addon.uniform(out, c),
    normal: (out, c, mean, std) => addon.normal(out, c, mean, std),
    bernoulliF32: (out, c, t, s) => addon.bernoulliF32(out, c, t, s),
    bernoulliU8: (out, c, t) => addon.bernoulliU8(out, c, t),
    bernoulliBits: (out, n, c, t) => addon.bernoulliBits(out, n, c, t),
    dropout: (out, x, c, t, s) => addon.dropout(out, x, c, t, s),
    gaussianNoise: (out, x, c, s) => addon.gaussianNoise(out, x, c, s),
  };
  return backend;
}
