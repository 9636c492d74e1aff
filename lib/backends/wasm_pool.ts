// Off-thread kernels for the WebAssembly backend in Node: a small pool of worker_threads, each
// with its own instance of the module, runs the same kernels and transfers the result back.
// Workers end after IDLE_MS without work, so an idle pool never keeps a process alive.
import * as path from 'path';
import { Worker } from 'worker_threads';
import type { AsyncKernelName, Backend, KernelAsync } from '../backend';

interface Job {
  resolve: (r: Float32Array | Uint8Array | Uint32Array) => void;
  reject: (e: Error) => void;
}

const WORKER_SOURCE = (dist: string): string => `
const { parentPort } = require('worker_threads');
const { readFileSync } = require('fs');
const { createWasmBackend } = require(${JSON.stringify(path.join(dist, 'backends', 'wasm.js'))});
const { syncKernel } = require(${JSON.stringify(path.join(dist, 'async.js'))});
const { WASM_PATH } = require(${JSON.stringify(path.join(dist, 'node_backends.js'))});
const backend = createWasmBackend(new WebAssembly.Module(readFileSync(WASM_PATH)));
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
    parentPort.postMessage({ id, error: String(e && e.message || e) });
  }
});`;

const IDLE_MS = 250;

/** Off-thread kernels and products on `size` worker threads, round robin. */
export function createWasmPool(size: number): Pick<Backend, 'kernelAsync' | 'matmulAsync'> {
  // dist/ holds the compiled modules the workers load (lib/ when run from TypeScript sources)
  const dist = path.join(__dirname, '..', '..', 'dist');
  const workers: Worker[] = [];
  const pending = new Map<number, Job>();
  let nextId = 0, turn = 0;
  let idle: ReturnType<typeof setTimeout> | undefined;
  const retireWhenIdle = (): void => {
    if (pending.size > 0) return;
    clearTimeout(idle);
    idle = setTimeout(() => {
      if (pending.size > 0) return;
      for (const w of workers.splice(0)) void w.terminate();
    }, IDLE_MS);
  };
  const spawn = (): Worker => {
    const w = new Worker(WORKER_SOURCE(dist), { eval: true });
    w.on('message', (m: { id: number; out?: Float32Array; error?: string }) => {
      const job = pending.get(m.id);
      if (!job) return;
      pending.delete(m.id);
      if (m.error !== undefined) job.reject(new Error(`dropmask wasm worker: ${m.error}`));
      else job.resolve(m.out!);
      retireWhenIdle();
    });
    w.on('error', (e) => {
      for (const [id, job] of pending) {
        job.reject(e);
        pending.delete(id);
      }
      const at = workers.indexOf(w);
      if (at >= 0) workers.splice(at, 1);
    });
    return w;
  };
  const post = (message: Record<string, unknown>, transfer: ArrayBuffer[]): Promise<Float32Array | Uint8Array | Uint32Array> => {
    clearTimeout(idle);
    if (workers.length < size) workers.push(spawn());
    const worker = workers[turn++ % workers.length];
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, ...message }, transfer);
    });
  };
  const kernelAsync: KernelAsync = (kind: AsyncKernelName, n, counter, a, b, x) => {
    const input = x ? x.slice() : undefined; // copied now: the caller may change x at once
    return post({ kind, n, counter: counter.slice(), a, b, x: input }, input ? [input.buffer as ArrayBuffer] : []);
  };
  const matmulAsync: NonNullable<Backend['matmulAsync']> = (a, b, bias, m, n, k, transA, transB, bKeep, bScale) => {
    const g = { a: a.slice(), b: b.slice(), bias: bias ? bias.slice() : null, m, n, k, transA, transB, bKeep: bKeep ? bKeep.slice() : null, bScale: bScale ?? 1 };
    const transfer = [g.a.buffer, g.b.buffer, ...(g.bias ? [g.bias.buffer] : []), ...(g.bKeep ? [g.bKeep.buffer] : [])] as ArrayBuffer[];
    return post({ matmul: g }, transfer) as Promise<Float32Array>;
  };
  return { kernelAsync, matmulAsync };
}
