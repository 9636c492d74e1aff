// node workerd.mjs <workerd binary> <consumer dir> <work dir>: bundles three workers against the
// consumer's dropmask as wrangler does (esbuild, conditions workerd/worker/browser, `.wasm` imports
// kept as modules of the worker), serves them with workerd from a capnp config on loopback ports,
// and prints what each answers: 'wasm-import' (init({ wasm }) with `import wasm from
// 'dropmask/dropmask.wasm'`), 'init-nothing' (init()), and 'no-workerd-condition' (the edge bundle
// reached without the workerd condition: init() must reject with the fix). Timers do not advance
// inside a worker, so the throughput is timed from here: n masks of 2^22 minus none, over HTTP.
import { spawn } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { basename, join } from 'node:path';

const [workerd, consumer, work] = process.argv.slice(2);
const repo = createRequire(new URL('../../../package.json', import.meta.url));
const { build } = await import(repo.resolve('esbuild'));
const fromConsumer = createRequire(join(consumer, 'package.json'));
const probe = new URL('../../fixtures/runtime_probe.mjs', import.meta.url).pathname;

const sources = {
  'wasm-import': `import * as dm from 'dropmask';\nimport wasm from 'dropmask/dropmask.wasm';\nconst ready = dm.init({ wasm });`,
  'init-nothing': `import * as dm from 'dropmask';\nconst ready = dm.init();`,
  'no-workerd-condition': `import * as dm from 'dropmask';\nconst ready = dm.init();`,
};
const handler = `
import { probe } from ${JSON.stringify(probe)};
export default {
  async fetch(request) {
    const url = new URL(request.url);
    const before = dm.backendInfo().name;
    let error;
    try {
      await ready;
    } catch (e) {
      error = String(e.message);
    }
    if (url.pathname === '/bench') {
      const out = new Float32Array(1 << 22);
      for (let i = 0; i < Number(url.searchParams.get('n')); i++) dm.bernoulliMask(out, { p: 0.5, seed: 15 + i });
      return new Response('ok');
    }
    return Response.json({ before, error, ...probe(dm, { reps: 0 }) });
  },
};`;
const wasmModules = {
  name: 'wasm-modules',
  setup(b) {
    b.onResolve({ filter: /\.wasm$/ }, (args) => {
      const file = args.path.startsWith('.') ? join(args.resolveDir, args.path) : fromConsumer.resolve(args.path);
      copyFileSync(file, join(work, basename(file)));
      return { path: `./${basename(file)}`, external: true };
    });
  },
};
const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
const names = Object.keys(sources);
const ports = {};
for (const name of names) {
  writeFileSync(join(consumer, `workerd-${name}.mjs`), sources[name] + handler);
  await build({
    entryPoints: [join(consumer, `workerd-${name}.mjs`)],
    outfile: join(work, `${name}.mjs`),
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions: name === 'no-workerd-condition' ? ['worker', 'browser'] : ['workerd', 'worker', 'browser'],
    plugins: [wasmModules],
    logLevel: 'warning',
  });
  ports[name] = await freePort();
}
const id = (name) => name.replace(/-(.)/g, (_, c) => c.toUpperCase()); // capnp names are camelCase
writeFileSync(
  join(work, 'config.capnp'),
  `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ ${names.map((n) => `(name = "${n}", worker = .${id(n)})`).join(', ')} ],
  sockets = [ ${names.map((n) => `(name = "${n}", address = "127.0.0.1:${ports[n]}", http = (), service = "${n}")`).join(', ')} ],
);
${names
  .map(
    (n) =>
      `const ${id(n)} :Workerd.Worker = ( modules = [ (name = "worker.mjs", esModule = embed "${n}.mjs"), (name = "dropmask.wasm", wasm = embed "dropmask.wasm") ], compatibilityDate = "2025-01-01" );`,
  )
  .join('\n')}
`,
);
const server = spawn(workerd, ['serve', join(work, 'config.capnp')], { stdio: ['ignore', 'inherit', 'inherit'] });
try {
  const get = async (name, path) => {
    for (let i = 0; ; i++) {
      try {
        const r = await fetch(`http://127.0.0.1:${ports[name]}${path}`);
        return path === '/' ? await r.json() : await r.text();
      } catch (e) {
        if (i > 100) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  const results = {};
  for (const name of names) {
    results[name] = await get(name, '/');
    if (!results[name].error) {
      const time = async (n) => {
        const t = performance.now();
        await get(name, `/bench?n=${n}`);
        return performance.now() - t;
      };
      await time(1); // warm
      const none = Math.min(await time(0), await time(0), await time(0)),
        ten = Math.min(await time(10), await time(10));
      results[name].gps = (10 * (1 << 22)) / ((ten - none) / 1000) / 1e9;
    }
  }
  console.log(JSON.stringify(results));
} finally {
  server.kill();
}
