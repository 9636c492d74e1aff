// The kernel table (lib/backends/kernels.ts) against every backend: the same kernel names, the
// same parameters, and one file per family in native/, assembly/ and lib/backends/js/. Adding a
// kernel to one backend and not the others, or to no table, fails here.
import { existsSync, readFileSync } from 'fs';
import * as path from 'path';
import { loadBackend, availableBackends } from '../../lib/index';
import { ARRAY_KERNELS, STREAM_KERNELS, kernelNames, kernelSpec, streamWords } from '../../lib/backends/kernels';
import type { ArrayKernelSpec, StreamKernelSpec } from '../../lib/backends/kernels';

const root = path.join(__dirname, '..', '..');
const NOT_KERNELS = new Set(['name', 'simd', 'simdLevels', 'useSimd', 'threads', 'memoryBytes', 'kernelAsync', 'matmulAsync']);
const KERNEL_NAMES = kernelNames();
const kernelsOf = (backend: object): string[] =>
  Object.keys(backend)
    .filter((k) => !NOT_KERNELS.has(k))
    .sort();

describe.each(availableBackends())('the %s backend', (name) => {
  const backend = loadBackend(name) as unknown as Record<string, unknown>;
  test('has exactly the kernels of the table', () => {
    expect(kernelsOf(backend)).toEqual([...KERNEL_NAMES].sort());
  });
  test.each(KERNEL_NAMES)('%s takes the parameters of the table', (kernel) => {
    expect((backend[kernel] as (...a: unknown[]) => unknown).length).toBe(kernelSpec(kernel).args.length);
  });
});

test("the table is consistent: a stream kernel's unit consumes its words per unit, its family has a file in every language", () => {
  for (const [kernel, spec] of Object.entries(STREAM_KERNELS) as [string, StreamKernelSpec][]) {
    expect([kernel, streamWords[spec.draws](spec.unit)]).toEqual([kernel, spec.wordsPerUnit]);
  }
  for (const { family } of KERNEL_NAMES.map(kernelSpec)) {
    for (const file of [`native/${family}.inc`, `assembly/${family}.ts`, `lib/backends/js/${family}.ts`]) {
      expect([file, existsSync(path.join(root, file))]).toEqual([file, true]);
    }
  }
});

test("the WebAssembly module exports the table's kernels (stream kernels with the derived arity) and only its own helpers", () => {
  const module = new WebAssembly.Module(readFileSync(path.join(root, 'dist', 'dropmask.wasm')));
  const exports = WebAssembly.Module.exports(module)
    .map((e) => e.name)
    .sort();
  const helpers = ['memory', 'scratchBase', 'setCounter', 'matmulScratchBytes', 'setMatmulMask'];
  const exported = KERNEL_NAMES.filter((k) => (kernelSpec(k) as ArrayKernelSpec).wasmExport !== false);
  expect(exports).toEqual([...exported, ...helpers].sort());
  const instance = new WebAssembly.Instance(module, { env: { abort: () => undefined } });
  for (const [kernel, spec] of Object.entries(STREAM_KERNELS) as [string, StreamKernelSpec][]) {
    const arity = 2 + (spec.input ? 1 : 0) + spec.scalars.length;
    expect([kernel, (instance.exports[kernel] as (...a: unknown[]) => unknown).length]).toEqual([kernel, arity]);
  }
});

const nativeTest = availableBackends().includes('native') ? test : test.skip;
nativeTest("the addon's kernelTable() (from native/kernel_table.h) is the TypeScript table", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const addon = require('node-gyp-build')(root) as {
    kernelTable(): {
      name: string;
      family: string;
      args: string[];
      unit: number | null;
      wordsPerUnit: number | null;
      async: boolean;
    }[];
  };
  const table = addon.kernelTable();
  expect(table.map((k) => k.name).sort()).toEqual([...KERNEL_NAMES].sort());
  for (const k of table) {
    const spec = kernelSpec(k.name as (typeof KERNEL_NAMES)[number]);
    const stream = (STREAM_KERNELS as Record<string, StreamKernelSpec>)[k.name];
    const nativeArgs = (ARRAY_KERNELS as Record<string, { nativeArgs?: readonly string[] }>)[k.name]?.nativeArgs ?? spec.args;
    expect({ name: k.name, family: k.family, args: k.args, unit: k.unit, wordsPerUnit: k.wordsPerUnit, async: k.async }).toEqual({
      name: k.name,
      family: spec.family,
      args: [...nativeArgs],
      unit: stream ? stream.unit : null,
      wordsPerUnit: stream ? stream.wordsPerUnit : null,
      async: stream !== undefined,
    });
  }
});
