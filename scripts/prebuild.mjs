// npm run prebuild (and prepack, so every `npm pack` and publish has them): builds the Node-API
// addon into prebuilds/<platform>-<arch>/dropmask.<libc>.node with prebuildify, where node-gyp-build
// finds it at run time, so that an install needs no compiler, no node-gyp and no install script
// (Bun, `npm --ignore-scripts`, pnpm and yarn without scripts). One N-API build serves every
// Node ≥ 20 (and Bun and Deno). Also cross-compiles prebuilds/linux-arm64 when Debian's
// g++-aarch64-linux-gnu is installed (scripts/check-arm64-prebuild.sh proves it loads under qemu).
// Builds in a scratch copy, so build/ (npm ci's build from source) is left as it is.
//   DROPMASK_PREBUILD_ARCHS=x64,arm64   the architectures that must be built (default: the host's,
//                                       plus arm64 if the cross compiler is there); a missing
//                                       cross compiler is then an error, not a note
//   DROPMASK_PREBUILD_REUSE=1           take the host's binary from build/Release (what npm ci built
//                                       from these sources, stripped) when it is newer than native/
//                                       and binding.gyp, instead of building it again (the tests)
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { nodeGyp, nodeDir } = createRequire(import.meta.url)('./install-native.js');
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const host = process.arch;
const cross = process.platform === 'linux' && host === 'x64' && has('aarch64-linux-gnu-g++');
const required = process.env.DROPMASK_PREBUILD_ARCHS?.split(',').filter(Boolean);
const archs = required ?? [host, ...(cross ? ['arm64'] : [])];

const libc = existsSync('/etc/alpine-release') ? 'musl' : 'glibc'; // prebuildify's --tag-libc
/** Whether `file` exists and is newer than every source of the addon. */
const fresh = (file) => {
  if (!existsSync(file)) return false;
  const newest = (p) =>
    statSync(p).isDirectory() ? Math.max(0, ...readdirSync(p).map((f) => newest(join(p, f)))) : statSync(p).mtimeMs;
  return statSync(file).mtimeMs > Math.max(newest(join(root, 'native')), newest(join(root, 'binding.gyp')));
};

const scratch = mkdtempSync(join(tmpdir(), 'dropmask-prebuild-'));
try {
  for (const entry of ['package.json', 'binding.gyp', 'native'])
    cpSync(join(root, entry), join(scratch, entry), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(scratch, 'node_modules'));
  const bin = join(root, 'node_modules', '.bin');
  for (const arch of archs) {
    const release = join(root, 'build', 'Release', 'dropmask.node');
    if (arch === host && process.env.DROPMASK_PREBUILD_REUSE === '1' && fresh(release)) {
      const dest = join(scratch, 'prebuilds', `${process.platform}-${arch}`);
      mkdirSync(dest, { recursive: true });
      cpSync(release, join(dest, `dropmask.${libc}.node`));
      if (process.platform === 'linux') execFileSync('strip', [join(dest, `dropmask.${libc}.node`)]);
      console.log(`prebuilds/${process.platform}-${arch}: build/Release/dropmask.node, stripped`);
      continue;
    }
    const gyp = nodeGyp();
    if (!gyp) throw new Error('dropmask: node-gyp not found (it comes with npm)');
    const dir = nodeDir();
    const env = {
      ...process.env,
      PATH: `${bin}${delimiter}${process.env.PATH}`,
      PREBUILD_NODE_GYP: gyp[gyp.length - 1],
      ...(dir ? { npm_config_nodedir: dir } : {}),
    };
    if (arch !== host) {
      if (arch !== 'arm64' || !cross)
        throw new Error(
          `dropmask: cannot cross-compile the ${arch} prebuild here (needs linux-x64 and apt-get install g++-aarch64-linux-gnu)`,
        );
      Object.assign(env, {
        CC: 'aarch64-linux-gnu-gcc',
        CXX: 'aarch64-linux-gnu-g++',
        LINK: 'aarch64-linux-gnu-g++',
        AR: 'aarch64-linux-gnu-ar',
        PREBUILD_STRIP_BIN: 'aarch64-linux-gnu-strip',
      });
    }
    const started = Date.now();
    const run = spawnSync(
      join(bin, 'prebuildify'),
      ['--napi', '--strip', '--tag-libc', `--arch=${arch}`, `--target=${process.versions.node}`],
      { cwd: scratch, env, encoding: 'utf8' },
    );
    if (run.status !== 0) {
      process.stderr.write(run.stdout + run.stderr); // node-gyp's log, only when it failed
      throw new Error(`dropmask: prebuildify failed for ${process.platform}-${arch}`);
    }
    rmSync(join(scratch, 'build'), { recursive: true, force: true });
    console.log(`prebuilds/${process.platform}-${arch}: built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  if (!required && !cross && process.platform === 'linux' && host === 'x64')
    console.log('prebuilds/linux-arm64: skipped (apt-get install g++-aarch64-linux-gnu to build it)');
  mkdirSync(join(root, 'prebuilds'), { recursive: true });
  mkdirSync(join(scratch, 'prebuilds'), { recursive: true });
  for (const dir of readdirSync(join(scratch, 'prebuilds'))) {
    rmSync(join(root, 'prebuilds', dir), { recursive: true, force: true });
    cpSync(join(scratch, 'prebuilds', dir), join(root, 'prebuilds', dir), { recursive: true });
  }
  if (!readdirSync(join(root, 'prebuilds', `${process.platform}-${host}`)).some((f) => f.endsWith('.node')))
    throw new Error('dropmask: prebuildify left no prebuild for this platform');
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
