import assert from 'node:assert/strict';
import { test } from 'node:test';
import { and, atom, eq, FALSE, formulaText, implies, not, or, satisfiable, TRUE } from '../../src/logic/formula.js';
import { joinWrites } from '../../src/logic/value.js';
import { evaluateGuard, interpolateOne, UNKNOWN_LOOKUP, unknown, evaluateSource, type Lookup } from '../../src/expr/expr.js';

const a = atom('inputs.a');
const b = atom('inputs.b');

test('implication is decided by the procedure, not by comparing lists of conditions', () => {
  assert.equal(implies(a, or(a, b)), true);
  assert.equal(implies(or(a, b), a), false);
  assert.equal(implies(and(a, b), a), true);
  assert.equal(implies(a, and(a, b)), false);
  // Absorption and De Morgan are theorems, whatever the spelling.
  assert.equal(implies(or(a, and(not(a), b)), or(a, b)), true);
  assert.equal(implies(not(or(a, b)), and(not(a), not(b))), true);
  assert.equal(implies(FALSE, a), true);
  assert.equal(implies(a, TRUE), true);
});

test('equalities on one subject are exclusive; a closed domain decides the rest', () => {
  const push = eq('github.event_name', 'push');
  const pr = eq('github.event_name', 'pull_request');
  assert.equal(satisfiable(and(push, pr)), false);
  // Open domain: "not a pull request" does not mean "a push".
  assert.equal(implies(not(pr), push), false);
  const domain = ['push', 'pull_request'];
  assert.equal(implies(not(eq('github.event_name', 'pull_request', domain)), eq('github.event_name', 'push', domain)), true);
  assert.equal(eq('github.event_name', 'release', domain), FALSE);
  // Values compare as GitHub compares strings: case-insensitively.
  assert.equal(implies(eq('inputs.mode', 'Release'), eq('inputs.mode', 'release')), true);
  // A subject equal to a non-empty literal is truthy; equal to '' it is falsy.
  assert.equal(implies(eq('inputs.tag', 'v1'), atom('inputs.tag')), true);
  assert.equal(implies(eq('inputs.tag', ''), not(atom('inputs.tag'))), true);
});

test('beyond the work bound the answer is unknown, never a guess', () => {
  const many = Array.from({ length: 60 }, (_, i) => atom(`inputs.x${i}`));
  assert.equal(implies(and(...many.slice(0, 30)), or(...many.slice(30))), 'unknown');
});

test('formula text re-parses to the same formula (conditions survive being stored as text)', () => {
  const f = or(and(eq('github.event_name', 'push'), not(atom('inputs.dry'))), atom("startsWith(github.ref, 'refs/tags/')"));
  const text = formulaText(f);
  // Equivalent both ways (the evaluator may spell it differently: it splits cases at ||).
  assert.equal(implies(evaluateGuard(text, UNKNOWN_LOOKUP), f), true);
  assert.equal(implies(f, evaluateGuard(text, UNKNOWN_LOOKUP)), true);
});

test('writes under undecided branches join as alternatives; a later unconditional write replaces them', () => {
  const c = atom('shell(x)');
  const joined = joinWrites([
    { key: 'push', value: 'true', when: c },
    { key: 'push', value: 'false', when: not(c) },
  ]).get('push')!;
  assert.deepEqual(joined.map((x) => [x.text, formulaText(x.when)]), [
    ['true', 'shell(x)'],
    ['false', '!(shell(x))'],
  ]);
  const replaced = joinWrites([
    { key: 'tag', value: 'a', when: c },
    { key: 'tag', value: 'b', when: TRUE },
  ]).get('tag')!;
  assert.deepEqual(replaced.map((x) => x.text), ['b']);
});

test('interpolating a conditional value whose alternative is interpolated again terminates (no shared regex state)', () => {
  const lookup: Lookup = (path, text) => {
    const k = path.join('.');
    if (k === 'steps.a.outputs.value') return [unknown('steps.x.outputs.y')];
    if (k === 'steps.b.outputs.value') return evaluateSource("'ghcr.io/acme/app'", UNKNOWN_LOOKUP).map((v) => ({ ...v, value: 'ghcr.io/acme/app@${{ steps.build.outputs.digest }}' }));
    return [unknown(text)];
  };
  const out = interpolateOne("ref=${{ steps.a.outputs.value != '' && steps.a.outputs.value || steps.b.outputs.value }}", lookup);
  assert.ok(out.startsWith('ref='));
});
