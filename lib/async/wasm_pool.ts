// Off-thread kernels for the WebAssembly backend in Node: a small pool of worker_threads, each
// with its own instance of the module, runs the same kernels and transfers the result back.
import * as path from 'path';
import type { AsyncKernelName, Backend, KernelAsync } from '../backends/interface';
import { createWorkerPool } from './worker_pool';

const WORKER_SOURCE = (dist: string): string => `
const { parentPort } = require('worker_threads');
const { readFileSync } = require('fs');
const { createWasmBackend } = require(${JSON.stringify(path.join(dist, 'backends', 'wasm', 'index.js'))});
const { syncKernel } = require(${JSON.stringify(path.join(dist, 'async', 'kernels.js'))});
const { WASM_PATH } = require(${JSON.stringify(path.join(dist, 'backends', 'node.js'))});
const backend = createWasmBackend(new WebAssembly.Module(readFileSync(WASM_PATH)));
// A job that cannot be deserialized here names no id to reply to: exiting rejects this worker's jobs.
parentPort.on('messageerror', () => process.exit(1));
parentPort.on('message', ({ id, kind, n, counter, a, b, x, matmul }) => {
  try {
    let out;
    if (matmul) {
      const g = matmul;
      out = new Float32Array(g.m * g.n);
      backend.matmul(out, g.a, g.b, g.bias, g.m, g.n, g.k, g.transA, g.transB, false, g.bKeep, g.bScale);
    } else {
      out = syncKernel(backend, kind, n, counter, a, b, x);
    }
    parentPort.postMessage({ id, out }, [out.buffer]);
  } catch (e) {
    parentPort.postMessage({ id, error: { name: e && e.name, message: String(e && e.message || e) } });
  }
});`;

/** Off-thread kernels and products on `size` worker threads, round robin. */
export function createWasmPool(size: number): Pick<Backend, 'kernelAsync' | 'matmulAsync'> {
  // dist/ holds the compiled modules the workers load (lib/ when run from TypeScript sources)
  const post = createWorkerPool(WORKER_SOURCE(path.join(__dirname, '..', '..', 'dist')), size, 'dropmask wasm worker') as (
    message: Record<string, unknown>,
    transfer: ArrayBuffer[],
  ) => Promise<Float32Array | Uint8Array | Uint32Array>;
  const kernelAsync: KernelAsync = (kind: AsyncKernelName, n, counter, a, b, x) => {
    const input = x ? x.slice() : undefined; // copied now: the caller may change x at once
    return post({ kind, n, counter: counter.slice(), a, b, x: input }, input ? [input.buffer as ArrayBuffer] : []);
  };
  const matmulAsync: NonNullable<Backend['matmulAsync']> = (a, b, bias, m, n, k, transA, transB, bKeep, bScale) => {
    const g = {
      a: a.slice(),
      b: b.slice(),
      bias: bias ? bias.slice() : null,
      m,
      n,
      k,
      transA,
      transB,
      bKeep: bKeep ? bKeep.slice() : null,
      bScale: bScale ?? 1,
    };
    const transfer = [
      g.a.buffer,
      g.b.buffer,
      ...(g.bias ? [g.bias.buffer] : []),
      ...(g.bKeep ? [g.bKeep.buffer] : []),
    ] as ArrayBuffer[];
    return post({ matmul: g }, transfer) as Promise<Float32Array>;
  };
  return { kernelAsync, matmulAsync };
}
