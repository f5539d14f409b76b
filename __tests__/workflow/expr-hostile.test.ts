/**
 * Hostile expressions: no exception, bounded time. Each of these threw (TypeError, RangeError: maximum call
 * stack size, invalid string length) or ran for minutes before the parser had GitHub's bounds.
 */
import assert from 'node:assert/strict';
import { atom } from '../../src/logic/formula.js';
import { test } from 'node:test';
import { evaluateGuard, evaluateSource, interpolate, UNKNOWN_LOOKUP, type EValue } from '../../src/expr/expr.js';

const isUnknown = (vals: EValue[]) => vals.length === 1 && !vals[0]!.known;

function timed<T>(f: () => T): T {
  const start = performance.now();
  const r = f();
  assert.ok(performance.now() - start < 2000, `took ${Math.round(performance.now() - start)} ms`);
  return r;
}

test('format() without arguments and other wrong argument counts are unknown, not a TypeError', () => {
  assert.deepEqual(interpolate('${{ format() }}', UNKNOWN_LOOKUP), ['${{ format() }}']);
  for (const src of ['format()', 'contains(1)', "startsWith('a')", 'join()', 'toJSON(1, 2)', 'fromJSON()', 'case(true, 1)', 'success(1)'])
    assert.ok(isUnknown(evaluateSource(src, UNKNOWN_LOOKUP)), src);
});

test('a long && chain is a parse failure (too long, or deeper than our tree allows), not a stack overflow', () => {
  for (const n of [30_000, 5_000]) {
    const src = Array(n).fill('true').join(' && ');
    assert.ok(timed(() => isUnknown(evaluateSource(src, UNKNOWN_LOOKUP))), String(n));
    // As a guard it is one opaque atom of its own text: unknown, never true or false.
    assert.deepEqual(timed(() => evaluateGuard(src, UNKNOWN_LOOKUP)), atom(src));
  }
  const eq = Array(5_000).fill('1').join('==');
  assert.ok(timed(() => isUnknown(evaluateSource(eq, UNKNOWN_LOOKUP))));
  // Within the bounds a chain is evaluated.
  assert.deepEqual(evaluateSource(Array(150).fill('true').join(' && '), UNKNOWN_LOOKUP), [{ known: true, value: true }]);
});

test('long ! chains and deep parentheses are parse failures, not stack overflows', () => {
  for (const n of [3_000, 6_000, 50_000]) assert.ok(timed(() => isUnknown(evaluateSource('!'.repeat(n) + 'true', UNKNOWN_LOOKUP))), String(n));
  assert.ok(timed(() => isUnknown(evaluateSource('('.repeat(10_000) + 'a' + ')'.repeat(10_000), UNKNOWN_LOOKUP))));
  // GitHub's depth bound is 50: 48 `!` still parse.
  assert.deepEqual(evaluateSource('!'.repeat(48) + 'true', UNKNOWN_LOOKUP), [{ known: true, value: true }]);
  assert.ok(isUnknown(evaluateSource('!'.repeat(50) + 'true', UNKNOWN_LOOKUP)));
});

test('nested alternatives are evaluated once per node, not once per alternative of the left side', () => {
  let src = "(c && '' || 0)";
  for (let i = 0; i < 23; i++) src = `(c && '' || 0) || (${src})`;
  const vals = timed(() => evaluateSource(src, UNKNOWN_LOOKUP));
  assert.ok(vals.length > 0);
});

test('strings that would grow without bound and deeply nested JSON are unknown', () => {
  let src = "'ab'";
  for (let i = 0; i < 10; i++) src = `format('${'{0}'.repeat(60)}', ${src})`;
  assert.ok(timed(() => isUnknown(evaluateSource(src, UNKNOWN_LOOKUP))));
  const deep = `toJSON(fromJSON('${'['.repeat(9_000)}${']'.repeat(9_000)}'))`;
  assert.ok(timed(() => isUnknown(evaluateSource(deep, UNKNOWN_LOOKUP))));
  assert.ok(isUnknown(evaluateSource(`toJSON(fromJSON('${'['.repeat(65)}${']'.repeat(65)}'))`, UNKNOWN_LOOKUP)));
  const ok = evaluateSource(`toJSON(fromJSON('${'['.repeat(60)}${']'.repeat(60)}'))`, UNKNOWN_LOOKUP);
  assert.ok(ok[0]!.known);
});
