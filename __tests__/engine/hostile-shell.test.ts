/**
 * The hostile-input probes that reach the shell, the expression evaluator and image names, as whole runs: each
 * crashed the former code (stack overflow, "Invalid string length") or ran for minutes. Each must end in a report
 * that says what stopped, where; costs are read from the budget's counter, never from the clock.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { analyze } from '../../src/engine/analyze.js';
import type { Report } from '../../src/model/report.js';
import { loadShellParser } from '../../src/shell/index.js';
import { AnalysisBudget } from '../../src/util/budget.js';

let dir = '';
before(async () => {
  await loadShellParser();
  dir = mkdtempSync(join(tmpdir(), 'isa-hostile-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function scan(files: Record<string, string>, budget = new AnalysisBudget()): Promise<Report> {
  const root = mkdtempSync(join(dir, 'tree-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return analyze({ root, repository: 'o/r', budget });
}

const workflow = (run: string) => ({ '.github/workflows/a.yml': `on: push\njobs:\n  b:\n    runs-on: x\n    steps:\n      - run: |\n${run.split('\n').map((l) => `          ${l}`).join('\n')}\n` });
const rules = (r: Report) => r.findings.map((f) => `${f.rule} ${f.file}:${f.line}`);

test('format-empty: ${{ format() }} in a pushed name is an unresolved push, not an image named after the text', async () => {
  const r = await scan(workflow('docker push ghcr.io/o/${{ format() }}\ndocker push ghcr.io/o/${{ fromJSON(\'x\') }}\ndocker push ghcr.io/o/${{ vars.NAME }}'));
  assert.deepEqual(r.images.map((i) => i.name), ['ghcr.io/o/${{ vars.NAME }}']);
  const unresolved = r.findings.filter((f) => f.rule === 'unresolved-push');
  assert.deepEqual(unresolved.map((f) => f.line), [7, 8]);
  assert.match(unresolved[0]!.message, /expression GitHub cannot evaluate \(\$\{\{ format\(\) \}\}\)/);
});

test('doubling: A="$A$A" forty times ends in a report with a value-length limit at the line', async () => {
  const r = await scan(workflow(`A=xxxxxxxxxxxxxxxx\n${'A="$A$A"\n'.repeat(40)}docker push ghcr.io/o/$A`));
  assert.ok(r.limits.some((l) => /a value over 1048576 characters at \.github\/workflows\/a\.yml:24 is unknown; shell value of A/.test(l)), r.limits.join('\n'));
  assert.ok(rules(r).includes('analysis-budget-exceeded .github/workflows/a.yml:24'), rules(r).join('\n'));
  assert.ok(rules(r).includes('unresolved-push .github/workflows/a.yml:48'), rules(r).join('\n'));
  assert.deepEqual(r.images, []);
});

test('shell-and-chain: 6,000 `true &&` then a push is found (the former converter overflowed from 4,000)', async () => {
  const r = await scan(workflow(`${Array(6_000).fill('true').join(' && ')} && docker push ghcr.io/o/a`));
  assert.deepEqual(r.images.map((i) => i.name), ['ghcr.io/o/a']);
  assert.deepEqual(r.limits, []);
});

test('pipeline-3000: a 3,000-stage pipeline in a sourced script, then a push', async () => {
  const r = await scan({ ...workflow('. ./build.sh'), 'build.sh': `echo a ${'| cat '.repeat(3_000)}\ndocker push ghcr.io/o/a\n` });
  assert.deepEqual(r.images.map((i) => i.name), ['ghcr.io/o/a']);
  assert.deepEqual(r.limits, []);
});

test('percent-256k: ${A%%*x} on a 256 KB value is one linear pass', async () => {
  const budget = new AnalysisBudget();
  const r = await scan(workflow(`A=${'a'.repeat(262_144)}\nB=\${A%%*x}\nC=\${A##*x}\nD=\${A/a*x/y}\ndocker push ghcr.io/o/b\${#B}-\${#C}-\${#D}`), budget);
  assert.deepEqual(r.images.map((i) => i.name), ['ghcr.io/o/b262144-262144-262144']);
  assert.ok(budget.spent < 20 * 262_144, `${budget.spent} units`);
});

test('a string that evals itself stops at the nesting bound with an error at its line', async () => {
  const r = await scan(workflow(`docker push ghcr.io/o/before\nA='eval "$A"'\neval "$A"`));
  assert.deepEqual(r.images.map((i) => i.name), ['ghcr.io/o/before']);
  assert.ok(r.limits.some((l) => /^analysis bound reached at \.github\/workflows\/a\.yml:9: shell interpretation nested more than 200 levels/.test(l)), r.limits.join('\n'));
  assert.ok(rules(r).includes('analysis-budget-exceeded .github/workflows/a.yml:9'));
});

test('image-unresolved-long: 30,000 ${X} in one pushed name is no image name, with a bound hit at the push', async () => {
  const r = await scan(workflow(`docker push ghcr.io/o/${'${X}'.repeat(30_000)}`));
  assert.deepEqual(r.images, []);
  assert.ok(r.limits.some((l) => /^analysis bound reached at \.github\/workflows\/a\.yml:7: a pushed or signed text over 4096 characters is no image reference/.test(l)), r.limits.join('\n'));
  assert.ok(rules(r).includes('unresolved-push .github/workflows/a.yml:7'));
  // Within the length a name of template parts is an image whose name is not known here.
  const ok = await scan(workflow(`docker push ghcr.io/o/${'${X}'.repeat(1_000)}`));
  assert.equal(ok.images[0]?.confidence, 'medium');
});
