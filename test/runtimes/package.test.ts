// The package as users load it: require and import by name, types, backend selection by
// environment, and the fallback to WebAssembly when the native addon is unavailable.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

const root = path.join(__dirname, '..', '..');
const node = (code: string, env: Record<string, string> = {}, type: 'commonjs' | 'module' = 'commonjs'): string =>
  execFileSync(process.execPath, ['--input-type=' + type, '-e', code], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();

test("require('dropmask') and import from 'dropmask' give the same answers", () => {
  const cjs = node(
    "const d = require('dropmask'); console.log(Array.from(d.randomBits(4, { seed: 0 }), (w) => w.toString(16)).join(','))",
  );
  const esm = node(
    "import { randomBits } from 'dropmask'; console.log(Array.from(randomBits(4, { seed: 0 }), (w) => w.toString(16)).join(','))",
    {},
    'module',
  );
  expect(cjs).toBe('6627e8d5,e169c58d,bc57ac4c,9b00dbd8'); // Random123: counter 0, key 0
  expect(esm).toBe(cjs);
});

test('the published types describe the API (a consumer type-checks)', () => {
  const program = ts.createProgram([path.join(__dirname, '..', 'fixtures', 'consumer.ts')], {
    noEmit: true,
    strict: true,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    target: ts.ScriptTarget.ES2022,
    baseUrl: root,
    types: [],
    skipLibCheck: true,
  });
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  expect(diagnostics).toEqual([]);
});

test('DROPMASK_BACKEND forces a backend and backendInfo says so', () => {
  const info = (env: Record<string, string>) =>
    JSON.parse(node("console.log(JSON.stringify(require('dropmask').backendInfo()))", env));
  expect(info({ DROPMASK_BACKEND: 'wasm' })).toMatchObject({ name: 'wasm', simd: 'simd128', requested: 'wasm' });
  expect(info({ DROPMASK_BACKEND: 'js' })).toMatchObject({ name: 'js', simd: 'none' });
  expect(() => node("require('dropmask').uniform(2, { seed: 1 })", { DROPMASK_BACKEND: 'cuda' })).toThrow(/DROPMASK_BACKEND/);
});

test('without a native binary the package runs on wasm and reports why', () => {
  // PREBUILDS_ONLY makes node-gyp-build ignore build/Release: as on a machine where the build failed.
  const out = JSON.parse(
    node(
      "const d = require('dropmask'); console.log(JSON.stringify({ info: d.backendInfo(), bits: Array.from(d.randomBits(2, { seed: 0 })) }))",
      { PREBUILDS_ONLY: '1' },
    ),
  );
  expect(out.info.name).toBe('wasm');
  expect(out.info.reason).toMatch(/native did not load/);
  expect(out.info.nativeError).toMatch(/No native build was found/);
  expect(out.bits).toEqual([0x6627e8d5, 0xe169c58d]);
  expect(() => node("require('dropmask').setBackend('native')", { PREBUILDS_ONLY: '1' })).toThrow(
    /native backend is unavailable/,
  );
});

test('a corrupt native binary falls back to wasm, with the loader error reported', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dropmask-corrupt-'));
  fs.cpSync(path.join(root, 'dist'), path.join(dir, 'dist'), { recursive: true });
  fs.copyFileSync(path.join(root, 'package.json'), path.join(dir, 'package.json'));
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
  fs.mkdirSync(path.join(dir, 'build', 'Release'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'build', 'Release', 'dropmask.node'), 'not an ELF file');
  try {
    const out = execFileSync(
      process.execPath,
      [
        '-e',
        "const d = require('./dist/index.js'); console.log(JSON.stringify({ info: d.backendInfo(), w: d.randomBits(1, { seed: 0 })[0] }))",
      ],
      { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const { info, w } = JSON.parse(out);
    expect(info.name).toBe('wasm');
    expect(info.nativeError).toMatch(/invalid ELF header|file too short|dropmask.node/);
    expect(w).toBe(0x6627e8d5);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the edge types: moduleResolution bundler with no DOM lib, and with it', () => {
  const check = (lib: string[]): string[] => {
    const program = ts.createProgram([path.join(__dirname, '..', 'fixtures', 'edge_consumer.ts')], {
      noEmit: true,
      strict: true,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      customConditions: ['browser'],
      target: ts.ScriptTarget.ES2022,
      lib,
      types: [],
      baseUrl: root,
    });
    return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  };
  expect(check(['lib.es2022.d.ts'])).toEqual([]); // no 'Cannot find namespace WebAssembly'
  expect(check(['lib.es2022.d.ts', 'lib.dom.d.ts'])).toEqual([]);
});

test('the exports map: Node gets the native entry; workerd, deno, browser and worker their ES modules', () => {
  const resolve = (condition: string | null, subpath = 'dropmask'): string =>
    execFileSync(
      process.execPath,
      [
        ...(condition ? [`--conditions=${condition}`] : []),
        '--input-type=module',
        '-e',
        `console.log(import.meta.resolve(${JSON.stringify(subpath)}))`,
      ],
      { cwd: root, encoding: 'utf8' },
    ).trim();
  expect(resolve(null)).toMatch(/dist\/index\.mjs$/);
  expect(resolve('workerd')).toMatch(/dist\/workerd\.mjs$/);
  expect(resolve('deno')).toMatch(/dist\/deno\.mjs$/);
  for (const c of ['browser', 'worker']) expect(resolve(c)).toMatch(/dist\/edge\.mjs$/);
  expect(resolve(null, 'dropmask/core')).toMatch(/dist\/edge-core\.mjs$/);
  expect(resolve('workerd', 'dropmask/core')).toMatch(/dist\/workerd-core\.mjs$/);
  expect(resolve(null, 'dropmask/wasm-embedded')).toMatch(/dist\/wasm-embedded\.mjs$/);
  // bundlers keep only the entries that register backends at import (the workerd and Deno ones)
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  expect(pkg.sideEffects).toEqual(expect.arrayContaining(['./dist/workerd.mjs', './dist/deno.mjs', './dist/index.js']));
  expect(pkg.sideEffects).not.toContain('./dist/edge.mjs');
});
