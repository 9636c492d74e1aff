// npm run build:prebuilds (and prepack, so that every `npm pack` and publish has them): builds the
// Node-API addon into prebuilds/<platform>-<arch>/dropmask.<libc>.node with prebuildify, where
// node-gyp-build finds it at run time, so that an install needs no compiler, no node-gyp and no
// install script (Bun, `npm --ignore-scripts`, pnpm and yarn without scripts). One N-API build
// serves every Node ≥ 20, Bun and Deno. Also cross-compiles prebuilds/linux-arm64 when Debian's
// g++-aarch64-linux-gnu is installed (test/runtimes/matrix.test.ts loads it in an arm64 Node under
// qemu-aarch64). Builds in a scratch copy, so build/ (npm ci's build from source) is left as it is;
// postpack removes prebuilds/ again, so that a checkout never runs on a stale prebuild.
//   DROPMASK_PREBUILD_ARCHS=x64,arm64   the architectures that must be built (default: the host's,
//                                       plus arm64 if the cross compiler is there); a missing
//                                       cross compiler is then an error, not a note
//   DROPMASK_PREBUILD_REUSE=1           take the host's binary from build/Release (what npm ci built
//                                       from these sources), stripped, when it is newer than native/
//                                       and binding.gyp, instead of building it again (the tests)
//   DROPMASK_PREBUILD_CACHE=dir         keep cross-compiled binaries there and reuse them while they
//                                       are newer than the sources (the tests)
//   DROPMASK_PREBUILD_OUT=dir           write dir/prebuilds instead of ./prebuilds
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { nodeGyp, nodeDir } = createRequire(import.meta.url)('./install-native.js');
const env = process.env;
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const host = process.arch;
const platform = process.platform;
const cross = platform === 'linux' && host === 'x64' && has('aarch64-linux-gnu-g++');
const required = env.DROPMASK_PREBUILD_ARCHS?.split(',').filter(Boolean);
const archs = required ?? [host, ...(cross ? ['arm64'] : [])];
const out = join(env.DROPMASK_PREBUILD_OUT ?? root, 'prebuilds');
const libc = existsSync('/etc/alpine-release') ? 'musl' : 'glibc'; // as prebuildify's --tag-libc names it
const file = `dropmask.${libc}.node`;

/** Whether `binary` exists and is newer than every source of the addon. */
const fresh = (binary) => {
  const newest = (p) =>
    statSync(p).isDirectory() ? Math.max(0, ...readdirSync(p).map((f) => newest(join(p, f)))) : statSync(p).mtimeMs;
  return (
    existsSync(binary) && statSync(binary).mtimeMs > Math.max(newest(join(root, 'native')), newest(join(root, 'binding.gyp')))
  );
};
const place = (binary, arch, note) => {
  mkdirSync(join(out, `${platform}-${arch}`), { recursive: true });
  cpSync(binary, join(out, `${platform}-${arch}`, file));
  console.log(`prebuilds/${platform}-${arch}/${file}: ${note}`);
};

const scratch = mkdtempSync(join(tmpdir(), 'dropmask-prebuild-'));
try {
  for (const entry of ['package.json', 'binding.gyp', 'native'])
    cpSync(join(root, entry), join(scratch, entry), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(scratch, 'node_modules'));
  const bin = join(root, 'node_modules', '.bin');
  for (const arch of archs) {
    const release = join(root, 'build', 'Release', 'dropmask.node');
    const cached = env.DROPMASK_PREBUILD_CACHE && join(env.DROPMASK_PREBUILD_CACHE, `${platform}-${arch}`, file);
    if (arch === host && env.DROPMASK_PREBUILD_REUSE === '1' && fresh(release)) {
      place(release, arch, 'build/Release/dropmask.node, stripped');
      if (platform === 'linux') execFileSync('strip', [join(out, `${platform}-${arch}`, file)]);
      continue;
    }
    if (cached && fresh(cached)) {
      place(cached, arch, `cached in ${env.DROPMASK_PREBUILD_CACHE}`);
      continue;
    }
    const gyp = nodeGyp();
    if (!gyp) throw new Error('dropmask: node-gyp not found (it comes with npm)');
    const headers = nodeDir();
    const buildEnv = {
      ...env,
      PATH: `${bin}${delimiter}${env.PATH}`,
      PREBUILD_NODE_GYP: gyp[gyp.length - 1],
      ...(headers ? { npm_config_nodedir: headers } : {}),
    };
    if (arch !== host) {
      if (arch !== 'arm64' || !cross)
        throw new Error(
          `dropmask: cannot cross-compile the ${arch} prebuild here (needs linux-x64 and apt-get install g++-aarch64-linux-gnu)`,
        );
      Object.assign(buildEnv, {
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
      { cwd: scratch, env: buildEnv, encoding: 'utf8' },
    );
    if (run.status !== 0) {
      process.stderr.write(run.stdout + run.stderr); // node-gyp's log, only when it failed
      throw new Error(`dropmask: prebuildify failed for ${platform}-${arch}`);
    }
    rmSync(join(scratch, 'build'), { recursive: true, force: true });
    const built = join(scratch, 'prebuilds', `${platform}-${arch}`, file);
    if (cached) {
      mkdirSync(dirname(cached), { recursive: true });
      cpSync(built, cached);
    }
    place(built, arch, `built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  if (!required && !cross && platform === 'linux' && host === 'x64')
    console.log('prebuilds/linux-arm64: skipped (apt-get install g++-aarch64-linux-gnu to build it)');
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
