// npm run demo writes the gallery: every expected file exists, every PNG decodes and is not blank,
// and index.html references every picture.
import { execFileSync } from 'child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PNG } from 'pngjs';

import { METHODS } from '../../lib/methods/registry';
import type { MethodSpec } from '../../lib/methods/registry';

const EXPECTED = [...new Set(Object.values(METHODS as Record<string, MethodSpec>).map((m) => `${m.demo}.png`))];

test('the demo writes the gallery: all PNGs decode, none is blank, index.html shows them all', () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'dropmask-demo-'));
  try {
    const log = execFileSync(process.execPath, [path.join(__dirname, '..', '..', 'scripts', 'demo.mjs'), '--out', out], {
      encoding: 'utf8',
    });
    expect(log).toMatch(/backend (native|wasm|js)/);
    expect(log).toMatch(/M elements\/s/);
    const files = readdirSync(out);
    for (const f of [...EXPECTED, 'index.html']) expect(files).toContain(f);
    const html = readFileSync(path.join(out, 'index.html'), 'utf8');
    // every registered method is shown by the figure the registry names
    for (const [method, spec] of Object.entries(METHODS as Record<string, MethodSpec>)) {
      const figure = new RegExp(`<figure data-methods="([^"]*)"><img src="${spec.demo}\\.png"`).exec(html);
      expect([method, figure?.[1].split(' ').includes(method)]).toEqual([method, true]);
    }
    for (const f of files.filter((name) => name.endsWith('.png'))) {
      expect(html).toContain(`src="${f}"`);
      const png = PNG.sync.read(readFileSync(path.join(out, f)));
      expect(png.width).toBeGreaterThan(10);
      const colours = new Set<number>();
      for (let i = 0; i < png.data.length && colours.size < 2; i += 4) colours.add(png.data.readUInt32BE(i));
      expect(colours.size).toBe(2); // at least two colours: not blank
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 120000);
