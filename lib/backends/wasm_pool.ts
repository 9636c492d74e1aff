// Off-thread kernels for the WebAssembly backend in Node: a small pool of worker_threads, each
// with its own instance of the module, runs the same kernels and transfers the result back.
// Workers are unref'd, so an idle pool never keeps a process alive.
import * as path from 'path';
import { Worker } from 'worker_threads';
import type { AsyncKernelName, KernelAsync } from '../backend';

interface Job {
  resolve: (r: Float32Array | Uint8Array | Uint32Array) => void;
  reject: (e: Error) => void;
}

const WORKER_SOURCE = (dist: string): string => `
const { parentPort } = require('worker_threads');
const { readFileSync } = require('fs');
const { createWasmBackend } = require(${JSON.stringify(path.join(dist, 'backends', 'wasm.js'))});
const { syncKernel } = require(${JSON.stringify(path.join(dist, 'async.js'))});
const { WASM_PATH } = require(${JSON.stringify(path.join(dist, 'select.js'))});
const backend = createWasmBackend(new WebAssembly.Module(readFileSync(WASM_PATH)));
parentPort.on('message', ({ id, kind, n, counter, a, b, x }) => {
  try {
    const out = syncKernel(backend, kind, n, counter, a, b, x);
    parentPort.postMessage({ id, out }, [out.buffer]);
  } catch (e) {
    parentPort.postMessage({ id, error: String(e && e.message || e) });
  }
});`;

/** A KernelAsync that runs on `size` worker threads, round robin. */
export function createWasmPool(size: number): KernelAsync {
  // dist/ holds the compiled modules the workers load (lib/ when run from TypeScript sources)
  const dist = path.join(__dirname, '..', '..', 'dist');
  const workers: Worker[] = [];
  const pending = new Map<number, Job>();
  let nextId = 0, turn = 0;
  const spawn = (): Worker => {
    const w = new Worker(WORKER_SOURCE(dist), { eval: true });
    w.unref();
    w.on('message', (m: { id: number; out?: Float32Array; error?: string }) => {
      const job = pending.get(m.id);
      if (!job) return;
      pending.delete(m.id);
      if (m.error !== undefined) job.reject(new Error(`dropmask wasm worker: ${m.error}`));
      else job.resolve(m.out!);
    });
    w.on('error', (e) => {
      for (const [id, job] of pending) {
        job.reject(e);
        pending.delete(id);
      }
    });
    return w;
  };
  return (kind: AsyncKernelName, n, counter, a, b, x) => {
    if (workers.length < size) workers.push(spawn());
    const worker = workers[turn++ % workers.length];
    const id = nextId++;
    const input = x ? x.slice() : undefined; // copied now: the caller may change x at once
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, kind, n, counter: counter.slice(), a, b, x: input }, input ? [input.buffer] : []);
    });
  };
}
