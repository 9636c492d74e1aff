// The bench's peers section (bench/peers.mjs --quick: tiny sizes) runs here, offline, with every
// peer loading from node_modules, and writes its table and chart.
import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';
import * as path from 'path';

test('bench/peers.mjs runs every peer offline and writes bench-out/peers.md and peers.svg', () => {
  const root = path.join(__dirname, '..', '..');
  const out = execFileSync(process.execPath, [path.join(root, 'bench', 'peers.mjs'), '--quick'], { encoding: 'utf8', cwd: root });
  expect(out).not.toMatch(/skipped/);
  const md = readFileSync(path.join(root, 'bench-out', 'peers.md'), 'utf8');
  for (const peer of ['dropmask', 'Math.random', 'seedrandom', 'pure-rand', 'tfjs cpu', 'tfjs wasm'])
    expect(md).toContain(`| ${peer}`);
  const svg = readFileSync(path.join(root, 'bench-out', 'peers.svg'), 'utf8');
  expect(svg).toMatch(/^<svg[\s\S]*<\/svg>\n$/);
  expect((svg.match(/<rect /g) ?? []).length).toBeGreaterThan(20);
}, 120000);
