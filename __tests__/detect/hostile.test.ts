import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readBake, type BakeInvocation } from '../../src/detect/bake.js';
import { readGoreleaser, type GoreleaserInvocation } from '../../src/detect/goreleaser.js';
import { MAX_DEPTH, parseHcl } from '../../src/detect/hcl.js';
import { AnalysisBudget, DEFAULT_BUDGET_LIMITS } from '../../src/util/budget.js';
import { context, fixtureRepo, pushes, refStrings, STEP } from './helpers.js';

/** Hostile goreleaser, bake and HCL files (issue 12): a report with findings and budget hits, in bounded work. */

function bake(fixture: string, budget: AnalysisBudget, targets: string[] = []): BakeInvocation {
  return { ...context(), budget, repo: fixtureRepo('bake', fixture), files: [], targets, push: false, set: [], workdir: '.', env: {}, location: STEP };
}

function goreleaser(fixture: string, budget: AnalysisBudget): GoreleaserInvocation {
  return { ...context(), budget, repo: fixtureRepo('goreleaser', fixture), args: ['release'], workdir: '.', env: {}, location: STEP, repository: 'acme/widget' };
}

const hitsOf = (b: AnalysisBudget): string[] => b.hits().map((h) => `${h.kind} ${h.location?.file}:${h.location?.line} ${h.what}`);

test('HCL: `target "a" { x = { ] } }` (the 24-byte file that looped forever) ends with a parse-error finding', () => {
  const text = readFileSync(join(process.cwd(), '__tests__/fixtures/detect/bake/hcl-loop/docker-bake.hcl'), 'utf8');
  const hcl = parseHcl(text);
  assert.deepEqual(hcl.errors, [{ line: 1, message: 'expected key = value in object' }]);
  const r = readBake(bake('hcl-loop', new AnalysisBudget()));
  assert.deepEqual(
    r.findings.map((f) => [f.rule, f.location.file, f.location.line, f.message]),
    [['parse-error', 'docker-bake.hcl', 1, 'bake file docker-bake.hcl could not be parsed: expected key = value in object']],
  );
});

test('HCL: every truncation of a real bake file parses; deep nesting and stray closers end with bounded errors', () => {
  const text = readFileSync(join(process.cwd(), '__tests__/fixtures/detect/bake/hcl/docker-bake.hcl'), 'utf8');
  for (let i = 0; i <= text.length; i++) parseHcl(text.slice(0, i));
  for (const piece of ['{', '[', '"${', 'a = {', 'x { ', '] ', '} ', ') ', 'a = { ] ', '<<EOT\n', 'target "a" {\n x = { ] }\n']) {
    const hcl = parseHcl(piece.repeat(20_000));
    assert.ok(hcl.errors.length <= 20 && hcl.errorCount >= hcl.errors.length, piece);
  }
  // Strings nested in interpolations (`"${"${"${…`) stop nesting at the bound instead of overflowing the stack.
  const nested = parseHcl(`a = ${'"${'.repeat(MAX_DEPTH * 100)}`);
  assert.ok(nested.errorCount > 0);
});

test('bake: a variable past the cap is unknown (kept as written) with the hit at its line; groups are expanded once', () => {
  const budget = new AnalysisBudget();
  const r = readBake(bake('doubling', budget, ['g0']));
  // A5 is 640,000 characters (under the cap), A6 twice that: A6 stays as written, A5 is used as it is.
  const refs = refStrings(pushes(r));
  assert.deepEqual(refs.map((ref) => ref.slice(0, 40)), ['ghcr.io/o/app:${A6}', 'ghcr.io/o/app:stable', `ghcr.io/o/app:${'x'.repeat(26)}`]);
  assert.equal(refs[2]!.length, 'ghcr.io/o/app:'.length + 640_000);
  assert.deepEqual(hitsOf(budget), ['value-length docker-bake.hcl:21 bake variable A6']);
  assert.ok(budget.spent < DEFAULT_BUDGET_LIMITS.work / 10, String(budget.spent));
});

test('goreleaser: env entries that double a value make it unknown at the entry that passed the cap, never a fallback', () => {
  const budget = new AnalysisBudget();
  const r = readGoreleaser(goreleaser('env-doubling', budget));
  assert.deepEqual(refStrings(pushes(r)), [
    'ghcr.io/o/a:{{ .Env.A }}',
    'ghcr.io/o/b:{{ .Env.B }}',
    'ghcr.io/o/c:{{ envOrDefault "A" "fallback" }}',
    'ghcr.io/o/d:1',
  ]);
  // xx doubled 19 times is 2^20 characters (the cap); the 20th doubling, on line 23, passes it.
  assert.deepEqual(hitsOf(budget), ['value-length .goreleaser.yml:23 goreleaser env A']);
  assert.deepEqual(r.findings, []);
});

test('goreleaser: a template that repeats a value past the cap stays as written, with the hit at its line', () => {
  const budget = new AnalysisBudget();
  const r = readGoreleaser(goreleaser('template-product', budget));
  const refs = refStrings(pushes(r));
  assert.equal(refs.length, 2);
  assert.ok(refs.includes(`ghcr.io/o/ok:${'a'.repeat(2000)}`));
  assert.ok(refs.some((ref) => ref.startsWith('ghcr.io/o/a:{{ .Env.A }}{{ .Env.A }}')));
  assert.deepEqual(hitsOf(budget), ['value-length .goreleaser.yml:5 goreleaser template']);
});
