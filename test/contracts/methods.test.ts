// The method registry (lib/methods/registry.ts) against the package: every method has its sync
// forms, its backward pass, a Promise twin of every form, a README section that names them, and a
// module in its family's folder. Leaving any of them out fails here.
import { readdirSync, readFileSync } from 'fs';
import * as path from 'path';
import * as api from '../../lib/index';
import { METHODS, methodForm } from '../../lib/methods/registry';
import type { MethodSpec } from '../../lib/methods/registry';

const root = path.join(__dirname, '..', '..');
const exported = api as unknown as Record<string, unknown>;
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const entries = Object.entries(METHODS) as [string, MethodSpec][];
/** Promise forms of the core API that are not method forms: the kernels and the plain product. */
const KERNEL_FORMS = [
  'randomBitsAsync',
  'uniformAsync',
  'normalAsync',
  'bernoulliMaskAsync',
  'gaussianNoiseAsync',
  'linearAsync',
];

describe.each(entries)('%s', (method, spec) => {
  test('exports every form and its Promise twin; the backward pass is one of the forms', () => {
    expect(Object.keys(spec.forms)[0]).toBe(method);
    if (spec.backward !== null) expect(Object.keys(spec.forms)).toContain(spec.backward);
    for (const form of Object.keys(spec.forms)) {
      expect([form, typeof exported[form]]).toEqual([form, 'function']);
      expect([`${form}Async`, typeof exported[`${form}Async`]]).toEqual([`${form}Async`, 'function']);
    }
  });

  test('has a README section that names every form', () => {
    const heading = new RegExp(`^#{2,3} ${spec.readme.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`, 'm');
    expect(readme).toMatch(heading);
    for (const form of Object.keys(spec.forms)) expect(readme).toContain(`\`${form}`);
  });

  test('lives in its family folder', () => {
    const dir = path.join(root, 'lib', 'methods', spec.family);
    const owners = readdirSync(dir).filter((f) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(path.join(dir, f)) as Record<string, unknown>;
      return typeof mod[method] === 'function';
    });
    expect(owners.length).toBe(1);
  });
});

test("every exported Promise form is a registered form's twin or a kernel form", () => {
  const forms = Object.keys(exported).filter((k) => k.endsWith('Async') && typeof exported[k] === 'function');
  for (const form of forms) {
    const sync = form.slice(0, -'Async'.length);
    expect([form, methodForm(sync) !== undefined || KERNEL_FORMS.includes(form)]).toEqual([form, true]);
  }
});
