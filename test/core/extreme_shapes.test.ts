// Every registered form with empty tensors whose other dimensions are huge: each call returns
// (the empty result) or throws a RangeError, at once — the jest timeout catches a loop over the
// huge dimensions — and without allocating for them (arrayBuffers stays small).
import * as api from '../../lib/index';
import { METHODS } from '../../lib/methods/registry';
import type { MethodSpec } from '../../lib/methods/registry';
import { availableBackends } from '../../lib/backends/select';

const exported = api as unknown as Record<string, (...args: unknown[]) => unknown>;
const HUGE = [2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 40, 2 ** 53];
const SMALL_ALLOCATION = 2 ** 24;

/** Shapes of rank r with one zero dimension and the others `huge`. */
function emptyShapes(rank: number): number[][] {
  const out: number[][] = [];
  for (const h of HUGE) for (let z = 0; z < rank; z++) out.push(Array.from({ length: rank }, (_, i) => (i === z ? 0 : h)));
  return out;
}

const f32 = () => new Float32Array(0);

/** Arguments of a form before its options: empty arrays, or what the form takes there. */
function leading(form: string, at: number): unknown[] {
  if (form === 'embeddingDropout') return [new Int32Array(0), f32()];
  if (form === 'embeddingDropoutBackward') return [f32(), new Int32Array(0)];
  if (form === 'mcPredict') return [(x: Float32Array) => x, f32()];
  return Array.from({ length: at }, f32);
}

/** The option sets a form is tried with: each shape, and the sizes the method reads. */
function optionSets(): Record<string, unknown>[] {
  const sets: Record<string, unknown>[] = [];
  for (const rank of [1, 2, 3, 4, 5]) {
    for (const shape of emptyShapes(rank)) {
      sets.push({ shape });
      sets.push({ shape, layout: 'NHWC' });
    }
  }
  for (const h of HUGE) {
    // sizes that are not shapes: features, hidden units, vocabularies, samples
    sets.push({ shape: [0, h], vocabSize: h, embeddingSize: h });
    sets.push({ shape: [0, h, h], hiddenSize: h });
    sets.push({ shape: [0, h], inFeatures: h, outFeatures: h, batch: 0 });
    sets.push({ shape: [h, 0], inFeatures: h, outFeatures: 0, samples: h });
  }
  return sets.map((s) => ({ ...s, seed: 1, p: 0.5 }));
}

const forms: [string, number][] = [];
for (const spec of Object.values(METHODS) as MethodSpec[]) {
  for (const [name, f] of Object.entries(spec.forms)) forms.push([name, f.optionsAt]);
}

describe.each(availableBackends())('empty tensors with huge dimensions on %s', (backend) => {
  test.each(forms)('%s returns or throws a RangeError at once, allocating nothing large', (form, at) => {
    let returned = 0,
      refused = 0;
    for (const opts of optionSets()) {
      const before = process.memoryUsage().arrayBuffers;
      try {
        exported[form](...leading(form, at), { ...opts, backend });
        returned++;
      } catch (e) {
        // the library's own argument errors only: an engine error means a missing check
        if (!(e instanceof RangeError) && !(e instanceof TypeError && /^Expected/.test(e.message))) throw e;
        if (e instanceof RangeError && !/^Expected/.test(e.message)) throw e;
        refused++;
      }
      expect([form, opts, process.memoryUsage().arrayBuffers - before < SMALL_ALLOCATION]).toEqual([form, opts, true]);
    }
    expect(returned + refused).toBe(optionSets().length);
  });
});

describe.each(availableBackends())('an empty tensor moves the stream by exactly its definition on %s', (backend) => {
  const big = 2n ** 31n - 1n;
  const words = (decisions: bigint): bigint => (decisions + 1n) / 2n;
  const cases: [string, () => unknown, bigint][] = [];
  const g = () => new api.Generator(3, { offset: 5 });
  let gen = g();
  const add = (name: string, call: (o: Record<string, unknown>) => unknown, expected: bigint): void => {
    cases.push([name, () => call({ generator: (gen = g()), backend }), expected]);
  };
  const d = Number(big);
  add(
    'dropout, broadcast over the zero dimension',
    (o) => api.dropout(f32(), { shape: [d, d, 0], noiseShape: [null, null, 1], p: 0.5, ...o }),
    words(big * big),
  );
  add('alphaDropout', (o) => api.alphaDropout(f32(), { shape: [d, d, 0], noiseShape: [null, null, 1], ...o }), words(big * big));
  add(
    'gaussianDropout (word pairs)',
    (o) => api.gaussianDropout(f32(), { shape: [d, 3, 0], noiseShape: [null, null, 1], p: 0.5, ...o }),
    2n * words(big * 3n),
  );
  add('spatialDropout: N·C decisions', (o) => api.spatialDropout(f32(), { shape: [d, d, 0], ...o }), words(big * big));
  add('maxDrop: N·C decisions', (o) => api.maxDrop(f32(), { shape: [d, d, 0, 5], ...o }), words(big * big));
  add('dropPath: N decisions', (o) => api.dropPath(f32(), f32(), { shape: [d, 0], p: 0.5, ...o }), words(big));
  add('maxPoolDropout: x.length decisions', (o) => api.maxPoolDropout(f32(), { shape: [d, 0, 4, 4], ...o }), 0n);
  test.each(cases)('%s', (_, call, expected) => {
    const before = process.memoryUsage().arrayBuffers;
    call();
    expect(gen.offset).toBe(5n + expected);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(SMALL_ALLOCATION);
  });
});
