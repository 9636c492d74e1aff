// The worker pool behind the wasm and method async forms: a worker that dies rejects exactly its
// own jobs with a clear Error and is replaced on the next call; a message that cannot be cloned
// rejects its own job. (That nothing stays pending, so the pool retires and the process exits,
// is checked in a child process by lifecycle.test.ts and chaos.test.ts.)
import { createWorkerPool } from '../../lib/async/worker_pool';

// Replies to { wait } when released by a later { release }, exits or throws on request, else echoes.
const SOURCE = `
const { parentPort } = require('worker_threads');
const waiting = [];
parentPort.on('message', (m) => {
  if (m.exit !== undefined) process.exit(m.exit);
  if (m.throwUncaught) setImmediate(() => { throw new Error('boom'); });
  else if (m.wait) waiting.push(m.id);
  else if (m.release) { for (const id of waiting.splice(0)) parentPort.postMessage({ id, out: 'released' }); parentPort.postMessage({ id: m.id, out: 'ok' }); }
  else parentPort.postMessage({ id: m.id, out: m.value });
});`;

const pool = (): ((message: Record<string, unknown>, transfer: ArrayBuffer[]) => Promise<unknown>) =>
  createWorkerPool(SOURCE, 2, 'test worker');

test('a worker that throws an uncaught error rejects only its own jobs; the next call gets a fresh worker', async () => {
  const post = pool();
  const other = post({ wait: true }, []); // worker 0
  const dies = post({ throwUncaught: true }, []); // worker 1
  await expect(dies).rejects.toThrow(/boom/);
  // Worker 0 still has its job: releasing it resolves it (it was not rejected with the other's error).
  expect(await post({ release: true }, [])).toBe('ok');
  expect(await other).toBe('released');
  expect(await post({ value: 7 }, [])).toBe(7);
  expect(await post({ value: 8 }, [])).toBe(8);
});

test('a worker that calls process.exit() without replying rejects its jobs instead of leaving them pending', async () => {
  const post = pool();
  const first = post({ wait: true }, []); // worker 0
  const exits = post({ exit: 3 }, []); // worker 1
  await expect(exits).rejects.toThrow(/test worker exited \(code 3\) before it replied/);
  const a = post({ exit: 0 }, []); // worker 0 again: its waiting job rejects too
  await expect(a).rejects.toThrow(/exited \(code 0\)/);
  await expect(first).rejects.toThrow(/exited \(code 0\)/);
  expect(await post({ value: 'again' }, [])).toBe('again');
});

test('a message that cannot be cloned rejects its own job with the DataCloneError; the pool goes on', async () => {
  const post = pool();
  await expect(post({ value: () => 1 }, [])).rejects.toMatchObject({ name: 'DataCloneError' });
  await expect(post({ value: Symbol('s') }, [])).rejects.toMatchObject({ name: 'DataCloneError' });
  expect(await post({ value: 1 }, [])).toBe(1);
});
