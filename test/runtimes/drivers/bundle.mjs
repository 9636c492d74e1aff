// node bundle.mjs <bundler> <app dir> <out dir>: builds test/fixtures/bundle-app (copied into a
// consumer of the packed tarball) for the browser as its users would, with the repository's
// bundlers and no dropmask-specific setting: vite, webpack, esbuild, rollup; 'unbundled' copies
// the page with 'dropmask' replaced by the path of the package's edge.mjs. Prints the out dir.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';

const [bundler, app, out] = process.argv.slice(2);
const repo = createRequire(new URL('../../../package.json', import.meta.url));
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const html = (module) =>
  writeFileSync(
    join(out, 'index.html'),
    readFileSync(join(app, 'index.html'), 'utf8').replace('<script type="module"', module ? '<script type="module"' : '<script'),
  );

if (bundler === 'vite') {
  const { build } = await import(repo.resolve('vite'));
  // base './': the test serves every build below one root, at /app/out-<bundler>/
  await build({ root: app, base: './', logLevel: 'warn', configFile: false, build: { outDir: out, emptyOutDir: true } });
} else if (bundler === 'webpack') {
  const webpack = repo('webpack');
  const stats = await new Promise((resolve, reject) =>
    webpack(
      {
        mode: 'production',
        context: app,
        entry: './main.js',
        output: { path: out, filename: 'main.js' },
        performance: { hints: false },
      },
      (e, s) => (e ? reject(e) : resolve(s)),
    ),
  );
  if (stats.hasErrors()) throw new Error(stats.toString('errors-only'));
  html(false);
} else if (bundler === 'esbuild') {
  const { build } = await import(repo.resolve('esbuild'));
  await build({
    entryPoints: [join(app, 'main.js'), join(app, 'worker.js')],
    outdir: out,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    logLevel: 'warning',
  });
  html(true);
} else if (bundler === 'rollup') {
  const { rollup } = await import(repo.resolve('rollup'));
  const { nodeResolve } = await import(repo.resolve('@rollup/plugin-node-resolve'));
  const bundle = await rollup({
    input: [join(app, 'main.js'), join(app, 'worker.js')],
    plugins: [nodeResolve({ browser: true })],
  });
  await bundle.write({ dir: out, format: 'es' });
  html(true);
} else if (bundler === 'unbundled') {
  const pkg = createRequire(join(app, 'main.js')).resolve('dropmask/package.json');
  const edge = relative(out, join(pkg, '..', 'dist', 'edge.mjs'));
  for (const f of ['main.js', 'worker.js'])
    writeFileSync(join(out, f), readFileSync(join(app, f), 'utf8').replace("'dropmask'", `'./${edge}'`));
  copyFileSync(join(app, 'runtime_probe.mjs'), join(out, 'runtime_probe.mjs'));
  html(true);
} else throw new Error(`unknown bundler ${bundler}`);
console.log(out);
