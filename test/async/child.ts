// Runs a fixture script in its own Node process: a crash (abort, signal) or a hang there fails the
// test that spawned it instead of taking the test runner down. The timeout only detects a hang.
import { spawnSync } from 'child_process';
import * as path from 'path';

export interface ChildRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/**
 * Runs test/async/fixtures/<script> (or the script at an absolute path) with `args`; `memoryKiB`
 * caps its address space (ulimit -v), `env` adds to the environment.
 */
export function runChild(
  script: string,
  args: string[],
  timeoutMs: number,
  memoryKiB?: number,
  env?: Record<string, string>,
): ChildRun {
  const file = path.isAbsolute(script) ? script : path.join(__dirname, 'fixtures', script);
  const node = JSON.stringify(process.execPath);
  const command = memoryKiB ? 'bash' : process.execPath;
  const argv = memoryKiB
    ? ['-c', `ulimit -v ${memoryKiB} && exec ${node} ${[file, ...args].map((a) => JSON.stringify(a)).join(' ')}`]
    : [file, ...args];
  const r = spawnSync(command, argv, {
    encoding: 'utf8',
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
    maxBuffer: 256 << 20,
    env: env ? { ...process.env, ...env } : process.env,
  });
  const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '', timedOut };
}

/** The run as one line for an assertion message. */
export const describeRun = (r: ChildRun): string =>
  `status ${r.status}, signal ${r.signal}, timed out ${r.timedOut}\nstdout: ${r.stdout.slice(-2000)}\nstderr: ${r.stderr.slice(-2000)}`;
