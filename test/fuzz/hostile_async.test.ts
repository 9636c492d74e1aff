// The Promise twins of every registered form under the hostile arguments of hostile.test.ts: the
// same data or options in another shape resolve with the sync form's bits; detached or Proxy
// arrays and options that cannot cross to a worker (a function, a Symbol) reject with the sync
// form's TypeError or RangeError. No async form throws synchronously or leaves a job behind
// (jest's open-handle check and the chaos test in test/async see to the latter).
import * as api from '../../lib/index';
import { METHODS } from '../../lib/methods/registry';
import type { MethodSpec } from '../../lib/methods/registry';
import { VALID_CALLS, resultBits } from './calls';

const TAPE = ['tape'];

type Fn = (...args: unknown[]) => unknown;
const exported = api as unknown as Record<string, Fn>;
const forms = (Object.values(METHODS) as MethodSpec[])
  .flatMap((m) => Object.entries(m.forms))
  .filter(([, f]) => f.async !== 'local');

/** Calls the async form; a synchronous throw is a failure of its own. */
function callAsync(form: string, args: unknown[]): Promise<unknown> {
  let promise: unknown;
  try {
    promise = exported[`${form}Async`](...args);
  } catch (e) {
    throw new Error(`${form}Async threw synchronously: ${(e as Error).message}`);
  }
  expect(promise).toBeInstanceOf(Promise);
  return promise as Promise<unknown>;
}

async function expectRejection(form: string, args: unknown[], what: string): Promise<void> {
  const error = await callAsync(form, args).then(
    () => undefined,
    (e: unknown) => e,
  );
  const ok = (error instanceof TypeError || error instanceof RangeError) && /^Expected /.test((error as Error).message);
  expect([form, what, ok ? 'library error' : String(error)]).toEqual([form, what, 'library error']);
}

describe.each(['native', 'wasm', 'js'].filter((b) => api.availableBackends().includes(b as api.BackendName)))(
  'async forms on %s',
  (backend) => {
    const valid = (form: string, optionsAt: number): unknown[] => {
      const args = VALID_CALLS[form]();
      args[optionsAt] = { ...(args[optionsAt] as object), backend };
      return args;
    };

    test.each(forms)('%s: other shapes of the same data resolve with the sync bits', async (form, { optionsAt }) => {
      const want = resultBits(exported[form](...valid(form, optionsAt)), TAPE);
      const shaped: [string, unknown[]][] = [];
      let args = valid(form, optionsAt);
      const first = args.findIndex((a, i) => i !== optionsAt && a instanceof Float32Array);
      if (first >= 0) {
        const x = args[first] as Float32Array;
        const shared = new Float32Array(new SharedArrayBuffer(x.byteLength));
        shared.set(x);
        args[first] = shared;
        shaped.push(['shared input', args]);
        args = valid(form, optionsAt);
        class Lying extends Float32Array {
          override get length(): number {
            return 1;
          }
        }
        const lying = new Lying(x.length);
        Float32Array.prototype.set.call(lying, x);
        args[first] = lying;
        shaped.push(['a lying subclass', args]);
      }
      args = valid(form, optionsAt);
      args[optionsAt] = new Proxy(args[optionsAt] as object, {});
      shaped.push(['Proxy options', args]);
      args = valid(form, optionsAt);
      args[optionsAt] = Object.create(args[optionsAt] as object);
      shaped.push(['inherited options', args]);
      for (const [what, a] of shaped)
        expect([form, what, resultBits(await callAsync(form, a), TAPE)]).toEqual([form, what, want]);
    });

    test.each(forms)('%s: bad arguments reject with the library error, never synchronously', async (form, { optionsAt }) => {
      let args = valid(form, optionsAt);
      const first = args.findIndex((a, i) => i !== optionsAt && ArrayBuffer.isView(a));
      if (first >= 0) {
        const x = args[first] as Float32Array;
        structuredClone(x.buffer, { transfer: [x.buffer as ArrayBuffer] });
        await expectRejection(form, args, 'detached input');
        args = valid(form, optionsAt);
        args[first] = new Proxy(args[first] as object, {});
        await expectRejection(form, args, 'Proxy input');
      }
      // options that cannot cross to a worker settle as the sync form does (some forms ignore seed)
      for (const [what, seed] of [
        ['a function for seed', () => 1],
        ['a Symbol for seed', Symbol('seed')],
      ] as const) {
        args = valid(form, optionsAt);
        (args[optionsAt] as Record<string, unknown>).seed = seed;
        let sync: unknown;
        try {
          sync = resultBits(exported[form](...args), TAPE);
        } catch (e) {
          sync = e;
        }
        if (sync instanceof Error) await expectRejection(form, args, what);
        else expect([form, what, resultBits(await callAsync(form, args), TAPE)]).toEqual([form, what, sync]);
      }
      await expectRejection(form, [], 'no arguments');
    });
  },
);
