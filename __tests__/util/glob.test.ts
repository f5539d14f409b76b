import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnalysisBudget } from '../../src/util/budget.js';
import {
  compileGlob,
  globStepsTaken,
  IDENTITY_GLOB,
  IMAGE_SEGMENT_GLOB,
  IMAGE_WILDCARD,
  isUsable,
  MAKE_WILDCARD,
  MAX_GLOB_LENGTH,
  PATH_GLOB,
  SHELL_PATTERN,
  type Glob,
  type GlobSyntax,
} from '../../src/util/glob.js';

function glob(pattern: string, syntax: GlobSyntax): Glob {
  const g = compileGlob(pattern, syntax);
  assert.ok(isUsable(g), `${pattern} should compile: ${isUsable(g) ? '' : g.unusable}`);
  return g;
}

function check(syntax: GlobSyntax, cases: Array<[string, string, boolean]>): void {
  for (const [pattern, text, expected] of cases) assert.equal(glob(pattern, syntax).matches(text), expected, `${syntax.name}: ${pattern} vs ${text}`);
}

test('configuration globs read as picomatch reads them (dot files included)', () => {
  check(PATH_GLOB, [
    ['ghcr.io/acme/*', 'ghcr.io/acme/api', true],
    ['ghcr.io/acme/*', 'ghcr.io/acme/a/b', false],
    ['ghcr.io/acme/*', 'ghcr.io/acme/', false],
    ['ghcr.io/acme/**', 'ghcr.io/acme/a/b', true],
    ['ghcr.io/acme/**', 'ghcr.io/acme', true],
    ['**/api', 'api', true],
    ['**/api', 'x/y/api', true],
    ['a/**/b', 'a/b', true],
    ['a/**/b', 'a/x/y/b', true],
    ['a**b', 'axxb', true],
    ['a**b', 'ax/xb', false],
    ['a/**b', 'a/xb', true],
    ['a/**b', 'a/x/b', false],
    ['***', 'a/b', false],
    ['docs/*', 'docs/.x', true],
    ['**/*.yml', '.github/workflows/a.yml', true],
    ['?', '/', false],
    ['[ab]c', 'bc', true],
    ['[^ab]c', 'ac', false],
    ['[a-c]x', 'bx', true],
    ['[[:alpha:]]', 'a', true],
    ['{a,b}c', 'bc', true],
    ['{a,b}c', 'abc', false],
    ['*.{js,ts}', 'x.ts', true],
    ['{,a}b', 'b', true],
    ['a{b}', 'a{b}', true],
    ['x{1..3}', 'x2', true],
    ['x{1..3}', 'x4', false],
    ['x{01..10}', 'x07', true],
    ['!foo', 'bar', true],
    ['!foo', 'foo', false],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'axb', false],
    ['./a', 'a', true],
    ['A*', 'abc', false],
    ['[', '[', true],
    ['a|b', 'a|b', true],
    ['(a)', '(a)', true],
  ]);
  const ext = compileGlob('+(a|b)', PATH_GLOB);
  assert.ok(!isUsable(ext) && /extended glob/.test(ext.unusable));
});

test('shell patterns: * and ? cross /, classes, escapes, no braces', () => {
  check(SHELL_PATTERN, [
    ['refs/tags/*', 'refs/tags/v1/x', true],
    ['v?.*', 'v1.2', true],
    ['[!a]*', 'bcd', true],
    ['[!a]*', 'abc', false],
    ['[^a]*', 'abc', false],
    ['\\*', '*', true],
    ['\\*', 'x', false],
    ['{a,b}', '{a,b}', true],
    ['[]x]', ']', true],
    ['[a', '[a', true],
    ['*[[:digit:]]', 'v1', true],
  ]);
});

test('image patterns: Kyverno * crosses /, policy-controller * stays in a segment and ** crosses; case is ignored', () => {
  check(IMAGE_WILDCARD, [
    ['ghcr.io/*', 'ghcr.io/a/b', true],
    ['GHCR.io/acme/?pi', 'ghcr.io/acme/api', true],
    ['ghcr.io/[ab]', 'ghcr.io/[ab]', true],
  ]);
  check(IMAGE_SEGMENT_GLOB, [
    ['ghcr.io/*', 'ghcr.io/a/b', false],
    ['ghcr.io/**', 'ghcr.io/a/b', true],
    ['ghcr.io/a**b', 'ghcr.io/ax/yb', true],
    ['ghcr.io/?', 'ghcr.io/a', true],
  ]);
  check(IDENTITY_GLOB, [
    ['https://github.com/acme/*', 'https://github.com/acme/x/.github/workflows/r.yml@refs/heads/main', true],
    ['https://github.com/Acme/*', 'https://github.com/acme/x', false],
  ]);
  check(MAKE_WILDCARD, [
    ['*.mk', 'a.mk', true],
    ['a\\b', 'a\\b', true],
  ]);
});

test('prefix, suffix and leftmost-longest search follow bash', () => {
  const g = glob('*.', SHELL_PATTERN);
  assert.equal(g.prefixMatch('a.b.c', false), 2);
  assert.equal(g.prefixMatch('a.b.c', true), 4);
  assert.equal(glob('.*', SHELL_PATTERN).suffixMatch('a.b.c', false), 2);
  assert.equal(glob('.*', SHELL_PATTERN).suffixMatch('a.b.c', true), 4);
  assert.equal(glob('x*', SHELL_PATTERN).prefixMatch('abc', true), null);
  assert.equal(glob('x', SHELL_PATTERN).suffixMatch('abc', true), null);
  assert.equal(glob('c', SHELL_PATTERN).suffixMatch('abc', false), 1);
  assert.deepEqual(glob('b*c', SHELL_PATTERN).search('abcbc'), { start: 1, end: 5 });
  assert.deepEqual(glob('b?', SHELL_PATTERN).search('abcbd', 2), { start: 3, end: 5 });
});

test('a pattern over the length bound, or with a huge range, is unusable — not an exception', () => {
  const long = compileGlob('a*'.repeat(150_000), PATH_GLOB);
  assert.ok(!isUsable(long));
  assert.match(long.unusable, new RegExp(`more than ${MAX_GLOB_LENGTH}`));
  const range = compileGlob('x{1..100000}', PATH_GLOB);
  assert.ok(!isUsable(range) && /range/.test(range.unusable));
});

test('matching is linear: *a*a*…b against a long text costs at most program × text steps, charged to the budget', () => {
  // A backtracking matcher takes exponential time here; the automaton takes a bounded number of steps.
  const pattern = '*a'.repeat(2000) + 'b';
  const text = 'a'.repeat(600) + 'c';
  const g = glob(pattern, IMAGE_WILDCARD);
  const budget = new AnalysisBudget({ work: 50_000_000, valueLength: 1 << 20, deadlineMs: 1e9 });
  const before = globStepsTaken();
  assert.equal(g.matches(text, budget), false);
  const steps = globStepsTaken() - before;
  assert.ok(steps > 0 && steps <= (pattern.length + 2) * (text.length + 1) * 2, `steps ${steps}`);
  assert.equal(budget.spent, steps, 'every step is charged');
  assert.equal(budget.exhausted, false);
});

test('a spent budget makes the answer unknown, never a guess', () => {
  const g = glob('*a'.repeat(500) + 'b', IMAGE_WILDCARD);
  const budget = new AnalysisBudget({ work: 10_000, valueLength: 1 << 20, deadlineMs: 1e9 });
  assert.equal(g.matches('a'.repeat(1000), budget), undefined);
  assert.equal(budget.exhausted, true);
  assert.ok(budget.spent <= 10_000 + 5000, `stopped soon after the bound: ${budget.spent}`);
  // With a budget that is already spent nothing is decided, not even a cheap match.
  assert.equal(g.matches('ab', budget), undefined);
});
