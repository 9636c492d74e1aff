// `node bench/tfjs.mjs --quick` (the bench's CI smoke run): both tfjs backends measured, every
// ratio a positive number, nothing saved.
import { execFileSync } from 'child_process';
import * as path from 'path';

test('the tfjs bench runs on tfjs cpu and wasm and reports the ratios', () => {
  const out = execFileSync(process.execPath, [path.join(__dirname, '..', '..', 'bench', 'tfjs.mjs'), '--quick'], {
    encoding: 'utf8',
  });
  expect(out).toMatch(/tfjs cpu/);
  expect(out).toMatch(/tfjs wasm/);
  expect(out).not.toMatch(/skipped/);
  const ratios = [...out.matchAll(/│ '(\d+\.\d+)'/g)].map((m) => Number(m[1]));
  expect(ratios.length).toBeGreaterThanOrEqual(14);
  for (const r of ratios) expect(r).toBeGreaterThan(0);
  expect(out).not.toMatch(/rows written/); // quick sizes are not saved as figures
}, 60000);
