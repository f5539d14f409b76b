import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { openRepo, type RepoReader } from '../../src/discover/repo.js';
import { expandMake, type MakeExpansion, type MakeOptions } from '../../src/make/index.js';
import { AnalysisBudget, DEFAULT_BUDGET_LIMITS, type BudgetHit } from '../../src/util/budget.js';

/**
 * Hostile makefiles (issue 12): each must end in an expansion with findings and budget hits at file:line, in
 * bounded work, and with unknown values where make's would be too large or where make itself would stop.
 * Expected texts and messages are GNU make 4.3's (checked with `make -n` on the same files).
 */
const repo: RepoReader = openRepo(join(process.cwd(), '__tests__/fixtures/make/hostile'));
const WORKFLOW = { file: '.github/workflows/release.yml', line: 12 };

function make(file: string, target: string, options: MakeOptions = {}): MakeExpansion {
  return expandMake({ repo, args: ['-f', file, target], cwd: '', env: {}, location: WORKFLOW, depth: 4 }, options);
}

const texts = (r: MakeExpansion): string[] => r.commands.map((c) => c.text);
const hitsOf = (b: AnalysisBudget): string[] => b.hits().map((h: BudgetHit) => `${h.kind} ${h.location?.file}:${h.location?.line}`);

test('built-in functions with too few arguments: GNU make fatal errors become parse-error findings, the value unknown', () => {
  const r = make('arity.mk', 'push', { budget: new AnalysisBudget() });
  const found = r.findings.map((f) => `${f.location.line}: ${f.message.replace('Makefile: ', '').replace(' (make stops there; the value is unknown)', '')}`);
  assert.deepEqual(found, [
    "2: insufficient number of arguments (2) to function 'subst'",
    "3: insufficient number of arguments (1) to function 'patsubst'",
    "4: insufficient number of arguments (1) to function 'word'",
    "5: insufficient number of arguments (2) to function 'wordlist'",
    "6: insufficient number of arguments (1) to function 'join'",
    "7: insufficient number of arguments (1) to function 'addprefix'",
    "8: insufficient number of arguments (1) to function 'addsuffix'",
    "9: insufficient number of arguments (1) to function 'filter'",
    "10: insufficient number of arguments (1) to function 'filter-out'",
    "11: insufficient number of arguments (1) to function 'findstring'",
    "12: insufficient number of arguments (1) to function 'if'",
    "13: insufficient number of arguments (2) to function 'foreach'",
    '14: file: invalid file operation: ',
    "15: insufficient number of arguments (2) to function 'subst'",
    "17: non-numeric first argument to 'word' function: 'x'",
    "18: first argument to 'word' function must be greater than 0",
    "19: invalid first argument to 'wordlist' function: '0'",
    "20: non-numeric second argument to 'wordlist' function: ''",
  ]);
  assert.ok(r.findings.every((f) => f.rule === 'parse-error' && f.location.file === 'arity.mk'));
  // The image name keeps the call as an unknown part (make would have stopped): never `ghcr.io/o/app:`.
  assert.deepEqual(texts(r), ['docker push ghcr.io/o/app:$(subst …)', 'echo "b,b|a,a|a,b|a|c,d|ab,c" "[][][][][][][][undefined]"']);
});

test('a rule with 524,288 prerequisites (a 1 KB makefile) is planned without spreading them into a call', () => {
  const budget = new AnalysisBudget();
  const r = make('prereqs.mk', 'push', { budget });
  assert.deepEqual(r.findings, []);
  assert.deepEqual(budget.hits(), []);
  assert.deepEqual(texts(r), ['echo a', 'echo 524288 1', 'docker push ghcr.io/o/app:1']);
});

test('a $(foreach) over 524,288 words passes make\'s work bound: the value is unknown, the bound a hit at the recipe line', () => {
  const budget = new AnalysisBudget();
  const r = make('prereqs.mk', 'each', { budget });
  assert.deepEqual(texts(r), ['docker push ghcr.io/o/each:$(foreach …)']);
  assert.deepEqual(hitsOf(budget), ['bound prereqs.mk:30']);
  assert.match(budget.hits()[0]!.what, /make expansion work bound \(100000 references\) hit/);
});

test('doubling values end unknown, named by the variable that became too long, with the hit where it was built', () => {
  for (const [file, name] of [
    ['simple.mk', /^docker push ghcr\.io\/o\/s:(\$\(S\d+\))+$/],
    ['plus.mk', /^docker push ghcr\.io\/o\/p:\$\(P\)( \$\(P\))*$/],
    ['dollars.mk', /^docker push ghcr\.io\/o\/d:(\$\(D\d+\))+$/],
  ] as const) {
    const budget = new AnalysisBudget();
    const r = make(file, 'push', { budget });
    assert.equal(r.commands.length, 1, file);
    // No literal made of the first million characters: the unknown part is named, the known part stays short.
    assert.match(r.commands[0]!.text, name, `${file}: ${r.commands[0]!.text.slice(0, 200)}`);
    const hits = budget.hits();
    assert.ok(hits.length > 0 && hits.every((h) => h.kind === 'value-length' && h.location?.file === file), `${file}: ${hitsOf(budget).join(', ')}`);
    // Bytes built are charged: more than the value cap (the doubling was built up to it), far below the budget.
    assert.ok(budget.spent > DEFAULT_BUDGET_LIMITS.valueLength && budget.spent < DEFAULT_BUDGET_LIMITS.work / 10, `${file}: ${budget.spent}`);
  }
});

test('the first line whose value passes the run\'s cap is where the hit is, and its variable is what stays unknown', () => {
  const budget = new AnalysisBudget({ ...DEFAULT_BUDGET_LIMITS, valueLength: 1000 });
  const r = make('simple.mk', 'push', { budget });
  // S8 is 512 characters, S9 1024: S9 is unknown; S10 := $(S9)$(S9) names it twice, and so on, until the names
  // themselves pass the cap.
  assert.equal(budget.hits()[0]?.location?.line, 11);
  assert.match(r.commands[0]!.text, /^docker push ghcr\.io\/o\/s:(\$\(S\d+\))+$/);
});

test('recursive doubling (2^40 references) stops at make\'s work bound; a small run budget stops it first, as a work hit', () => {
  const budget = new AnalysisBudget();
  const r = make('recursive.mk', 'push', { budget });
  assert.match(r.commands[0]!.text, /^docker push ghcr\.io\/o\/r:x+.*\$\(R\d+\)/);
  assert.deepEqual(hitsOf(budget), ['bound recursive.mk:45']);
  assert.match(budget.hits()[0]!.what, /make expansion work bound \(100000 references\) hit/);

  const small = new AnalysisBudget({ ...DEFAULT_BUDGET_LIMITS, work: 20_000 });
  const stopped = make('recursive.mk', 'push', { budget: small });
  assert.match(stopped.commands[0]?.text ?? '', /\$\(R\d+\)/);
  assert.deepEqual(hitsOf(small), ['work recursive.mk:45']);
  assert.ok(small.spent <= 20_000 + DEFAULT_BUDGET_LIMITS.valueLength, String(small.spent));
});

test('target-specific += appends at lookup like GNU make: its own reference is a cycle, cut, and one image remains', () => {
  const budget = new AnalysisBudget();
  const r = make('target-plus.mk', 'push', { budget });
  assert.deepEqual(texts(r).map((t) => t.trimEnd()), ['docker push ghcr.io/o/xx']);
  assert.deepEqual(hitsOf(budget), ['cycle target-plus.mk:44']);
  assert.match(budget.hits()[0]!.what, /make variable 'A' references itself/);

  const debug = make('target-plus.mk', 'debug', { budget });
  assert.deepEqual(texts(debug), ['echo -a -g c']);
});

test('a pattern rule defined again with the same targets and prerequisites replaces the earlier one (GNU make), so repeating one costs one rule per search', () => {
  // make 4.3 -n: "docker push second/app".
  assert.deepEqual(texts(make('pattern-replaced.mk', 'push')), ['docker push second/app']);
  // The fuzz-found shape: one pattern rule repeated and a target with many prerequisites. Each prerequisite's search
  // tries the rules left after replacement (one), so the work stays far below the budget.
  const budget = new AnalysisBudget();
  const big = openRepo(join(process.cwd(), '__tests__/fixtures/make/hostile'));
  const many = expandMake({ repo: big, args: ['-f', 'pattern-replaced.mk', ...Array.from({ length: 4000 }, (_, i) => `x${i}.img`)], cwd: '', env: {}, location: WORKFLOW, depth: 4 }, { budget });
  assert.equal(many.commands.length, 4000);
  assert.deepEqual(budget.hits(), []);
});
