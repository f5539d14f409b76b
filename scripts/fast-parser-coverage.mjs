// The fast shell parser (src/shell/fast-parser.ts) against mvdan-sh on the real repositories of ../shared/corpus:
// every `run:`/`script:` block of their YAML, every .sh file and every Makefile recipe line. Wherever the fast path
// gives a tree it must be mvdan's (mismatches must be 0); the share it accepts is what it saves.
// Needs the compiled tests (npx tsc -p tsconfig.test.json). Usage: node scripts/fast-parser-coverage.mjs [corpus dir]
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const corpus = resolve(process.argv[2] ?? join(root, '..', 'shared', 'corpus'));
const repos = join(corpus, 'repos');
if (!existsSync(repos)) {
  console.log(`no corpus at ${corpus}: nothing to compare`);
  process.exit(0);
}
const helper = join(root, 'build', '__tests__', 'helpers', 'shell-diff.js');
if (!existsSync(helper)) {
  console.error('build/__tests__/helpers/shell-diff.js is missing: run "npx tsc -p tsconfig.test.json" first');
  process.exit(2);
}
const { shellTexts, tally } = await import(pathToFileURL(helper).href);

let seen = 0;
let accepted = 0;
const mismatches = [];
const unique = new Set();
for (const name of readdirSync(repos).sort()) {
  const texts = shellTexts(join(repos, name)).filter((t) => {
    if (unique.has(t)) return false;
    unique.add(t);
    return true;
  });
  const t = tally(texts);
  seen += t.seen;
  accepted += t.accepted;
  for (const m of t.mismatches) mismatches.push({ repo: name, ...m });
  console.log(`${name}: ${t.seen} scripts, ${t.accepted} accepted (${pct(t.accepted, t.seen)}), ${t.mismatches.length} mismatches`);
}
console.log(`\nscripts seen: ${seen} (distinct texts)\naccepted by the fast path: ${accepted} (${pct(accepted, seen)})\nmismatches: ${mismatches.length}`);
for (const m of mismatches.slice(0, 10)) console.log(`\n--- ${m.repo}: ${m.why}\n${m.text.slice(0, 2000)}`);
process.exit(mismatches.length ? 1 : 0);

function pct(a, b) {
  return b ? `${((100 * a) / b).toFixed(1)}%` : '-';
}
