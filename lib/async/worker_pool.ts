// A small pool of worker_threads running one script, round robin, for the off-thread forms.
// Workers start on demand and end after IDLE_MS without work, so an idle pool never keeps a
// process alive. Each reply is { id, out } or { id, error: { name, message } }.
import { Worker } from 'worker_threads';

const IDLE_MS = 250;

interface Job {
  resolve: (value: unknown) => void;
  reject: (e: Error) => void;
}

/** Rebuilds an error thrown in a worker: TypeError and RangeError keep their type. */
function rebuild(error: { name?: string; message?: string } | string, prefix: string): Error {
  if (typeof error === 'string') return new Error(`${prefix}: ${error}`);
  const Ctor = error.name === 'TypeError' ? TypeError : error.name === 'RangeError' ? RangeError : Error;
  return new Ctor(error.name === 'TypeError' || error.name === 'RangeError' ? error.message : `${prefix}: ${error.message}`);
}

/** post(message, transfer) runs on one of `size` workers of `source` and resolves with its `out`. */
export function createWorkerPool(
  source: string,
  size: number,
  prefix: string,
): (message: Record<string, unknown>, transfer: ArrayBuffer[]) => Promise<unknown> {
  const workers: Worker[] = [];
  const pending = new Map<number, Job>();
  let nextId = 0,
    turn = 0;
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
    const w = new Worker(source, { eval: true });
    w.on('message', (m: { id: number; out?: unknown; error?: { name?: string; message?: string } | string }) => {
      const job = pending.get(m.id);
      if (!job) return;
      pending.delete(m.id);
      if (m.error !== undefined) job.reject(rebuild(m.error, prefix));
      else job.resolve(m.out);
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
  return (message, transfer) => {
    clearTimeout(idle);
    if (workers.length < size) workers.push(spawn());
    const worker = workers[turn++ % workers.length];
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, ...message }, transfer);
    });
  };
}
