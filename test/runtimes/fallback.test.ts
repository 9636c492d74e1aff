// No silent fallback: when automatic selection ends on the js reference for any reason but the
// user asking for it, one warning (process.emitWarning, code DROPMASK_JS_FALLBACK; console.warn
// where there is no process) gives each faster backend's error and the way to silence it; never
// when js was forced, nor on the edge before init() (the documented js-until-init). init() with no
// argument falls back to the inlined module when the URL next to the bundle cannot be fetched.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.join(__dirname, '..', '..');
const WARNING =
  /\(node:\d+\) \[DROPMASK_JS_FALLBACK\] Warning: dropmask: running on the js reference backend, about 20× slower than WebAssembly, because no faster backend loaded \(native: No native build was found[^;]*; wasm: cannot read \S+dropmask\.wasm \(ENOENT\); reinstall dropmask\)\. setBackend\('js'\) or DROPMASK_BACKEND=js chooses js and silences this warning\./;

const node = (cwd: string, code: string, env: Record<string, string> = {}, type = 'commonjs') => {
  const r = spawnSync(process.execPath, [`--input-type=${type}`, '-e', code], {
    cwd,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return { out: r.stdout.trim(), err: r.stderr };
};
const count = (text: string, re: RegExp): number => (text.match(new RegExp(re.source, 'g')) ?? []).length;

describe('Node: no addon and no .wasm', () => {
  let dir = '';
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dropmask-fallback-'));
    fs.cpSync(path.join(root, 'dist'), path.join(dir, 'dist'), { recursive: true });
    fs.rmSync(path.join(dir, 'dist', 'dropmask.wasm'));
    fs.copyFileSync(path.join(root, 'package.json'), path.join(dir, 'package.json'));
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const calls =
    "d.randomBits(4, { seed: 0 }); d.bernoulliMask(64, { p: 0.5, seed: 1 }); d.backendInfo(); d.setBackend('auto'); d.dropout(new Float32Array(8), { p: 0.5, seed: 2 });";

  test('auto ends on js: one warning with both causes and the fix, however many calls', () => {
    const { out, err } = node(dir, `const d = require('./dist/index.js'); ${calls} console.log(d.backendInfo().name)`, {
      PREBUILDS_ONLY: '1',
    });
    expect(out).toBe('js');
    expect(err).toMatch(WARNING);
    expect(count(err, /DROPMASK_JS_FALLBACK/)).toBe(1);
  });

  test("js chosen by DROPMASK_BACKEND=js or setBackend('js'): no warning", () => {
    const env = node(
      dir,
      `const d = require('./dist/index.js'); ${calls.replace("d.setBackend('auto');", '')} console.log(d.backendInfo().name)`,
      {
        PREBUILDS_ONLY: '1',
        DROPMASK_BACKEND: 'js',
      },
    );
    expect(env.out).toBe('js');
    expect(env.err).not.toMatch(/DROPMASK_JS_FALLBACK/);
    const set = node(
      dir,
      `const d = require('./dist/index.js'); d.setBackend('js'); d.randomBits(4, { seed: 0 }); console.log(d.backendInfo().name)`,
      {
        PREBUILDS_ONLY: '1',
      },
    );
    expect(set.err).not.toMatch(/DROPMASK_JS_FALLBACK/);
  });
});

describe('the edge bundle', () => {
  const edge = JSON.stringify(path.join(root, 'dist', 'edge.mjs'));
  test('calls before init() run on js with no warning; init() with no argument falls back to the inlined module', () => {
    // Node cannot fetch the file: URL next to the bundle, as a page built by esbuild or Rollup cannot fetch the .wasm
    const { out, err } = node(
      root,
      `import * as d from ${edge};
const before = d.randomBits(2, { seed: 0 });
const info = await d.init();
console.log(JSON.stringify({ before: Array.from(before), info, after: Array.from(d.randomBits(2, { seed: 0 })) }));`,
      {},
      'module',
    );
    const r = JSON.parse(out);
    expect(r.info.name).toBe('wasm');
    expect(r.after).toEqual(r.before);
    expect(err).not.toMatch(/DROPMASK_JS_FALLBACK/);
  });

  test('a failed init() rejects, and the calls after it warn once', () => {
    const { out, err } = node(
      root,
      `import * as d from ${edge};
const e = await d.init({ wasm: new Uint8Array([0, 97, 115, 109, 9, 9, 9, 9]) }).catch((e) => e);
for (let i = 0; i < 3; i++) d.randomBits(2, { seed: 0 });
console.log(JSON.stringify({ error: String(e), info: d.backendInfo() }));`,
      {},
      'module',
    );
    const r = JSON.parse(out);
    expect(r.error).toMatch(/CompileError/);
    expect(r.info.name).toBe('js');
    expect(r.info.wasmError).toMatch(/CompileError|WebAssembly/);
    expect(count(err, /\[DROPMASK_JS_FALLBACK\] Warning: dropmask: running on the js reference backend/)).toBe(1);
    expect(err).toMatch(/because no faster backend loaded \(native: the edge entry has no native addon; wasm: /);
  });
});
