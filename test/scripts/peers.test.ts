// The bench's peers section (bench/peers.mjs --quick: tiny sizes) runs here, offline, with every
// JavaScript peer loading from node_modules, and writes its table and chart. The Python peers
// (bench/peers.py) are optional: those that do not import are skipped, numpy joins when it does.
import { execFileSync, spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import * as path from 'path';

test('bench/peers.mjs runs every peer offline and writes bench-out/peers.md and peers.svg', () => {
  const root = path.join(__dirname, '..', '..');
  const out = execFileSync(process.execPath, [path.join(root, 'bench', 'peers.mjs'), '--quick'], { encoding: 'utf8', cwd: root });
  const skipped = out.split('\n').filter((line) => line.startsWith('skipped '));
  expect(skipped.filter((line) => !/\(Python\)/.test(line))).toEqual([]);
  const md = readFileSync(path.join(root, 'bench-out', 'peers.md'), 'utf8');
  for (const peer of ['dropmask', 'Math.random', 'seedrandom', 'pure-rand', 'tfjs cpu', 'tfjs wasm'])
    expect(md).toContain(`| ${peer}`);
  const numpy = spawnSync(process.env.DROPMASK_BENCH_PYTHON ?? 'python3', ['-c', 'import numpy']).status === 0;
  if (numpy) expect(md).toMatch(/\| numpy \d/);
  const svg = readFileSync(path.join(root, 'bench-out', 'peers.svg'), 'utf8');
  expect(svg).toMatch(/^<svg[\s\S]*<\/svg>\n$/);
  expect((svg.match(/<rect /g) ?? []).length).toBeGreaterThan(20);
}, 120000);
