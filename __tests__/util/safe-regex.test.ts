import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnalysisBudget } from '../../src/util/budget.js';
import { compileRegex, isUsableRegex, MAX_MATCH_COST, MAX_REGEX_LENGTH, type SafeRegex } from '../../src/util/safe-regex.js';

function regex(source: string, longest = false): SafeRegex {
  const r = compileRegex(source, { longest });
  assert.ok(isUsableRegex(r), `${source}: ${isUsableRegex(r) ? '' : r.unusable}`);
  return r;
}

const budget = (work: number) => new AnalysisBudget({ work, valueLength: 1 << 20, deadlineMs: 1e9 });

test('catastrophic patterns for a backtracking engine are decided in linear time, and charged', () => {
  const b = budget(10_000_000);
  assert.equal(regex('^(a+)+$').test('a'.repeat(5000) + '!', b), false);
  assert.equal(regex('(a|aa)*$').test('a'.repeat(5000) + 'b', b), true);
  assert.equal(regex('^(a|aa)*$').test('a'.repeat(5000) + 'b', b), false);
  assert.ok(b.spent > 0 && !b.exhausted);
});

test('backreferences and lookaround are unusable with the reason, not a backtracking run', () => {
  for (const [source, reason] of [
    ['^(a)\\1$', /backreference/],
    ['(x+)y\\2', /backreference/],
    ['a(?=b)', /lookaround/],
    ['(?<!a)b', /lookaround/],
  ] as const) {
    const r = compileRegex(source);
    assert.ok(!isUsableRegex(r), source);
    assert.match(r.unusable, reason);
  }
  // An escaped backslash before a digit is no backreference.
  assert.ok(isUsableRegex(compileRegex('a\\\\1')));
});

test('size bounds: a long expression is unusable; a match costing more than the bound is unknown', () => {
  const long = compileRegex('a'.repeat(MAX_REGEX_LENGTH + 1));
  assert.ok(!isUsableRegex(long) && /more than/.test(long.unusable));
  // x{1000} is a program of over 1000 instructions: over a text of MAX_MATCH_COST / 1000 characters it costs more.
  const b = budget(1e12);
  assert.equal(regex('x{1000}').test('y'.repeat(MAX_MATCH_COST / 1000), b), undefined);
  assert.equal(b.spent, 0, 'a refused match charges nothing');
  assert.equal(regex('x{1000}').test('y'.repeat(100), b), false);
  // RE2's own bounds (repeat counts over 1000) are reported as unusable.
  assert.ok(!isUsableRegex(compileRegex('(a{1000}){1000}')));
});

test('a spent budget makes the answer unknown', () => {
  const b = budget(100);
  assert.equal(regex('a+b').test('a'.repeat(1000), b), undefined);
  assert.equal(b.exhausted, true);
});

test('POSIX leftmost-longest for sed, JavaScript replacement syntax', () => {
  assert.equal(regex('a|ab', true).replace('abcd', 'X', false), 'Xcd');
  assert.equal(regex('a|ab').replace('abcd', 'X', false), 'Xbcd');
  assert.equal(regex('(a)(b)').replace('abab', '[$2$1$$]', true), '[ba$][ba$]');
  assert.deepEqual(regex(', *').split('a, b,c,'), ['a', 'b', 'c', '']);
  assert.equal(regex('[[:digit:]]+').test('v12'), true);
});
