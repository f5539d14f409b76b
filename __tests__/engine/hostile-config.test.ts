import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { analyze } from '../../src/engine/analyze.js';
import type { Report } from '../../src/model/report.js';
import { AnalysisBudget } from '../../src/util/budget.js';

/**
 * The hostile trees of issue 12 that reach make, goreleaser, bake and the YAML reader through a workflow: each
 * ends in a report whose findings say where the analysis stopped, and which fails closed.
 */
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'isa-hostile-'));
  dirs.push(dir);
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), c);
  }
  return dir;
}

const run = (script: string): string => `on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ${script}\n`;
const uses = (action: string, withs: string): string => `on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ${action}\n        with:\n${withs}`;
const at = (r: Report, rule: string): string[] => r.findings.filter((f) => f.rule === rule).map((f) => `${f.file}:${f.line}`);

test('make: too few function arguments is a parse-error at the line, and the push name stays unknown', async () => {
  const dir = tree({ Makefile: 'X := $(subst a,b)\npush:\n\tdocker push ghcr.io/o/a$(X)\n', '.github/workflows/a.yml': run('make push') });
  const r = await analyze({ root: dir, repository: 'o/r' });
  assert.deepEqual(at(r, 'parse-error'), ['Makefile:1']);
  assert.deepEqual(r.images, []);
  assert.deepEqual(at(r, 'unresolved-push'), ['Makefile:3']);
});

test('make: doubling recursive variables stops at the expansion bound, a finding at the recipe line that fails the check', async () => {
  const lines = ['A0 := x', ...Array.from({ length: 40 }, (_, i) => `A${i + 1} = $(A${i})$(A${i})`), 'push:', '\tdocker push ghcr.io/o/$(A40)'];
  const dir = tree({ Makefile: lines.join('\n') + '\n', '.github/workflows/a.yml': run('make push') });
  const budget = new AnalysisBudget();
  const r = await analyze({ root: dir, repository: 'o/r', budget });
  // The recipe line also carries the shell's own bound on the pushed text (50 KB of known x's around the unknown
  // rest): both are hits at the recipe line, and nothing is reported anywhere else.
  assert.deepEqual([...new Set(at(r, 'analysis-budget-exceeded'))], ['Makefile:43']);
  assert.ok(r.limits.some((l) => /^analysis bound reached at Makefile:43: make expansion work bound \(100000 references\) hit/.test(l)), r.limits.join('\n'));
  assert.equal(r.verdict, 'fail');
});

test('make: target-specific += naming itself is one image and a cycle finding', async () => {
  const dir = tree({ Makefile: 'A := xx\n' + 'push: A += $(A)\n'.repeat(40) + 'push:\n\tdocker push ghcr.io/o/$(A)\n', '.github/workflows/a.yml': run('make push') });
  const r = await analyze({ root: dir, repository: 'o/r' });
  assert.deepEqual(r.images.map((i) => i.name), ['ghcr.io/o/xx']);
  assert.deepEqual(at(r, 'analysis-budget-exceeded'), ['Makefile:43']);
});

test('goreleaser: env entries doubling a value end in a value-length finding at the entry, the image unresolved', async () => {
  const config = 'env:\n  - A=x\n' + '  - A={{ .Env.A }}{{ .Env.A }}\n'.repeat(40) + "dockers:\n  - image_templates: ['ghcr.io/o/a:{{ .Env.A }}']\n";
  const dir = tree({ '.goreleaser.yml': config, '.github/workflows/a.yml': uses('goreleaser/goreleaser-action@v6', '          args: release\n') });
  const r = await analyze({ root: dir, repository: 'o/r' });
  // x doubled 20 times is 2^20 characters (the cap); the 21st doubling, on line 23, passes it.
  assert.deepEqual(at(r, 'analysis-budget-exceeded'), ['.goreleaser.yml:23']);
  assert.equal(r.verdict, 'fail');
});

test('bake: the 24-byte HCL file that looped forever is a parse-error finding', async () => {
  const dir = tree({ 'docker-bake.hcl': 'target "a" { x = { ] } }', '.github/workflows/a.yml': uses('docker/bake-action@v5', '          push: true\n') });
  const r = await analyze({ root: dir, repository: 'o/r' });
  assert.deepEqual(at(r, 'parse-error'), ['docker-bake.hcl:1']);
});

test('a workflow of YAML errors gives one parse-error and, cut short by the error bound, an input-bound error that fails the check', async () => {
  // Signed by the digest its push produced (a pinned sha256 literal is traced to no push, so it would not count).
  const signed = 'on: push\npermissions:\n  id-token: write\njobs:\n  b:\n    runs-on: x\n    steps:\n      - id: build\n        uses: docker/build-push-action@v6\n        with:\n          push: true\n          tags: ghcr.io/o/a:1\n      - run: cosign sign --yes ghcr.io/o/a@${{ steps.build.outputs.digest }}\n';
  const dir = tree({ '.github/workflows/a.yml': signed, '.github/workflows/b.yml': '"\n'.repeat(300_000) });
  const r = await analyze({ root: dir, repository: 'o/r', requireEnforcement: false });
  assert.deepEqual(at(r, 'parse-error'), ['.github/workflows/b.yml:3']);
  assert.match(r.findings.find((f) => f.rule === 'parse-error')!.message, /\(and at least 999 more errors\)/);
  assert.deepEqual(at(r, 'input-bound-exceeded'), ['.github/workflows/b.yml:1002']);
  assert.equal(r.verdict, 'fail');

  // A workflow with a few syntax errors stays a parse-error warning: the verdict is the signed image's.
  const few = tree({ '.github/workflows/a.yml': signed, '.github/workflows/b.yml': 'a: [\n  - : :\n' });
  const fewReport = await analyze({ root: few, repository: 'o/r', requireEnforcement: false });
  assert.deepEqual(at(fewReport, 'input-bound-exceeded'), []);
  assert.equal(fewReport.verdict, 'pass');
});

test('a workflow whose parse the budget stops is reported where it stopped, and fails closed', async () => {
  // 400 KB of comments before the push: the parse is charged one unit per character, and the budget allows less.
  const padded = 'on: push\njobs:\n  b:\n    runs-on: x\n' + '# padding padding padding padding padding padding\n'.repeat(8_000) + '    steps:\n      - run: docker push ghcr.io/o/a:1\n';
  const dir = tree({ '.github/workflows/a.yml': padded });
  const budget = new AnalysisBudget({ work: 100_000, valueLength: 1 << 20, deadlineMs: 1e9 });
  const r = await analyze({ root: dir, repository: 'o/r', requireEnforcement: false, budget });
  const stops = at(r, 'analysis-budget-exceeded');
  assert.equal(stops.length, 1, stops.join(', '));
  assert.match(stops[0]!, /^\.github\/workflows\/a\.yml:\d+$/);
  assert.ok(Number(stops[0]!.split(':')[1]) > 1000, 'the line where the parse was, not the top of the file');
  assert.ok(r.limits.some((l) => /analysis work bound \(100000 units\) spent at \.github\/workflows\/a\.yml:\d+; the YAML parse of \.github\/workflows\/a\.yml stopped there/.test(l)), r.limits.join('\n'));
  // One finding for one cause: no parse-error (the file is valid YAML) and no input bound besides the budget's.
  assert.deepEqual(r.findings.map((f) => f.rule), ['analysis-budget-exceeded']);
  assert.equal(r.verdict, 'fail');
});
