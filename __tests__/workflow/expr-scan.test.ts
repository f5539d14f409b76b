/** Finding `${{ … }}` in long hostile text, and expressions GitHub fails on. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expressionFails, expressionsIn, interpolate, interpolateOne, UNKNOWN_LOOKUP } from '../../src/expr/expr.js';

test('expressionsIn finds what the lazy regular expression found, in one pass', () => {
  const former = (t: string) => [...t.matchAll(/\$\{\{([\s\S]*?)\}\}/g)].map((m) => [m.index, m[0], m[1]]);
  for (const t of ['', 'a ${{ x }} b ${{y}}', '${{ a ${{ b }} c }}', '${{}}${{', '}}${{ a }', '${{ a }}}}', '$${{{ a }}}']) {
    assert.deepEqual([...expressionsIn(t)].map((m) => [m.index, m.whole, m.inner]), former(t), t);
  }
});

test('100,000 unclosed ${{ are scanned once (the lazy regular expression rescanned the rest from each)', () => {
  const text = `docker push ghcr.io/o/${'${{'.repeat(100_000)}`;
  assert.deepEqual([...expressionsIn(text)], []);
  assert.deepEqual(interpolate(text, UNKNOWN_LOOKUP), [text]);
  // One expression from the first `${{` to the only `}}`, as the regular expression read it: it does not parse.
  assert.ok(interpolateOne(`${'${{'.repeat(100_000)} \${{ 'x' }}`, UNKNOWN_LOOKUP).startsWith('${{ ${{${{'));
});

test('expressions GitHub fails on whatever the context holds', () => {
  for (const src of ['format()', 'contains(1)', "startsWith('a')", 'join()', "fromJSON('x')", "format('{1}', 'a')", 'a ==', "'unterminated"]) assert.equal(expressionFails(src), true, src);
  for (const src of ['vars.X', "format('{0}', github.sha)", 'github.event_name == \'push\'', 'hashFiles(\'x\')', "fromJSON(inputs.x)"]) assert.equal(expressionFails(src), false, src);
});
