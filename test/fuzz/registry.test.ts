// Hostile calls to every registered method form (lib/methods/registry.ts), on every backend: random
// argument lists of the form's arity and random options from every method's option names. A new
// method is fuzzed as soon as it is registered. Only the library's own TypeError and RangeError may
// come out: an engine TypeError ("Cannot read properties of undefined") means a check is missing.
import fc from 'fast-check';
import * as api from '../../lib/index';
import { METHODS } from '../../lib/methods/registry';
import type { MethodSpec } from '../../lib/methods/registry';
import { variants } from '../helpers';

const exported = api as unknown as Record<string, (...args: unknown[]) => unknown>;
const OPTION_NAMES = [
  'p',
  'rate',
  'shape',
  'seed',
  'stream',
  'offset',
  'mode',
  'layout',
  'out',
  'inFeatures',
  'outFeatures',
  'hiddenSize',
  'blockSize',
  'keepProb',
  'size',
  'kernel',
  'stride',
  'granularity',
  'vocabSize',
  'dropout',
  'generator',
  'scaling',
  'temperature',
  'holes',
  'region',
  'fill',
  'noiseShape',
  'perExample',
  'examples',
  'samples',
  'activation',
  'alpha',
  'beta',
  'std',
  'threshold',
  'noise',
  'inference',
  'sharedAcrossChannels',
  'applyProb',
  'centres',
  'threads',
];

const array = fc.oneof(
  fc.integer({ min: 0, max: 48 }).map((n) => new Float32Array(n).map((_, i) => Math.sin(i))),
  fc.integer({ min: 0, max: 12 }).map((n) => Int32Array.from({ length: n }, (_, i) => i % 5)),
  fc.constantFrom(new Float64Array(4), new Uint8Array(3), new Uint32Array(2)),
);
const value = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.string({ maxLength: 3 }),
  fc.double(),
  fc.integer({ min: -3, max: 40 }),
  fc.bigInt({ min: -2n, max: 1n << 70n }),
  fc.constant(Infinity),
  fc.array(fc.integer({ min: -1, max: 8 }), { maxLength: 4 }),
  fc.constant({}),
  fc.constant(() => 1),
  array,
);
const options = fc.dictionary(fc.constantFrom(...OPTION_NAMES), value, { maxKeys: 6 });

const forms = (Object.values(METHODS) as MethodSpec[]).flatMap((m) => Object.entries(m.forms));

describe.each(variants())('every registered form on $label', (v) => {
  test.each(forms)("%s: random arguments give only the library's TypeError or RangeError", (form, { optionsAt }) => {
    fc.assert(
      fc.property(fc.array(value, { minLength: optionsAt, maxLength: optionsAt }), options, (args, opts) => {
        v.run(() => {
          try {
            exported[form](...args, { ...opts, backend: v.name });
          } catch (e) {
            if (!(e instanceof TypeError || e instanceof RangeError) || !/^Expected /.test(e.message)) throw e;
          }
        });
      }),
      { numRuns: 60, seed: 20261201 },
    );
  });
});
