// The non-temporal store paths (outputs of at least DROPMASK_STREAMING_BYTES, by default the
// last-level cache) give the same bits as the js reference on every native instruction set and
// thread count. Whether a size streams depends on the machine's cache, so a child process sets
// the threshold to 0: every output streams, whatever its size and alignment.
import { createHash } from 'crypto';
import * as path from 'path';
import { availableBackends } from '../../lib/index';
import { describeRun, runChild } from '../async/child';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { run } = require('./fixtures/streaming_cases.js') as { run: (backend: string) => Iterable<[string, Buffer]> };

const onNative = availableBackends().includes('native') ? test : test.skip;

onNative(
  'every streamed output equals the js reference (every ISA, 1 and 2 threads, every alignment and phase)',
  () => {
    const child = runChild(path.join(__dirname, 'fixtures', 'streaming_child.js'), [], 240_000, undefined, {
      DROPMASK_STREAMING_BYTES: '0',
    });
    if (child.timedOut || child.signal !== null || child.status !== 0) throw new Error(describeRun(child));
    const streamed = JSON.parse(child.stdout.trim().split('\n').pop()!) as Record<string, string>;
    const expected = new Map<string, string>();
    for (const [key, bytes] of run('js')) expected.set(key, createHash('sha1').update(bytes).digest('hex'));
    const levels = new Set(Object.keys(streamed).map((k) => k.split('/')[0]));
    expect(levels.size).toBeGreaterThan(0);
    const mismatches: string[] = [];
    for (const [key, hash] of Object.entries(streamed)) {
      const want = expected.get(key.split('/').slice(2).join('/'));
      if (want !== hash) mismatches.push(key);
    }
    expect(mismatches).toEqual([]);
    expect(Object.keys(streamed).length).toBe(levels.size * 2 * expected.size);
  },
  300_000,
);
