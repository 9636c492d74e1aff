// Async method forms given arguments that cannot cross to a worker (a function or a Symbol in the
// options, a Proxy) or bad options settle exactly as their sync forms end, never throw at the
// call, and leave nothing pending in the pool: the child process ends by itself once idle.
import { availableBackends } from '../../lib/index';
import { describeRun, runChild } from './child';

const CASES = ['functionOption', 'symbolOption', 'functionForAValue', 'proxyInput', 'proxyOptions', 'notAnObject', 'badShape'];

describe.each(availableBackends())('async method forms with hostile arguments on %s', (backend) => {
  test('settle as the sync form does, and the process exits when idle', () => {
    // The timeout only detects a hang: a job left in the pool keeps the child alive.
    const run = runChild('bad_args_child.js', [backend], 60_000);
    if (run.timedOut || run.signal !== null || run.status !== 0) throw new Error(describeRun(run));
    const report = JSON.parse(run.stdout.trim().split('\n').pop()!) as Record<string, string>;
    expect(report).toEqual({
      functionOption: 'same bits', // an option the method ignores, as the sync form does
      symbolOption: 'same bits',
      functionForAValue: 'same error',
      proxyInput: 'same error',
      proxyOptions: 'same bits',
      notAnObject: 'same error',
      badShape: 'same error',
    });
    expect(Object.keys(report)).toEqual(CASES);
  });
});
