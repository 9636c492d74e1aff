#!/usr/bin/env bash
# Cross-compiles the arm64 kernels (NEON and portable) and runs them under qemu-user: the
# output must equal what the x86 build and the js reference compute (the hashes below).
# Needs Debian's g++-aarch64-linux-gnu and qemu-user; not part of npm test.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
aarch64-linux-gnu-g++ -std=c++17 -O3 -ffp-contract=off -fno-math-errno -fno-strict-aliasing -static -Inative \
  native/check/arm64_main.cc native/isa_neon.cc native/isa_scalar.cc native/dispatch.cc -o "$out/check"
expected=$(node -e "
const d = require('./dist/index.js');
const fnv = (a) => { let h = 2166136261; for (const x of a) h = Math.imul((h ^ x) >>> 0, 16777619) >>> 0; return h.toString(16).padStart(8, '0'); };
const n = 100003, p = 20000 / 65536;
const z = d.normal(n, { seed: 5, backend: 'js' });
console.log(fnv(new Uint32Array(z.buffer)), fnv(d.bernoulliMask(n, { p, layout: 'uint8', seed: 5, backend: 'js' })), fnv(d.bernoulliMask(n, { p, layout: 'bits', seed: 5, backend: 'js' })));")
read -r zh mh bh <<< "$expected"
got=$(qemu-aarch64 "$out/check")
echo "$got"
for isa in neon scalar; do
  grep -q "^$isa bits 6627e8d5 e169c58d bc57ac4c 9b00dbd8 | d16cfe09 94fdcceb 5001e420 24126ea1$" <<< "$got"
  grep -q "^$isa normal fnv $zh  u8 fnv $mh  bits fnv $bh$" <<< "$got"
done
echo "arm64 kernels match the js reference"
