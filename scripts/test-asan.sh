#!/usr/bin/env bash
# npm run test:asan: builds the addon with AddressSanitizer and UndefinedBehaviorSanitizer in a
# scratch copy of the package and runs the native-heavy test files against it. Node itself is not
# instrumented, so libasan is preloaded; leak detection is off (V8 keeps memory until exit).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$root"
cp -r package.json binding.gyp native assembly lib test dist jest.config.js tsconfig.json "$work"/
ln -s "$root/node_modules" "$work/node_modules"
cd "$work"
export CXXFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g"
export LDFLAGS="-fsanitize=address,undefined"
node-gyp rebuild > build.log 2>&1 || { tail -40 build.log; exit 1; }
asan="$(g++ -print-file-name=libasan.so)"
export LD_PRELOAD="$asan"
# A 32 MiB quarantine, not the default 256: freed blocks held there count in the RSS that the soak
# test checks stays flat (it grew 66 MiB under the default, with nothing leaked).
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:allocator_may_return_null=1:quarantine_size_mb=32"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export DROPMASK_BACKEND=native
npx --no-install jest --runInBand test/backends test/core/errors.test.ts test/core/shared_overlap.test.ts \
  test/core/hostile_state.test.ts test/core/extreme_shapes.test.ts test/fuzz test/async test/kernels test/contracts/kernels.test.ts \
  test/methods/conv/extreme_geometry.test.ts test/methods/recurrent/embedding_vocab.test.ts \
  test/methods/dense/packed_weights.test.ts "$@"
echo "sanitizers: clean"
