// The wasm product against onnxruntime-web's Gemm (its WebAssembly SIMD build, one thread) in
// the same interleaved rounds, at dense.mjs's shape: y = x·Wᵀ, x [64 x 1024], W [1024 x 1024].
// Run alone with `node bench/wasm_gemm.mjs`.
import { interleaved } from './timing.mjs';
import dropmask from '../dist/index.js';
import { gemmModel, loadOrtWeb, ortWebOptions } from './onnx.mjs';

const { linear, normal } = dropmask;
const [M, K, N] = [64, 1024, 1024];
const flop = 2 * M * K * N;
const x = normal(M * K, { seed: 1 }),
  W = normal(N * K, { seed: 2 }),
  out = new Float32Array(M * N);
const web = await loadOrtWeb();
if (web.error) {
  console.log(`skipped onnxruntime-web: ${web.error}`);
  process.exit(0);
}
const ort = web.ort;
const input = await ort.InferenceSession.create(gemmModel(M, N, K), ortWebOptions);
const packed = await ort.InferenceSession.create(gemmModel(M, N, K, { weights: W }), ortWebOptions);
const A = new ort.Tensor('float32', x, [M, K]),
  B = new ort.Tensor('float32', W, [N, K]);
const t = await interleaved(
  {
    wasm: () => linear(x, W, null, { inFeatures: K, outFeatures: N, out, backend: 'wasm' }),
    webInput: () => input.run({ A, B }),
    webPacked: () => packed.run({ A }),
  },
  { rounds: 15, inner: 3, warmupMs: 1500 },
);
const gf = (s) => (flop / s / 1e9).toFixed(2);
console.log(`GFLOP/s: dropmask wasm ${gf(t.wasm)}, onnxruntime-web W input ${gf(t.webInput)}, W initializer ${gf(t.webPacked)}`);
console.log(`wasm ÷ ORT-web: W input ${(t.webInput / t.wasm).toFixed(2)}, W initializer ${(t.webPacked / t.wasm).toFixed(2)}`);
process.exit(0);
