// bench-out/results.json: one row {kernel, backend, threads, n, unit, value} per figure. Every
// benchmark merges its rows into the same file, replacing rows with the same key.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'bench-out');
const FILE = join(OUT_DIR, 'results.json');
const key = (r) => `${r.kernel}|${r.backend}|${r.threads}|${r.n}|${r.unit}`;

export function saveRows(rows) {
  mkdirSync(OUT_DIR, { recursive: true });
  const old = existsSync(FILE) ? JSON.parse(readFileSync(FILE, 'utf8')) : [];
  const fresh = new Set(rows.map(key));
  writeFileSync(FILE, JSON.stringify([...old.filter((r) => !fresh.has(key(r))), ...rows], null, 1) + '\n');
  return FILE;
}
