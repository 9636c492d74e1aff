// The 'dropmask/tfjs' entry as users load it: require, import (one module instance), the types,
// the browser/bundler bundle (dist/tfjs-edge.mjs, sharing dist/edge.mjs), and 'dropmask' itself
// never loading TensorFlow.js.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

const root = path.join(__dirname, '..', '..');
const node = (code: string, type: 'commonjs' | 'module' = 'commonjs'): string =>
  execFileSync(process.execPath, ['--input-type=' + type, '-e', code], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();

const firstMask = `
  tf.tidy(() => tf.zeros([1]));
  const x = tf.ones([2, 8]);
  const y = t.layers.dropout({ rate: 0.5, seed: 3 }).apply(x, { training: true });
  console.log(Array.from(y.dataSync()).join(','));`;

test("require('dropmask/tfjs') and import from 'dropmask/tfjs' share one module and draw dropmask's masks", () => {
  const silence = 'console.warn = () => {};';
  const cjs = node(`${silence} const tf = require('@tensorflow/tfjs'); const t = require('dropmask/tfjs'); ${firstMask}`);
  const esm = node(
    `${silence} import * as tf from '@tensorflow/tfjs'; import * as t from 'dropmask/tfjs'; import { createRequire } from 'node:module';
     if (createRequire(import.meta.url)('dropmask/tfjs').layers !== t.layers) throw new Error('two instances'); ${firstMask}`,
    'module',
  );
  const expected = node(
    "const d = require('dropmask'); console.log(Array.from(d.dropout(new Float32Array(16).fill(1), { p: 0.5, seed: 3 })).join(','))",
  );
  expect(cjs).toBe(expected);
  expect(esm).toBe(expected);
});

test("'dropmask' alone never loads TensorFlow.js", () => {
  const loaded = node(
    "require('dropmask'); console.log(Object.keys(require.cache).filter((k) => k.includes('@tensorflow')).length)",
  );
  expect(loaded).toBe('0');
  const esm = node(
    "import { createRequire } from 'node:module'; await import('dropmask'); console.log(Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('@tensorflow')).length)",
    'module',
  );
  expect(esm).toBe('0');
});

test('the published types of dropmask/tfjs type-check in a consumer', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dropmask-tfjs-types-'));
  try {
    const file = path.join(dir, 'consumer.ts');
    fs.writeFileSync(
      file,
      `import * as tf from '@tensorflow/tfjs';
import { layers, ops, mcPredict } from 'dropmask/tfjs';
const model = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [3] }), layers.dropout({ rate: 0.5, seed: 1n }), layers.dropConnectDense({ units: 2, perExample: false })] });
const y: tf.Tensor = ops.dropout(tf.ones([2, 3]), { p: 0.1, seed: 2, noiseShape: [null, 1] });
const r = mcPredict(model, tf.ones([2, 3]), { passes: 4, seed: 3 });
const bald: tf.Tensor | undefined = r.mutualInformation;
const offset: bigint = (model.layers[1] as ReturnType<typeof layers.dropout>).position().offset;
export { y, bald, offset };
`,
    );
    // '@tensorflow/tfjs' from the repository; 'dropmask/tfjs' is mapped to the built types below
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
    const program = ts.createProgram([path.join(dir, 'consumer.ts')], {
      noEmit: true,
      strict: true,
      module: ts.ModuleKind.Node16,
      moduleResolution: ts.ModuleResolutionKind.Node16,
      target: ts.ScriptTarget.ES2022,
      types: [],
      skipLibCheck: true,
      paths: { 'dropmask/tfjs': [path.join(root, 'dist', 'tfjs', 'index.d.ts')] },
      baseUrl: root,
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('dist/tfjs-edge.mjs imports only dist/edge.mjs and TensorFlow.js, and draws the Node entry masks after init()', () => {
  const bundle = fs.readFileSync(path.join(root, 'dist', 'tfjs-edge.mjs'), 'utf8');
  const imports = new Set([...bundle.matchAll(/from\s*"([^"]+)"/g)].map((m) => m[1]));
  expect([...imports].sort()).toEqual(['./edge.mjs', '@tensorflow/tfjs-core', '@tensorflow/tfjs-layers']);
  expect(bundle).not.toMatch(/\brequire\(|from ?["']node:|process\.env/);
  const out = node(
    `console.warn = () => {};
     import * as tf from '@tensorflow/tfjs';
     import { readFileSync } from 'node:fs';
     import * as t from './dist/tfjs-edge.mjs';
     import * as edge from './dist/edge.mjs';
     if (t.init !== edge.init) throw new Error('init is not the edge entry init');
     await t.init({ wasm: readFileSync('./dist/dropmask.wasm') });
     if (edge.backendInfo().name !== 'wasm') throw new Error('edge entry not initialised');
     ${firstMask}`,
    'module',
  );
  const expected = node(
    "const d = require('dropmask'); console.log(Array.from(d.dropout(new Float32Array(16).fill(1), { p: 0.5, seed: 3 })).join(','))",
  );
  expect(out).toBe(expected);
});
