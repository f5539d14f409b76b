// Runs the compiled test suite with node's built-in runner under whichever Node runs this script.
// (Node 20 takes no glob patterns on --test, Node 22+ no longer searches directories, so list the files here.)
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

function find(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (e.name === 'fixtures' ? [] : find(join(dir, e.name))) : e.name.endsWith('.test.js') ? [join(dir, e.name)] : [],
  );
}

const files = find('build/__tests__').sort();
if (files.length === 0) {
  console.error('no compiled tests found under build/__tests__ (run "tsc -p tsconfig.test.json" first)');
  process.exit(1);
}
const filter = process.argv.slice(2);
const selected = filter.length ? files.filter((f) => filter.some((p) => f.includes(p))) : files;
const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...selected], { stdio: 'inherit' });
process.exit(r.status ?? 1);
