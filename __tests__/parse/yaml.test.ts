import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments } from 'yaml';
import { firstYamlError, MAX_YAML_ERRORS, MAX_YAML_ERRORS_KEPT, MAX_YAML_NESTING, parseYaml } from '../../src/parse/yaml.js';
import { parseConfig } from '../../src/config/load.js';
import { AnalysisBudget } from '../../src/util/budget.js';

/** YAML parsing of hostile files (issue 12): bounded errors, bounded nesting, the same documents as the library. */

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? yamlFiles(join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : []));
}

/** A plain tree of a parsed node (scalars, pairs, items), to compare documents without converting keys. */
function shape(node: unknown): unknown {
  if (isScalar(node)) return typeof node.value === 'symbol' ? String(node.value) : node.value;
  if (isPair(node)) return [shape(node.key), shape(node.value)];
  if (isMap(node) || isSeq(node)) return node.items.map(shape);
  if (isAlias(node)) return `*${node.source}`;
  return node ?? null;
}

/** How many collections deep a parsed node nests. */
function depth(node: unknown): number {
  if (isPair(node)) return Math.max(depth(node.key), depth(node.value));
  if (isMap(node) || isSeq(node)) return 1 + Math.max(0, ...node.items.map(depth));
  return 0;
}

test('every fixture parses to the same documents and first error as the yaml library\'s parseAllDocuments', () => {
  const files = yamlFiles(join(process.cwd(), '__tests__/fixtures'));
  assert.ok(files.length > 100);
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const ours = parseYaml(text, file);
    const lineCounter = new LineCounter();
    let theirs: ReturnType<typeof parseAllDocuments>;
    try {
      theirs = parseAllDocuments(text, { lineCounter, merge: true, uniqueKeys: false, prettyErrors: false });
    } catch (e) {
      // The library itself overflows its stack on this file (a fuzz-found hostile fixture) where the runtime's
      // stack is small enough: there is no reference answer, and ours must be a bound, never a crash.
      assert.ok(e instanceof RangeError, file);
      assert.ok(ours.bound, file);
      continue;
    }
    const docs = Array.isArray(theirs) ? theirs : [theirs];
    if (ours.bound && /nesting deeper/.test(ours.bound.reason)) {
      // Where the library had stack enough, its documents must really nest past the bound.
      assert.ok(Math.max(...docs.map((d) => depth(d.contents))) > MAX_YAML_NESTING, file);
      continue;
    }
    assert.deepEqual(ours.docs.map((d) => shape(d.contents)), docs.map((d) => shape(d.contents)), file);
    const errors = docs.flatMap((d) => d.errors);
    assert.equal(ours.errorCount, errors.length, file);
    if (errors[0]) assert.deepEqual(ours.errors[0], { line: lineCounter.linePos(errors[0].pos[0]).line, message: errors[0].message.split('\n')[0] }, file);
    assert.equal(ours.bound, undefined, file);
  }
});

test('a file of syntax errors stops after the error bound; the first few are kept, the rest counted', () => {
  // 600 KB: one error per line, no nesting.
  const parsed = parseYaml('"\n'.repeat(300_000), 'b.yml');
  assert.equal(parsed.errorCount, MAX_YAML_ERRORS);
  assert.equal(parsed.errors.length, MAX_YAML_ERRORS_KEPT);
  assert.deepEqual(parsed.bound, { reason: `more than ${MAX_YAML_ERRORS} YAML errors; the rest of the file was not parsed`, line: 1002 });
  assert.deepEqual(firstYamlError(parsed), { line: 3, message: `Unexpected double-quoted-scalar at node end (and at least ${MAX_YAML_ERRORS - 1} more errors)` });
});

test('flow collections and block indicators nested past the bound stop the parse before it is built', () => {
  for (const [text, line] of [
    ['{'.repeat(1 << 20), 1],
    ['['.repeat(1 << 20), 1],
    ['- '.repeat(1 << 19), 1],
  ] as const) {
    const parsed = parseYaml(text, 'b.yml');
    assert.equal(parsed.bound?.line, line, text.slice(0, 20));
    assert.match(parsed.bound!.reason, new RegExp(`nesting deeper than ${MAX_YAML_NESTING} levels`));
  }
  // The probe's lines (780 KB there) of `a: [` / `- : :` lines (180,000 errors, 764 MB before): stopped at the error bound.
  const probe = parseYaml('a: [\n  - : :\n'.repeat(20_000), 'b.yml');
  // Composing stops at the bound (one resolver may report a few more before the stop reaches it).
  assert.ok(probe.errorCount >= MAX_YAML_ERRORS && probe.errorCount < MAX_YAML_ERRORS + 10, String(probe.errorCount));
  assert.match(probe.bound!.reason, /more than 1000 YAML errors/);
  // Brackets inside scalars are text, not nesting.
  const scalars = parseYaml(`a: "${'['.repeat(5000)}"\nb: |\n  ${'{'.repeat(5000)}\nc: ${'['.repeat(3)}x${']'.repeat(3)}\n`, 'ok.yml');
  assert.equal(scalars.bound, undefined);
  assert.equal(scalars.errorCount, 0);
});

test('collections nested by indentation stop at the same bound on every runtime, before the parser recurses that deep', () => {
  const nested = (levels: number, key: string): string => Array.from({ length: levels }, (_, i) => `${' '.repeat(i)}${key}\n`).join('') + `${' '.repeat(levels)}v\n`;
  for (const key of ['k:', '-', '- k:']) {
    const atBound = parseYaml(nested(MAX_YAML_NESTING, key), 'ok.yml');
    assert.equal(atBound.bound, undefined, key);
    assert.ok(depth(atBound.docs[0]!.contents) >= MAX_YAML_NESTING, key);
    const past = parseYaml(nested(MAX_YAML_NESTING + 1, key), 'b.yml');
    assert.match(past.bound?.reason ?? '', new RegExp(`nesting deeper than ${MAX_YAML_NESTING} levels`), key);
    // Far past it: the same bound (found where it was crossed), not a deeper parse.
    const far = parseYaml(nested(3000, key), 'b.yml');
    assert.match(far.bound?.reason ?? '', /nesting deeper/, key);
    assert.equal(far.bound?.line, past.bound?.line, key);
  }
});

test('documents before the bound are kept', () => {
  const parsed = parseYaml('a: 1\n---\nb: 2\n---\n' + '{'.repeat(1000), 'b.yml');
  assert.deepEqual(parsed.docs.map((d) => d.toJSON()), [{ a: 1 }, { b: 2 }]);
  assert.ok(parsed.bound);
});

test('the configuration file: one finding for a file that is not YAML, however many errors it has', () => {
  const r = parseConfig('{'.repeat(1 << 20), '.image-signing-audit.yml');
  assert.equal(r.findings.length, 1);
  assert.match(r.findings[0]!.message, /YAML syntax error: nesting deeper than 256 levels; YAML nesting deeper than 256 levels/);
  const many = parseConfig('ignore:\n' + '  - "\n'.repeat(5000), '.image-signing-audit.yml');
  assert.equal(many.findings.length, 1);
  assert.match(many.findings[0]!.message, /\(and (at least )?\d+ more errors\)/);
});

test('the parse is charged to the run budget: a spent work bound stops it where it was, with a hit there', () => {
  // 40 documents of about 1 KB each; the budget allows about half of them.
  const docText = (i: number): string => `a${i}:\n` + Array.from({ length: 40 }, (_, k) => `  k${k}: value-${i}-${k}\n`).join('');
  const text = Array.from({ length: 40 }, (_, i) => docText(i)).join('---\n');
  const budget = new AnalysisBudget({ work: 20 * 1024 + 10, valueLength: 1 << 20, deadlineMs: 1e9 });
  const parsed = parseYaml(text, 'big.yaml', budget);
  assert.ok(parsed.stoppedByBudget, 'the budget stopped the parse');
  // Not an input bound of its own: the budget's hit is the finding, and the file counts as not parsed.
  assert.equal(parsed.bound, undefined);
  assert.equal(parsed.errors.at(-1)!.message, 'not parsed whole: the analysis work bound was spent here');
  assert.equal(parsed.errors.at(-1)!.line, parsed.stoppedByBudget.line);
  // Parsed in slices: what was kept is the documents before the slice that crossed the bound, not all of them.
  assert.ok(parsed.docs.length > 0 && parsed.docs.length < 40, `${parsed.docs.length} documents kept`);
  const hits = budget.hits();
  assert.equal(hits.length, 1);
  assert.equal(hits[0]!.kind, 'work');
  assert.equal(hits[0]!.location?.file, 'big.yaml');
  assert.equal(hits[0]!.location?.line, parsed.stoppedByBudget.line);
  assert.ok(parsed.stoppedByBudget.line > 1);
});

test('a passed deadline stops a parse before its first lexeme, and an ordinary file costs one unit per character', () => {
  let now = 0;
  const late = new AnalysisBudget({ work: 1e12, valueLength: 1 << 20, deadlineMs: 100 }, () => now);
  now = 101;
  const stopped = parseYaml('on: push\njobs: {}\n', 'w.yml', late);
  assert.deepEqual(stopped.docs, []);
  assert.deepEqual(stopped.stoppedByBudget, { line: 1 });
  assert.deepEqual(stopped.errors, [{ line: 1, message: 'not parsed whole: the analysis deadline passed here' }]);
  assert.equal(late.hits()[0]?.kind, 'deadline');

  const text = 'on: push\njobs:\n  b:\n    runs-on: x\n'.repeat(1);
  const budget = new AnalysisBudget();
  const parsed = parseYaml(text, 'w.yml', budget);
  assert.equal(parsed.bound, undefined);
  assert.equal(parsed.docs.length, 1);
  // Charged from offset 0 to the end: every character once, plus one per charge.
  assert.ok(budget.spent >= text.length && budget.spent <= text.length + 4, `${budget.spent} units for ${text.length} characters`);
});
