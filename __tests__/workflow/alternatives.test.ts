import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alternativesText, evaluateSource, interpolateAlternatives, UNKNOWN_LOOKUP } from '../../src/expr/expr.js';
import { and, atom, formulaText, implies, not, or, type Formula } from '../../src/logic/formula.js';

/**
 * Conditional values written back as one text (alternativesText) and read again (interpolateAlternatives): every
 * alternative survives with its condition, however often a value is written again under another condition (issue 8:
 * last-write-wins is gone). These fail on the writer that kept the first alternative when it could not write one.
 */

const a = atom('a');
const b = atom('b');
const read = (text: string) => interpolateAlternatives(text, UNKNOWN_LOOKUP).map((x) => ({ text: x.text, when: x.when }));
const sameCondition = (x: Formula, y: Formula) => implies(x, y) === true && implies(y, x) === true;

/** The texts a written value reads back as, each with its condition, checked against the expected ones. */
function assertReadsBack(written: string, expected: Array<{ text: string; when: Formula }>): void {
  const back = read(written);
  for (const e of expected) {
    const found = back.find((x) => x.text === e.text);
    assert.ok(found, `${JSON.stringify(e.text)} is lost in ${written}`);
    assert.ok(sameCondition(found.when, e.when), `${e.text}: ${formulaText(found.when)} is not ${formulaText(e.when)}`);
  }
  // Nothing else, but the empty text on paths no alternative covers.
  for (const x of back) assert.ok(x.text === '' || expected.some((e) => e.text === x.text), `unexpected ${JSON.stringify(x.text)}`);
}

test('a conditional value written again under a condition keeps every alternative of both writes', () => {
  const first = alternativesText([{ text: 'ghcr.io/acme/a', when: a }, { text: '', when: not(a) }]);
  const second = alternativesText([{ text: 'quay.io/acme/b', when: b }, { text: first, when: not(b) }]);
  assertReadsBack(second, [
    { text: 'quay.io/acme/b', when: b },
    { text: 'ghcr.io/acme/a', when: and(not(b), a) },
    { text: '', when: and(not(b), not(a)) },
  ]);
});

test('alternatives with unknown parts read back as the same texts (written as format)', () => {
  const first = alternativesText([{ text: '${{ vars.A }}', when: a }, { text: '', when: not(a) }]);
  // What a script makes of it in each case: `${R:+$R,}${{ vars.B }}`.
  const joined = alternativesText(read(first).map((x) => ({ text: `${x.text ? `${x.text},` : ''}\${{ vars.B }}`, when: x.when })));
  const second = alternativesText([{ text: joined, when: b }, { text: first, when: not(b) }]);
  assertReadsBack(second, [
    { text: '${{ vars.A }},${{ vars.B }}', when: and(a, b) },
    { text: '${{ vars.B }}', when: and(not(a), b) },
    { text: '${{ vars.A }}', when: and(a, not(b)) },
  ]);
});

test('a value that may be empty does not let a later alternative leak into its paths', () => {
  // `(a) && (vars.A) || (!a) && ('z')` would give false where a holds and vars.A is empty.
  const w = alternativesText([{ text: '${{ vars.A }}', when: a }, { text: 'z', when: not(a) }]);
  assertReadsBack(w, [{ text: '${{ vars.A }}', when: a }, { text: 'z', when: not(a) }]);
  assert.ok(!read(w).some((x) => x.text === 'z' && implies(x.when, not(a)) !== true));
});

test('more alternatives than a value holds become one unknown, never the first of them', () => {
  const many = Array.from({ length: 9 }, (_, i) => ({ text: `r${i}.io/x`, when: atom(`c${i}`) }));
  const w = alternativesText(many, 'value of REGISTRIES');
  assert.equal(w, '$(value of REGISTRIES)');
});

test('case(): each value under its own condition; a known non-boolean predicate fails as in GitHub', () => {
  const vals = evaluateSource("case(vars.X == 'a', 'one', vars.X == 'b', 'two', 'other')", UNKNOWN_LOOKUP);
  assert.deepEqual(vals.map((v) => (v.known ? v.value : '?')), ['one', 'two', 'other']);
  assert.deepEqual(evaluateSource("case(true, 'one', 'other')", UNKNOWN_LOOKUP).map((v) => (v.known ? v.value : '?')), ['one']);
  const failed = evaluateSource("case('x', 'one', 'other')", UNKNOWN_LOOKUP);
  assert.equal(failed.length, 1);
  assert.equal(failed[0]!.known, false);
});

test('format() with unknown arguments reads as its text, and is never empty when it has literal text', () => {
  const [v] = read("${{ format('ghcr.io/{0}/app', vars.ORG) }}");
  assert.equal(v!.text, 'ghcr.io/${{ vars.ORG }}/app');
  const cmp = evaluateSource("format('x{0}', vars.A) != ''", UNKNOWN_LOOKUP);
  assert.deepEqual(cmp.map((x) => (x.known ? x.value : '?')), [true]);
  const bare = evaluateSource("format('{0}', vars.A) != ''", UNKNOWN_LOOKUP);
  assert.equal(bare[0]!.known, false);
});

test('disjunctions merge the terms a join over an irrelevant test leaves', () => {
  const s = atom('s');
  assert.equal(formulaText(or(and(a, b, s), and(a, b, not(s)))), 'a && b');
  assert.equal(formulaText(or(a, and(a, b))), 'a');
  assert.equal(formulaText(or(and(a, s), and(b, not(s)))), '(a && s) || (b && !s)');
});
