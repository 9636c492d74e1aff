// Install hook: nothing to do when a binary in prebuilds/ (shipped in the package) or build/ loads;
// otherwise build the addon with node-gyp, found wherever the package manager keeps it (npm puts
// it on PATH only for its own scripts: Bun, pnpm and yarn do not). No compiler or no node-gyp
// never fails the install: dropmask then runs on its WebAssembly backend, and backendInfo()
// reports why native is unavailable. Also used by scripts/prebuild.mjs (nodeGyp, nodeDir).
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');

/** The command that runs node-gyp ([executable, ...arguments]), or undefined when there is none. */
function nodeGyp() {
  const js = [
    process.env.npm_config_node_gyp,
    (() => {
      try {
        return require.resolve('node-gyp/bin/node-gyp.js', { paths: [root] });
      } catch {
        return undefined;
      }
    })(),
    process.env.npm_execpath &&
      path.join(path.dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    path.join(
      path.dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
  ].find((p) => p && p.endsWith('.js') && fs.existsSync(p));
  if (js) return [process.execPath, js];
  const onPath = spawnSync(
    process.platform === 'win32' ? 'where' : 'sh',
    process.platform === 'win32' ? ['node-gyp'] : ['-c', 'command -v node-gyp'],
    {
      encoding: 'utf8',
    },
  );
  return onPath.status === 0 ? [onPath.stdout.trim().split(/\r?\n/)[0]] : undefined;
}

/** The Node headers that ship with this Node (so node-gyp needs no download), when they do. */
function nodeDir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const prefix = path.join(path.dirname(process.execPath), '..');
  return fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) ? prefix : undefined;
}

/** Whether a prebuild or an earlier build loads in this runtime (nothing to build then). */
function binaryLoads() {
  if (process.env.npm_config_build_from_source === 'true') return false;
  try {
    require('node-gyp-build')(root);
    return true;
  } catch {
    return false;
  }
}

function main() {
  if (binaryLoads()) return;
  const gyp = nodeGyp();
  const fallback = 'dropmask: the WebAssembly backend will be used (backendInfo() says why).';
  if (!gyp) {
    console.warn(
      `dropmask: no prebuild for ${process.platform}-${process.arch} and no node-gyp found to build the addon; ${fallback}`,
    );
    return;
  }
  const dir = nodeDir();
  const result = spawnSync(gyp[0], [...gyp.slice(1), 'rebuild', ...(dir ? [`--nodedir=${dir}`] : [])], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0)
    console.warn(`dropmask: the native addon could not be built (node-gyp needs a C++17 compiler and Python); ${fallback}`);
}

if (require.main === module) main();
module.exports = { nodeGyp, nodeDir };
