// npm install hook: use a prebuilt binary from prebuilds/ or build the addon with node-gyp.
// A failed build must not fail the install: dropmask then runs on its WebAssembly backend,
// and backendInfo() reports why native is unavailable.
'use strict';
const { spawnSync } = require('child_process');
const path = require('path');

const bin = require.resolve('node-gyp-build/bin.js');
const result = spawnSync(process.execPath, [bin], { cwd: path.join(__dirname, '..'), stdio: 'inherit' });
if (result.status !== 0) {
  console.warn('dropmask: the native addon could not be built; the WebAssembly backend will be used.');
}
