// Hostile arguments to every registered method form on every backend, each a perturbation of a
// valid call (test/fuzz/calls.ts). Arrays that are the same data in another shape — over a
// SharedArrayBuffer, a resizable buffer, at an offset, from another realm, a subclass or an array
// with own properties that lie about its length, its `set` or `subarray` — and options that are
// the same options in another shape (a class with getters, inherited, non-enumerable, a Proxy,
// with Object.prototype polluted) must give the baseline's bits exactly. Detached arrays, Proxies
// of arrays, and option getters that detach or shrink an input must give the library's TypeError
// or RangeError: never NaN, never another call's data, never an engine error.
import * as vm from 'vm';
import * as api from '../../lib/index';
import { METHODS } from '../../lib/methods/registry';
import type { MethodSpec } from '../../lib/methods/registry';
import { variants } from '../helpers';
import { KERNEL_CALLS, VALID_CALLS, resultBits } from './calls';

type Fn = (...args: unknown[]) => unknown;
type View = Float32Array | Int32Array | Uint8Array | Uint32Array;
type Ctor = {
  new (n: number): View;
  new (b: ArrayBufferLike, offset?: number, length?: number): View;
  BYTES_PER_ELEMENT: number;
};
const exported = api as unknown as Record<string, Fn>;
const registered = (Object.values(METHODS) as MethodSpec[]).flatMap((m) => Object.entries(m.forms));
const forms: [string, { optionsAt: number }][] = [
  ...registered,
  ...Object.entries(KERNEL_CALLS).map(([f, { optionsAt }]): [string, { optionsAt: number }] => [f, { optionsAt }]),
];
const callArgs = (form: string): unknown[] => (VALID_CALLS[form] ?? KERNEL_CALLS[form].args)();

const ctorOf = (a: View): Ctor => Object.getPrototypeOf(a).constructor as Ctor;

// Same data, another shape: each returns a view the library must read exactly as the plain array.
const SAME_DATA: Record<string, (a: View) => View> = {
  shared: (a) => {
    const v = new (ctorOf(a))(new SharedArrayBuffer(a.byteLength));
    v.set(a);
    return v;
  },
  'at an offset': (a) => {
    const C = ctorOf(a);
    const v = new C(new ArrayBuffer(a.byteLength + 16 * C.BYTES_PER_ELEMENT), 8 * C.BYTES_PER_ELEMENT, a.length);
    v.set(a);
    return v;
  },
  resizable: (a) => {
    const C = ctorOf(a);
    const buffer = new (ArrayBuffer as unknown as new (n: number, o: object) => ArrayBuffer)(a.byteLength, {
      maxByteLength: 2 * a.byteLength + 8,
    });
    const v = new C(buffer);
    v.set(a);
    return v;
  },
  'another realm': (a) => {
    const v = vm.runInNewContext(`new ${ctorOf(a).name}(${a.length})`) as View;
    v.set(a);
    return v;
  },
  'a lying subclass': (a) => {
    const C = ctorOf(a) as unknown as new (n: number) => Float32Array;
    class Lying extends C {
      override get length(): number {
        return 1;
      }
      override get byteLength(): number {
        return 4;
      }
      override subarray(): Float32Array {
        return new C(1);
      }
      override set(): void {
        throw new Error('the library called a subclass override');
      }
    }
    const v = new Lying(a.length);
    Uint8Array.prototype.set.call(new Uint8Array(v.buffer), new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    return v as unknown as View;
  },
  'own properties that lie': (a) => {
    const v = a.slice();
    Object.defineProperty(v, 'length', { value: 2 });
    Object.defineProperty(v, 'byteOffset', { value: 4 });
    Object.defineProperty(v, 'subarray', { value: () => new (ctorOf(a))(1) });
    return v;
  },
};

// Same options, another shape.
const SAME_OPTIONS: Record<string, (o: Record<string, unknown>) => object> = {
  'a class with getters': (o) => {
    const proto = {};
    for (const [k, v] of Object.entries(o)) Object.defineProperty(proto, k, { get: () => v, enumerable: false });
    return Object.create(proto);
  },
  inherited: (o) => Object.create(o),
  'non-enumerable': (o) => {
    const r = {};
    for (const [k, v] of Object.entries(o)) Object.defineProperty(r, k, { value: v, enumerable: false });
    return r;
  },
  'a Proxy': (o) => new Proxy(o, {}),
  'read twice by a getter that changes': (o) => {
    const r: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) {
      let reads = 0;
      // the first read gives the value; any later read would give garbage
      Object.defineProperty(r, k, { get: () => (reads++ === 0 ? v : Symbol('read twice')), enumerable: true });
    }
    return r;
  },
};

const detach = (a: View): void => void structuredClone(a.buffer, { transfer: [a.buffer as ArrayBuffer] });

const isLibraryError = (e: unknown): boolean =>
  (e instanceof TypeError || e instanceof RangeError) && /^Expected /.test((e as Error).message);

/** Indices of the positional typed-array arguments, and the keys of typed arrays inside positional objects. */
function arraySlots(args: unknown[], optionsAt: number): { get: () => View; put: (v: View) => void; label: string }[] {
  const slots: { get: () => View; put: (v: View) => void; label: string }[] = [];
  args.forEach((a, i) => {
    if (i === optionsAt) return;
    if (ArrayBuffer.isView(a)) slots.push({ label: `argument ${i}`, get: () => args[i] as View, put: (v) => (args[i] = v) });
    // a frozen object (a tape) cannot have its arrays swapped; see the tape test below
    else if (a !== null && typeof a === 'object' && Object.getPrototypeOf(a) === Object.prototype && !Object.isFrozen(a))
      for (const [k, v] of Object.entries(a))
        if (ArrayBuffer.isView(v))
          slots.push({
            label: `argument ${i}.${k}`,
            get: () => (args[i] as Record<string, View>)[k],
            put: (w) => ((args[i] as Record<string, View>)[k] = w),
          });
  });
  return slots;
}

const calls: Record<string, number> = {};

test('the valid-call table covers every registered form', () => {
  expect(Object.keys(VALID_CALLS).sort()).toEqual(registered.map(([f]) => f).sort());
});

describe.each(variants())('hostile arguments on $label', (v) => {
  const call = (form: string, args: unknown[]): unknown => {
    calls[v.label] = (calls[v.label] ?? 0) + 1;
    return v.run(() => exported[form](...args));
  };
  const withBackend = (form: string, optionsAt: number): unknown[] => {
    const args = callArgs(form);
    args[optionsAt] = { ...(args[optionsAt] as object), backend: v.name };
    return args;
  };

  test.each(forms)('%s: the same data in another shape gives the same bits', (form, { optionsAt }) => {
    const want = resultBits(call(form, withBackend(form, optionsAt)));
    const slots = arraySlots(withBackend(form, optionsAt), optionsAt);
    for (let s = 0; s < slots.length; s++) {
      for (const [how, wrap] of Object.entries(SAME_DATA)) {
        const args = withBackend(form, optionsAt);
        const slot = arraySlots(args, optionsAt)[s];
        slot.put(wrap(slot.get()));
        expect([form, slot.label, how, resultBits(call(form, args))]).toEqual([form, slot.label, how, want]);
      }
    }
  });

  test.each(forms)('%s: the same options in another shape give the same bits', (form, { optionsAt }) => {
    const want = resultBits(call(form, withBackend(form, optionsAt)));
    for (const [how, wrap] of Object.entries(SAME_OPTIONS)) {
      const args = withBackend(form, optionsAt);
      args[optionsAt] = wrap(args[optionsAt] as Record<string, unknown>);
      expect([form, how, resultBits(call(form, args))]).toEqual([form, how, want]);
    }
    // options the call leaves out must not come from a polluted Object.prototype
    const proto = Object.prototype as Record<string, unknown>;
    proto.mode = 'eval';
    proto.offset = 12345;
    try {
      expect([form, 'polluted', resultBits(call(form, withBackend(form, optionsAt)))]).toEqual([form, 'polluted', want]);
    } finally {
      delete proto.mode;
      delete proto.offset;
    }
  });

  test.each(forms)(
    '%s: detached inputs, Proxies and getters that detach or shrink give TypeError or RangeError',
    (form, { optionsAt }) => {
      const slots = arraySlots(withBackend(form, optionsAt), optionsAt);
      const expectLibraryError = (args: unknown[], what: string, type?: typeof TypeError): void => {
        let thrown: unknown;
        try {
          call(form, args);
        } catch (e) {
          thrown = e;
        }
        expect([form, what, isLibraryError(thrown) && (type === undefined || thrown instanceof type)]).toEqual([
          form,
          what,
          true,
        ]);
      };
      for (let s = 0; s < slots.length; s++) {
        const label = slots[s].label;
        let args = withBackend(form, optionsAt);
        detach(arraySlots(args, optionsAt)[s].get());
        expectLibraryError(args, `${label} detached`, TypeError);

        args = withBackend(form, optionsAt);
        const slot = arraySlots(args, optionsAt)[s];
        slot.put(new Proxy(slot.get(), {}));
        expectLibraryError(args, `${label} a Proxy`, TypeError);

        // a getter on the options detaches the array when the library reads it
        args = withBackend(form, optionsAt);
        const target = arraySlots(args, optionsAt)[s].get();
        const opts = args[optionsAt] as Record<string, unknown>;
        Object.defineProperty(opts, 'seed', {
          get: () => (detach(target), opts.__seed),
          enumerable: true,
        });
        opts.__seed = 2;
        expectLibraryError(args, `${label} detached by an option getter`, TypeError);

        // a getter shrinks a resizable input to nothing: an error or an empty call's result, never NaN
        args = withBackend(form, optionsAt);
        const shrinking = SAME_DATA.resizable(arraySlots(args, optionsAt)[s].get());
        arraySlots(args, optionsAt)[s].put(shrinking);
        const o2 = args[optionsAt] as Record<string, unknown>;
        const seed = o2.seed;
        Object.defineProperty(o2, 'seed', {
          get: () => ((shrinking.buffer as unknown as { resize(n: number): void }).resize(0), seed),
          enumerable: true,
        });
        let shrunk: unknown, error: unknown;
        try {
          shrunk = call(form, args);
        } catch (e) {
          error = e;
        }
        if (error !== undefined) expect([form, label, 'shrunk', isLibraryError(error)]).toEqual([form, label, 'shrunk', true]);
        else {
          const empty = withBackend(form, optionsAt);
          arraySlots(empty, optionsAt)[s].put(new (ctorOf(slots[s].get()))(0));
          expect([form, label, 'shrunk', resultBits(shrunk)]).toEqual([form, label, 'shrunk', resultBits(call(form, empty))]);
        }
      }
      // a Proxy whose traps throw, and option values that cannot be numbers or shapes
      const args = withBackend(form, optionsAt);
      args[optionsAt] = { ...(args[optionsAt] as object), shape: [Symbol('x')], p: () => 0.5 };
      let thrown: unknown;
      try {
        call(form, args);
      } catch (e) {
        thrown = e;
      }
      if (thrown !== undefined) expect([form, 'bad values', isLibraryError(thrown)]).toEqual([form, 'bad values', true]);
    },
  );

  test.each(forms.filter(([, f]) => f.optionsAt >= 1))('%s: a detached out is a TypeError', (form, { optionsAt }) => {
    const args = withBackend(form, optionsAt);
    const first = args.find((a) => a instanceof Float32Array) as Float32Array | undefined;
    if (first === undefined) return;
    const out = new Float32Array(first.length);
    detach(out);
    (args[optionsAt] as Record<string, unknown>).out = out;
    let thrown: unknown;
    try {
      call(form, args);
    } catch (e) {
      thrown = e;
    }
    // forms without an `out` option ignore it; those with one must say the buffer is detached
    if (thrown !== undefined)
      expect([form, thrown instanceof TypeError, (thrown as Error).message]).toEqual([
        form,
        true,
        expect.stringMatching(/^Expected .*detached/),
      ]);
  });
});

describe.each(variants())('tapes on $label', (v) => {
  test.each(['lstmBackward', 'gruBackward'])('%s: a tape is frozen, and one with a detached array is a TypeError', (form) => {
    const args = VALID_CALLS[form]();
    const tape = args[0] as Record<string, unknown>;
    expect(Object.isFrozen(tape)).toBe(true);
    expect(() => ((tape as { gates: unknown }).gates = new Float32Array(1))).toThrow(TypeError);
    detach(tape.gates as View);
    expect(() => v.run(() => exported[form](...args))).toThrow(/^Expected the tape .*tape\.gates is detached/);
  });
});

afterAll(() => {
  // the closing note counts these
  if (process.env.DROPMASK_COUNT_CALLS) console.log(`hostile calls: ${JSON.stringify(calls)}`);
});
