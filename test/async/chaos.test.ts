// Chaos: 100 rounds of worker_threads ended mid-flight (terminate() from outside, process.exit()
// inside) while they have native and wasm async work running, kernel forms and method forms,
// with the spawning thread's own async calls in flight and checked against the sync forms. The
// child process must survive every round and end by itself once idle.
import { describeRun, runChild } from './child';

const ROUNDS = 100;

test(`a process survives ${ROUNDS} workers ended mid-flight and exits by itself when idle`, () => {
  // The timeout only detects a hang: a pool that never retires keeps the child alive.
  const run = runChild('chaos_child.js', [String(ROUNDS)], 150_000);
  if (run.timedOut || run.signal !== null || run.status !== 0) throw new Error(describeRun(run));
  expect(run.stderr).not.toMatch(/terminate called|Aborted|FATAL|Assertion/);
  expect(run.stdout).toContain(`rounds survived: ${ROUNDS}`);
}, 180_000);
