// The runtime suite: the packed tarball (with its prebuilds) installed as a new user would, in every
// runtime dropmask supports, each computing the same probe (test/fixtures/runtime_probe.mjs: FNV-1a
// hashes of one set of masks, the backend, the float32 Bernoulli throughput at 2^22 elements). Every
// runtime must give the hashes of Node's native backend and the backend it is documented to get:
// never an unexpected js. The runtimes come from scripts/install-runtimes.sh (npm registry and
// apt, pinned in test/runtimes/toolchain/); under CI a missing runtime fails, elsewhere its tests
// are skipped with a note. Prints the table the README's "Runtimes" section quotes.
import { execFileSync, spawnSync } from 'child_process';
import type { SpawnSyncReturns } from 'child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { tmpdir } from 'os';
import * as path from 'path';
import { chromium } from 'playwright-core';

const root = path.join(__dirname, '..', '..');
const toolchain = path.join(__dirname, 'toolchain');
const fixtures = path.join(__dirname, '..', 'fixtures');
const drivers = path.join(__dirname, 'drivers');
const modules = path.join(toolchain, 'node_modules');
const onPath = (cmd: string): string | undefined => {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
};
const ARM64_NODE = path.join(toolchain, 'arm64', 'node-v20.20.2', 'bin', 'node');
const BIN = {
  bun: path.join(modules, '@oven', 'bun-linux-x64', 'bin', 'bun'),
  deno: path.join(modules, '@deno', 'linux-x64-glibc', 'deno'),
  workerd: path.join(modules, '@cloudflare', 'workerd-linux-64', 'bin', 'workerd'),
  chromium: [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p && existsSync(p)) ?? '',
  qemu: onPath('qemu-aarch64') ?? '',
  arm64Node: ARM64_NODE,
};
const CI = !!process.env.CI;
/** A test that needs `tools`: skipped with a note outside CI when one is missing; under CI it runs, and fails. */
const needs = (...tools: (keyof typeof BIN)[]): jest.It => {
  const missing = tools.filter((tool) => !existsSync(BIN[tool]));
  if (missing.length === 0 || CI) return test;
  console.warn(`matrix: ${missing.join(', ')} not installed (npm run runtimes:install): its runtime tests are skipped`);
  return test.skip;
};
const present = (tool: keyof typeof BIN): void => {
  if (!existsSync(BIN[tool])) throw new Error(`${tool} is missing (${BIN[tool] || 'not found'}): run npm run runtimes:install`);
};

interface Probe {
  backend: string;
  simd: string;
  hashes: { mask: string; normal: string; dropout: string };
  gps: number | null;
}
interface Row {
  runtime: string;
  version: string;
  backend: string;
  equal: boolean;
  gps: number | null;
}
const rows: Row[] = [];
let work = '',
  consumer = '',
  tarball = '',
  packed: string[] = [];
let reference: Probe;

const run = (cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {}) => {
  const r: SpawnSyncReturns<string> = spawnSync(cmd, args, {
    cwd: opts.cwd ?? consumer,
    env: { ...process.env, ...opts.env },
    encoding: 'utf8',
    timeout: opts.timeout ?? 120000,
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`);
  return r;
};
/** The last line of stdout, as JSON (what the probe scripts print). */
const json = <T>(r: SpawnSyncReturns<string>): T => JSON.parse(r.stdout.trim().split('\n').pop()!) as T;
const PROBE_SCRIPT = (importer: string): string => `${importer}
import { probe } from ${JSON.stringify(path.join(fixtures, 'runtime_probe.mjs'))};
await dm.init?.();
console.log(JSON.stringify(probe(dm)));`;
const write = (name: string, text: string): string => {
  const file = path.join(consumer, name);
  writeFileSync(file, text);
  return file;
};

/** Checks one runtime's probe against the reference and records its row. */
function check(runtime: string, version: string, got: Probe, backend: string): void {
  const equal = JSON.stringify(got.hashes) === JSON.stringify(reference.hashes);
  rows.push({ runtime, version, backend: `${got.backend} (${got.simd})`, equal, gps: got.gps });
  expect(got.backend).toBe(backend);
  expect(got.hashes).toEqual(reference.hashes);
}
const noFallbackWarning = (stderr: string): void =>
  expect(stderr).not.toMatch(/DROPMASK_JS_FALLBACK|running on the js reference/);

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'dropmask-matrix-'));
  // The tarball as `npm pack` makes it (prepack runs scripts/prebuild.mjs), from a staging copy so
  // that the checkout keeps no prebuilds/: the host's addon is npm ci's build, arm64 is cached.
  const staging = path.join(work, 'staging');
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    files: string[];
    scripts: Record<string, string>;
  };
  expect(pkg.scripts.prepack).toBe('node scripts/prebuild.mjs');
  for (const f of [...pkg.files.filter((f) => f !== 'prebuilds/'), 'package.json', 'README.md'])
    cpSync(path.join(root, f), path.join(staging, f), { recursive: true });
  run(process.execPath, [path.join(root, 'scripts', 'prebuild.mjs')], {
    cwd: root,
    timeout: 600000,
    env: {
      DROPMASK_PREBUILD_OUT: staging,
      DROPMASK_PREBUILD_REUSE: '1',
      DROPMASK_PREBUILD_CACHE: path.join(toolchain, 'cache'),
      ...(CI ? { DROPMASK_PREBUILD_ARCHS: 'x64,arm64' } : {}),
    },
  });
  const out = (
    JSON.parse(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: staging }).stdout) as {
      filename: string;
      files: { path: string }[];
    }[]
  )[0];
  tarball = path.join(work, out.filename);
  packed = out.files.map((f) => f.path);
  consumer = path.join(work, 'consumer');
  mkdirSync(consumer);
  writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', tarball], { timeout: 300000 });
  reference = json<Probe>(
    run(process.execPath, [
      '--input-type=module',
      '-e',
      PROBE_SCRIPT(`import * as dm from ${JSON.stringify(path.join(root, 'dist', 'index.mjs'))}; dm.setBackend('native');`),
    ]),
  );
}, 900000);

afterAll(() => {
  const g = (v: number | null): string => (v === null || !Number.isFinite(v) ? 'n/a' : v.toFixed(2));
  const table = [
    '| runtime | version | backend | hashes equal | G elements/s (2^22 float32 mask) |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.runtime} | ${r.version} | ${r.backend} | ${r.equal ? 'yes' : 'NO'} | ${g(r.gps)} |`),
  ].join('\n');
  if (rows.length) console.log(`runtime matrix (reference: Node native ${JSON.stringify(reference?.hashes)}):\n${table}`);
  if (work) rmSync(work, { recursive: true, force: true });
});

test('npm pack ships LICENSE and the prebuilds (linux-x64, and linux-arm64 with the cross compiler)', () => {
  expect(packed).toContain('LICENSE');
  expect(packed.some((f) => /^prebuilds\/linux-x64\/[^/]+\.node$/.test(f))).toBe(true);
  if (CI || onPath('aarch64-linux-gnu-g++'))
    expect(packed.some((f) => /^prebuilds\/linux-arm64\/[^/]+\.node$/.test(f))).toBe(true);
  expect(packed).toEqual(
    expect.arrayContaining(['dist/workerd.mjs', 'dist/deno.mjs', 'dist/init-fallback.mjs', 'dist/dropmask.wasm.d.mts']),
  );
});

test('arethetypeswrong: no problem in the tarball (its ES-module-only subpaths are meant to be imported)', () => {
  // cjs-resolves-to-esm: dropmask/core, /edge, /wasm-embedded and /dropmask.wasm are ES modules for
  // the edge; require('dropmask') is the CommonJS entry
  const r = run(path.join(root, 'node_modules', '.bin', 'attw'), [tarball, '--ignore-rules', 'cjs-resolves-to-esm'], {
    cwd: work,
  });
  expect(r.stdout).toMatch(/No problems found/);
});

describe('Node', () => {
  const version = process.versions.node;
  test('require (CommonJS), installed with --ignore-scripts: native from the prebuild', () => {
    const script = `const dm = require('dropmask'); import(${JSON.stringify(path.join(fixtures, 'runtime_probe.mjs'))}).then(({ probe }) => console.log(JSON.stringify(probe(dm))));`;
    const r = run(process.execPath, ['-e', script]);
    noFallbackWarning(r.stderr);
    check('Node, require', version, json<Probe>(r), 'native');
    expect(existsSync(path.join(consumer, 'node_modules', 'dropmask', 'build'))).toBe(false); // nothing was compiled
  });

  test('import (ESM) with the isomorphic init(), and the async forms on the worker pools', () => {
    const script = `import * as dm from 'dropmask';
import { probe, fnv } from ${JSON.stringify(path.join(fixtures, 'runtime_probe.mjs'))};
const info = await dm.init();
const z = dm.normal(4096, { seed: 6 });
const asyncDropout = fnv(await dm.dropoutAsync(z, { p: 0.5, seed: 7 }));
const spatial = await dm.spatialDropoutAsync(new Float32Array(2 * 3 * 4 * 4).fill(1), { shape: [2, 3, 4, 4], p: 0.5, seed: 9 });
const spatialSync = dm.spatialDropout(new Float32Array(2 * 3 * 4 * 4).fill(1), { shape: [2, 3, 4, 4], p: 0.5, seed: 9 });
console.log(JSON.stringify({ info, asyncDropout, spatial: fnv(spatial) === fnv(spatialSync), ...probe(dm) }));`;
    const r = run(process.execPath, [write('esm.mjs', script)]);
    const got = json<Probe & { info: { name: string }; asyncDropout: string; spatial: boolean }>(r);
    noFallbackWarning(r.stderr);
    expect(got.info.name).toBe('native');
    expect(got.asyncDropout).toBe(reference.hashes.dropout);
    expect(got.spatial).toBe(true);
    check('Node, import', version, got, 'native');
  });

  test('worker_threads: native in a worker', () => {
    const script = `import { Worker } from 'node:worker_threads';
const w = new Worker(\`const { parentPort } = require('worker_threads'); const dm = require('dropmask');
import(${JSON.stringify(path.join(fixtures, 'runtime_probe.mjs'))}).then(({ probe }) => parentPort.postMessage(probe(dm)));\`, { eval: true });
w.on('message', (m) => { console.log(JSON.stringify(m)); w.terminate(); });`;
    check('Node, worker_threads', version, json<Probe>(run(process.execPath, [write('worker.mjs', script)])), 'native');
  });

  test('--no-addons: WebAssembly, with the reason and no js warning', () => {
    const r = run(process.execPath, ['--no-addons', write('noaddons.mjs', PROBE_SCRIPT("import * as dm from 'dropmask';"))]);
    noFallbackWarning(r.stderr);
    check('Node, --no-addons', version, json<Probe>(r), 'wasm');
  });
});

describe('Bun', () => {
  const bun = (args: string[], cwd = consumer) =>
    run(BIN.bun, args, { cwd, env: { BUN_INSTALL_CACHE_DIR: path.join(work, 'bun-cache') } });
  needs('bun')('bun run in the npm-installed consumer: native', () => {
    present('bun');
    const r = bun([write('bun.mjs', PROBE_SCRIPT("import * as dm from 'dropmask';"))]);
    noFallbackWarning(r.stderr);
    check('Bun', bun(['--version']).stdout.trim(), json<Probe>(r), 'native');
  });

  needs('bun')(
    'bun add (install scripts not trusted, none needed): native',
    () => {
      present('bun');
      const dir = path.join(work, 'bun-add');
      mkdirSync(dir);
      writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'bun-consumer', private: true, type: 'module' }));
      bun(['add', tarball], dir);
      writeFileSync(path.join(dir, 'main.mjs'), PROBE_SCRIPT("import * as dm from 'dropmask';"));
      const r = bun(['main.mjs'], dir);
      noFallbackWarning(r.stderr);
      check('Bun, bun add', bun(['--version']).stdout.trim(), json<Probe>(r), 'native');
    },
    180000,
  );
});

describe('Deno', () => {
  const deno = (args: string[]) =>
    run(BIN.deno, ['run', '--node-modules-dir=manual', ...args], {
      env: { DENO_DIR: path.join(work, 'deno-dir'), NO_COLOR: '1' },
    });
  const version = (): string => run(BIN.deno, ['--version']).stdout.split(' ')[1];
  needs('deno')('no permissions (no --allow-env, no --allow-read): WebAssembly at once', () => {
    present('deno');
    const script = `import * as dm from 'dropmask';
import { probe } from ${JSON.stringify(path.join(fixtures, 'runtime_probe.mjs'))};
const before = dm.backendInfo().name;
console.log(JSON.stringify({ before, ...probe(dm) }));`;
    const got = json<Probe & { before: string }>(deno([write('deno.mjs', script)]));
    expect(got.before).toBe('wasm'); // no init() needed, no permission asked
    check('Deno', version(), got, 'wasm');
  });

  needs('deno')('-A: the Node entry and the native addon', () => {
    present('deno');
    check(
      'Deno, -A',
      version(),
      json<Probe>(deno(['-A', write('deno-a.mjs', PROBE_SCRIPT("import * as dm from 'dropmask';"))])),
      'native',
    );
  });
});

needs('workerd')(
  'workerd: the .wasm import and init() with nothing both run on WebAssembly; without the workerd condition init() says how',
  () => {
    present('workerd');
    const dir = path.join(work, 'workerd');
    mkdirSync(dir);
    const results = json<Record<string, Probe & { before: string; error?: string }>>(
      run(process.execPath, [path.join(drivers, 'workerd.mjs'), BIN.workerd, consumer, dir]),
    );
    const version = run(BIN.workerd, ['--version'])
      .stdout.trim()
      .replace(/^workerd /, '');
    for (const name of ['wasm-import', 'init-nothing']) {
      expect(results[name].error).toBeUndefined();
      expect(results[name].before).toBe('wasm'); // the workerd entry uses the module at import
      check(
        `workerd, ${name === 'wasm-import' ? 'init({ wasm }) with the .wasm import' : 'init()'}`,
        version,
        results[name],
        'wasm',
      );
    }
    const plain = results['no-workerd-condition'];
    expect(plain.error).toMatch(/import wasm from 'dropmask\/dropmask\.wasm'; await init\(\{ wasm \}\)/);
    expect(plain.backend).toBe('js');
    expect(plain.hashes).toEqual(reference.hashes);
  },
  120000,
);

describe('Chromium', () => {
  const TYPES: Record<string, string> = {
    '.html': 'text/html',
    '.js': 'text/javascript',
    '.mjs': 'text/javascript',
    '.wasm': 'application/wasm',
  };
  let server: http.Server | undefined;
  let app = '';
  let browser: Awaited<ReturnType<typeof chromium.launchPersistentContext>> | undefined;
  let version = '';
  beforeAll(async () => {
    if (!existsSync(BIN.chromium)) return;
    app = path.join(consumer, 'app');
    mkdirSync(app);
    for (const f of readdirSync(path.join(fixtures, 'bundle-app')))
      copyFileSync(path.join(fixtures, 'bundle-app', f), path.join(app, f));
    copyFileSync(path.join(fixtures, 'runtime_probe.mjs'), path.join(app, 'runtime_probe.mjs'));
    server = http.createServer((req, res) => {
      // the app sits inside the consumer, so that bundlers resolve dropmask from its node_modules
      const file = path.join(consumer, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
      if (!file.startsWith(consumer) || !existsSync(file) || !file.includes('.')) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    browser = await chromium.launchPersistentContext(mkdtempSync(path.join(work, 'chromium-profile-')), {
      executablePath: BIN.chromium,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    version = browser.browser()?.version() ?? run(BIN.chromium, ['--version']).stdout.trim().split(' ')[1];
  }, 120000);
  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  for (const bundler of ['unbundled', 'vite', 'webpack', 'esbuild', 'rollup']) {
    needs('chromium')(
      `${bundler}: page and module Web Worker on WebAssembly with init() and no setting`,
      async () => {
        present('chromium');
        run(process.execPath, [path.join(drivers, 'bundle.mjs'), bundler, app, path.join(app, `out-${bundler}`)], {
          timeout: 180000,
        });
        const page = await browser!.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(String(e)));
        await page.goto(`http://127.0.0.1:${(server!.address() as AddressInfo).port}/app/out-${bundler}/index.html`);
        await page.waitForFunction(() => (window as unknown as { results?: unknown }).results !== undefined, null, {
          timeout: 60000,
        });
        const results = await page.evaluate(() => (window as unknown as { results: Record<string, unknown> }).results);
        await page.close();
        expect(results.error).toBeUndefined();
        expect(errors).toEqual([]);
        expect(results.warnings).toEqual([]);
        const where = bundler === 'unbundled' ? 'Chromium, no bundler' : `Chromium, ${bundler}`;
        check(`${where}, page`, version, results.page as Probe, 'wasm');
        check(`${where}, Web Worker`, version, results.worker as Probe, 'wasm');
        expect((results.worker as { warnings: string[] }).warnings).toEqual([]);
      },
      240000,
    );
  }
});

describe('Node server bundle (esbuild --bundle --platform=node)', () => {
  const bundle = (): string => {
    const out = path.join(consumer, 'server', 'server.cjs');
    const entry = write(
      'server-entry.cjs',
      `const dm = require('dropmask');
const { fnv } = { fnv: (a) => { const b = new Uint8Array(a.buffer, a.byteOffset, a.byteLength); let h = 2166136261; for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 16777619) >>> 0; return h.toString(16).padStart(8, '0'); } };
(async () => {
  const z = dm.normal(4096, { seed: 6 });
  const info = dm.backendInfo();
  const y = await dm.dropoutAsync(z, { p: 0.5, seed: 7 });
  const s = await dm.spatialDropoutAsync(new Float32Array(32).fill(1), { shape: [2, 1, 4, 4], p: 0.5, seed: 9 });
  dm.bernoulliMask(1 << 12, { p: 0.3, seed: 5 }); dm.backendInfo(); dm.setBackend('auto');
  console.log(JSON.stringify({ backend: info.name, info, normal: fnv(z), dropout: fnv(y), spatial: s.length }));
})();`,
    );
    run(path.join(root, 'node_modules', '.bin', 'esbuild'), [
      entry,
      '--bundle',
      '--platform=node',
      `--outfile=${out}`,
      '--log-level=error',
    ]);
    return out;
  };

  test('beside its node_modules: native, the .wasm and the worker pools of the installed package', () => {
    const r = run(process.execPath, [bundle()]);
    noFallbackWarning(r.stderr);
    const got = json<{ backend: string; normal: string; dropout: string; spatial: number }>(r);
    expect(got.backend).toBe('native');
    expect(got.normal).toBe(reference.hashes.normal);
    expect(got.dropout).toBe(reference.hashes.dropout);
    expect(got.spatial).toBe(32);
  });

  test('alone: runs on js, warns once with the recipe, and the async forms still work', () => {
    const alone = path.join(work, 'server-alone');
    mkdirSync(alone);
    copyFileSync(bundle(), path.join(alone, 'server.cjs'));
    const r = run(process.execPath, [path.join(alone, 'server.cjs')], { cwd: alone });
    const got = json<{ backend: string; normal: string; dropout: string; info: { nativeError: string; wasmError: string } }>(r);
    expect(got.backend).toBe('js');
    expect(got.normal).toBe(reference.hashes.normal);
    expect(got.dropout).toBe(reference.hashes.dropout);
    expect(r.stderr.match(/\[DROPMASK_JS_FALLBACK\]/g)).toHaveLength(1);
    expect(r.stderr).toMatch(/keep it out of the bundle \(esbuild --external:dropmask/);
    expect(got.info.wasmError).toMatch(/external:dropmask/);
  });
});

needs('qemu', 'arm64Node')(
  'linux-arm64 prebuild: an arm64 Node under qemu-aarch64 loads it (NEON) and gives the same hashes',
  () => {
    present('qemu');
    present('arm64Node');
    const dir = path.join(work, 'arm64');
    mkdirSync(dir);
    cpSync(path.join(consumer, 'node_modules'), path.join(dir, 'node_modules'), { recursive: true });
    rmSync(path.join(dir, 'node_modules', 'dropmask', 'prebuilds', 'linux-x64'), { recursive: true });
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    writeFileSync(
      path.join(dir, 'main.mjs'),
      PROBE_SCRIPT("import * as dm from 'dropmask';").replace('probe(dm)', 'probe(dm, { reps: 3 })'),
    );
    const r = run(BIN.qemu, ['-L', '/usr/aarch64-linux-gnu', BIN.arm64Node, 'main.mjs'], { cwd: dir, timeout: 300000 });
    const got = json<Probe>(r);
    expect(got.simd).toBe('neon');
    check(
      'Node arm64 (qemu-aarch64, emulated)',
      execFileSync(BIN.qemu, ['-L', '/usr/aarch64-linux-gnu', BIN.arm64Node, '--version'], { encoding: 'utf8' }).trim().slice(1),
      got,
      'native',
    );
  },
  300000,
);
