// Node's runner for the async method forms: a pool of worker_threads, each loading the Node entry
// (so each has its own native addon instance or WebAssembly module) and running the sync method at
// the position the call took. Arguments and results travel by structured clone.
import * as path from 'path';
import { createWorkerPool } from './worker_pool';
import type { MethodRunner } from './call';

const SOURCE = (dist: string): string => `
const { parentPort } = require('worker_threads');
const api = require(${JSON.stringify(path.join(dist, 'index.js'))});
const { runMethodHere } = require(${JSON.stringify(path.join(dist, 'async', 'call.js'))});
const { WORKER_HOOKS } = require(${JSON.stringify(path.join(dist, 'methods', 'recurrent', 'recurrent.js'))});
const { methodForm } = require(${JSON.stringify(path.join(dist, 'methods', 'registry.js'))});
// A job that cannot be deserialized here names no id to reply to: exiting rejects this worker's jobs.
parentPort.on('messageerror', () => process.exit(1));
parentPort.on('message', ({ id, name, args, counted }) => {
  try {
    if (methodForm(name) === undefined || typeof api[name] !== 'function') throw new TypeError('Expected a registered method form but received ' + name);
    parentPort.postMessage({ id, out: runMethodHere({ fn: api[name], ...WORKER_HOOKS[name] }, args, counted) });
  } catch (e) {
    parentPort.postMessage({ id, error: { name: e && e.name, message: String(e && e.message || e) } });
  }
});`;

/** Runs method calls on `size` worker threads. */
export function createMethodPool(size: number): MethodRunner {
  // dist/ holds the compiled modules the workers load (lib/ when run from TypeScript sources)
  const post = createWorkerPool(SOURCE(path.join(__dirname, '..', '..', 'dist')), size, 'dropmask method worker');
  return (spec, args, counted) => post({ name: spec.name, args, counted }, []) as Promise<{ result: unknown; words: bigint }>;
}
