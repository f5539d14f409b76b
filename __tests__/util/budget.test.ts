import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnalysisBudget, describeHit } from '../../src/util/budget.js';
import { budgetFindings } from '../../src/engine/budget-findings.js';

test('charge answers false once the work is spent, and stays false', () => {
  const b = new AnalysisBudget({ work: 10, valueLength: 5, deadlineMs: 1e9 });
  assert.equal(b.charge(6), true);
  assert.equal(b.charge(4), true);
  assert.equal(b.charge(1), false);
  assert.equal(b.charge(0), false);
  assert.equal(b.exhausted, true);
  assert.equal(b.reason, 'work');
});

test('the deadline is read from the clock it was given', () => {
  let now = 0;
  const b = new AnalysisBudget({ work: 1e12, valueLength: 5, deadlineMs: 100 }, () => now);
  assert.equal(b.exhausted, false);
  now = 101;
  assert.equal(b.exhausted, true);
  assert.equal(b.charge(1), false);
  assert.equal(b.reason, 'deadline');
});

test('value length is capped', () => {
  const b = new AnalysisBudget({ work: 10, valueLength: 5, deadlineMs: 1e9 });
  assert.equal(b.fitsValue(5), true);
  assert.equal(b.fitsValue(6), false);
});

test('hits become limits and error findings at their place, each once', () => {
  const b = new AnalysisBudget({ work: 10, valueLength: 5, deadlineMs: 1e9 });
  b.hit('value-length', 'variable A of build.sh', { file: 'build.sh', line: 3 });
  b.hit('value-length', 'variable A of build.sh', { file: 'build.sh', line: 3 });
  b.charge(11);
  b.stopped('shell script build.sh', { file: 'build.sh', line: 9 });
  const { findings, limits } = budgetFindings(b);
  assert.equal(findings.length, 2);
  assert.deepEqual(findings.map((f) => [f.rule, f.severity, f.location.file, f.location.line]), [
    ['analysis-budget-exceeded', 'error', 'build.sh', 3],
    ['analysis-budget-exceeded', 'error', 'build.sh', 9],
  ]);
  assert.match(limits[1]!, /analysis work bound \(10 units\) spent at build\.sh:9; shell script build\.sh stopped there/);
  assert.match(describeHit({ kind: 'cycle', what: 'a.yml calls itself' }, b.limits), /call cycle: a\.yml calls itself/);
});

test("a reader's own bound is a hit of its own kind, with the reader's words", () => {
  const b = new AnalysisBudget({ work: 10, valueLength: 5, deadlineMs: 1e9 });
  b.hit('bound', 'shell script nests more than 100 levels here', { file: 'build.sh', line: 4 });
  const { findings, limits } = budgetFindings(b);
  assert.deepEqual(limits, ['analysis bound reached at build.sh:4: shell script nests more than 100 levels here']);
  assert.equal(findings[0]!.rule, 'analysis-budget-exceeded');
});

test('a spent budget is one hit per file, where it was first seen there; other files keep their own', () => {
  const b = new AnalysisBudget({ work: 10, valueLength: 5, deadlineMs: 1e9 });
  b.charge(11);
  b.stopped('the steps of a.yml', { file: 'a.yml', line: 981 });
  b.stopped('the jobs of a.yml', { file: 'a.yml', line: 982 });
  b.stopped('the YAML parse of b.yml', { file: 'b.yml', line: 7 });
  // A reader's own bound in the same file is a different cause, and is kept.
  b.hit('bound', 'make expansion work bound hit', { file: 'a.yml', line: 990 });
  assert.deepEqual(b.hits().map((h) => `${h.kind} ${h.location?.file}:${h.location?.line} ${h.what}`), [
    'work a.yml:981 the steps of a.yml',
    'work b.yml:7 the YAML parse of b.yml',
    'bound a.yml:990 make expansion work bound hit',
  ]);
});
