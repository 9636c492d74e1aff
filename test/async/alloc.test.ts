// Async forms whose result cannot be allocated: the promise rejects with the RangeError the sync
// form throws, and the process lives on. (napi_create_arraybuffer aborts the process when V8
// cannot allocate, so the addon must ask for the memory first.)
import { availableBackends, loadBackend } from '../../lib/index';
import type { Backend } from '../../lib/index';
import { describeRun, runChild } from './child';

const onNative = availableBackends().includes('native') ? test : test.skip;
const counter = (): Uint32Array => new Uint32Array(7);
// The addon's errors come from Node's realm, not the test's: compare names, not constructors.
async function rejectsWithRange(pending: Promise<unknown>, message: RegExp): Promise<void> {
  const e = (await pending.then(
    () => new Error('resolved'),
    (reason: unknown) => reason,
  )) as Error;
  expect(e.name).toBe('RangeError');
  expect(e.message).toMatch(message);
}
const addon = (): Required<Pick<Backend, 'kernelAsync' | 'matmulAsync'>> =>
  loadBackend('native') as Required<Pick<Backend, 'kernelAsync' | 'matmulAsync'>>;

onNative('the addon rejects a result longer than a typed array can be, before allocating, and stays usable', async () => {
  const native = addon();
  const tooLong = /at most 2\^32 elements/;
  // 4 TiB: napi_create_arraybuffer aborted the process.
  await rejectsWithRange(native.kernelAsync('uniform', 2 ** 40, counter(), 0, 0), tooLong);
  await rejectsWithRange(native.kernelAsync('randomBits', 2 ** 40, counter(), 0, 0), tooLong);
  await rejectsWithRange(native.kernelAsync('bernoulliU8', 2 ** 32 + 1, counter(), 0, 1), tooLong);
  // c [2^20 x 2^20] from empty operands (k = 0).
  const empty = new Float32Array(0);
  await rejectsWithRange(native.matmulAsync(empty, empty, null, 2 ** 20, 2 ** 20, 0, false, false), tooLong);
  expect((await native.kernelAsync('uniform', 8, counter(), 0, 0)).length).toBe(8);
});

// The cap leaves room for Node (without WebAssembly, whose memories reserve more address space
// than that) but not for a 4 GiB result.
const CAP_KIB = 3_000_000;
const cases = ['uniform', 'randomBits', 'normal', 'bernoulliMask', 'linear', 'dropConnect'];

// AddressSanitizer maps terabytes of shadow memory, so a child under it cannot start below the cap.
const underAsan = (process.env.LD_PRELOAD ?? '').includes('asan');
const capped = ['native', 'js'].filter((b) => availableBackends().includes(b as 'js'));

(underAsan ? describe.skip : describe).each(capped)('under a memory cap on %s', (backend) => {
  test('every async form rejects with the RangeError its sync form throws, and the process goes on', () => {
    const run = runChild('alloc_child.js', [backend], 60_000, CAP_KIB);
    if (run.timedOut || run.signal !== null || run.status !== 0) throw new Error(describeRun(run));
    const report = JSON.parse(run.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    const expected = Object.fromEntries(cases.map((c) => [c, { sync: 'RangeError', async: 'RangeError' }]));
    expect(report).toEqual({ ...expected, after: 'ok' });
  });
});
