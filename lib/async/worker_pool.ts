// A small pool of worker_threads running one script, round robin, for the off-thread forms.
// Workers start on demand and end after IDLE_MS without work, so an idle pool never keeps a
// process alive. Each reply is { id, out } or { id, error: { name, message } }.
//
// A worker may die with jobs in flight (terminate() from elsewhere, process.exit() or an uncaught
// error inside it, running out of memory): exactly its jobs reject, it leaves the pool at once and
// the next call starts a fresh one. A message that cannot be posted (DataCloneError) rejects its
// own job. No job is ever left pending, so the pool always retires.
import { Worker } from 'worker_threads';

const IDLE_MS = 250;

interface Job {
  resolve: (value: unknown) => void;
  reject: (e: Error) => void;
}

interface Member {
  worker: Worker;
  jobs: Map<number, Job>;
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
  const members: Member[] = [];
  let nextId = 0,
    turn = 0;
  let idle: ReturnType<typeof setTimeout> | undefined;
  const inFlight = (): number => members.reduce((sum, m) => sum + m.jobs.size, 0);
  const retireWhenIdle = (): void => {
    if (inFlight() > 0) return;
    clearTimeout(idle);
    idle = setTimeout(() => {
      if (inFlight() > 0) return;
      for (const m of members.splice(0)) void m.worker.terminate();
    }, IDLE_MS);
    // The timer only retires workers: it must not be what keeps the process alive.
    idle.unref();
  };
  // The member leaves the pool and its jobs reject; later events of the same death find nothing.
  const bury = (member: Member, why: Error): void => {
    const at = members.indexOf(member);
    if (at >= 0) members.splice(at, 1);
    const jobs = [...member.jobs.values()];
    member.jobs.clear();
    for (const job of jobs) job.reject(why);
    retireWhenIdle();
  };
  const spawn = (): Member => {
    const member: Member = { worker: new Worker(source, { eval: true }), jobs: new Map() };
    const w = member.worker;
    w.on('message', (m: { id: number; out?: unknown; error?: { name?: string; message?: string } | string }) => {
      const job = member.jobs.get(m.id);
      if (!job) return;
      member.jobs.delete(m.id);
      if (m.error !== undefined) job.reject(rebuild(m.error, prefix));
      else job.resolve(m.out);
      retireWhenIdle();
    });
    w.on('error', (e: Error) => bury(member, new Error(`${prefix} failed: ${e && e.message}`, { cause: e })));
    w.on('exit', (code: number) => bury(member, new Error(`${prefix} exited (code ${code}) before it replied`)));
    // A reply that cannot be deserialized here (its memory cannot be allocated) names no job: the
    // worker's jobs all reject, rather than one staying pending for ever.
    w.on('messageerror', (e: Error) => {
      bury(member, new Error(`${prefix}: a reply could not be received: ${e && e.message}`, { cause: e }));
      void w.terminate();
    });
    return member;
  };
  return (message, transfer) => {
    clearTimeout(idle);
    if (members.length < size) members.push(spawn());
    const member = members[turn++ % members.length];
    const id = nextId++;
    return new Promise((resolve, reject) => {
      member.jobs.set(id, { resolve, reject });
      try {
        member.worker.postMessage({ id, ...message }, transfer);
      } catch (e) {
        member.jobs.delete(id);
        retireWhenIdle();
        reject(e as Error);
      }
    });
  };
}
