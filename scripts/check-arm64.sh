#!/usr/bin/env bash
# Cross-compiles the arm64 kernels (NEON and portable) and runs them under qemu-user: the
# output must equal what the x86 build and the js reference compute (the hashes below).
# Needs Debian's g++-aarch64-linux-gnu and qemu-user; not part of npm test.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
aarch64-linux-gnu-g++ -std=c++17 -O3 -ffp-contract=off -fno-math-errno -fno-strict-aliasing -static -Inative \
  native/check/arm64_main.cc native/isa_neon.cc native/isa_scalar.cc native/dispatch.cc native/parallel.cc -o "$out/check"
expected=$(node -e "
const d = require('./dist/index.js');
const js = d.loadBackend('js');
const fnv = (a) => { let h = 2166136261; for (const x of a) h = Math.imul((h ^ x) >>> 0, 16777619) >>> 0; return h.toString(16).padStart(8, '0'); };
const n = 100003, p = 20000 / 65536;
const z = d.normal(n, { seed: 5, backend: 'js' });
const m = d.bernoulliMask(n, { p, layout: 'uint8', seed: 5, backend: 'js' }), bits = d.bernoulliMask(n, { p, layout: 'bits', seed: 5, backend: 'js' });
// the feature-map kernels exactly as native/check/arm64_main.cc calls them, hashed byte by byte
const [N, C, H, W] = [2, 5, 97, 103], len = N * C * H * W;
let h = 2166136261;
const add = (a) => { for (const b of new Uint8Array(a.buffer, a.byteOffset, a.byteLength)) h = Math.imul((h ^ b) >>> 0, 16777619) >>> 0; };
const weights = Float32Array.of(0.0625, 0.125, 0.25, 0.5);
for (const channelsLast of [false, true]) {
  const g3 = { n: N, c: C, h: H, w: W, kh: 3, kw: 3, sh: 2, sw: 2, channelsLast };
  const o3 = N * C * 48 * 51, out3 = new Float32Array(o3), arg3 = new Int32Array(o3);
  js.maxPool(out3, z.subarray(0, len), bits, g3, 1, arg3); add(out3); add(arg3);
  const g2 = { ...g3, kh: 2, kw: 2 }, o2 = new Float32Array(N * C * 48 * 51);
  js.maxPool(o2, z.subarray(0, len), null, g2, 0.5, null); add(o2);
  js.weightedPool(o2, z.subarray(0, len), g2, weights); add(o2);
  const mask = new Uint8Array(len);
  const ones = js.dropBlockMask(mask, m.subarray(0, N * C * 91 * 97), { n: N, c: C, h: H, w: W, size: 7, channelsLast });
  add(mask); add(Uint32Array.of(ones));
}
const a1 = new Int32Array(N * C), a2 = new Int32Array(N * H * W);
js.argmaxPlanes(a1, z.subarray(0, len), null, { outer: N * C, inner: 1, outerStride: H * W, innerStride: 0, count: H * W, elemStride: 1 }); add(a1);
js.argmaxPlanes(a2, z.subarray(0, len), m.subarray(0, N * H * W), { outer: N, inner: H * W, outerStride: C * H * W, innerStride: 1, count: C, elemStride: H * W }); add(a2);
const y = new Float32Array(len);
js.maskApply(y, z.subarray(0, len), m.subarray(0, len / (H * W)), H * W, 1, 1.25, 0); add(y);
js.maskApply(y, z.subarray(0, len), m.subarray(0, len / C), C, 1, 2, -1); add(y);
js.addScaledRows(y, z.subarray(0, len), z.subarray(1, len + 1), Float32Array.of(0.5, 2), len / N); add(y);
console.log(fnv(new Uint32Array(z.buffer)), fnv(m), fnv(bits), h.toString(16).padStart(8, '0'));")
read -r zh mh bh ch <<< "$expected"
got=$(qemu-aarch64 "$out/check")
echo "$got"
for isa in neon scalar; do
  grep -q "^$isa bits 6627e8d5 e169c58d bc57ac4c 9b00dbd8 | d16cfe09 94fdcceb 5001e420 24126ea1$" <<< "$got"
  grep -q "^$isa normal fnv $zh  u8 fnv $mh  bits fnv $bh$" <<< "$got"
  grep -q "^$isa conv fnv $ch$" <<< "$got"
  grep -q "^$isa gemm ok$" <<< "$got"
done
echo "arm64 kernels (random, masks and feature-map kernels) match the js reference; the products pass their checks"
