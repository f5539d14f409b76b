import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judgeImages } from '../../src/engine/judge.js';
import { and, atom, not, or, TRUE, type Formula } from '../../src/logic/formula.js';
import { parseImageRef } from '../../src/model/image-ref.js';
import type { PushOp, SignOp } from '../../src/model/pipeline.js';

const jobKey = '.github/workflows/release.yml#release';
const base = (line: number, formula: Formula, seq: number) => ({
  tool: 'test',
  location: { file: '.github/workflows/release.yml', line },
  chain: [],
  guard: { formula, continueOnError: false },
  confidence: 'high' as const,
  jobKey,
  stepIndex: seq,
  seq: seq * 1000,
});
const push = (formula: Formula): PushOp => ({ ...base(10, formula, 1), kind: 'push', refs: [parseImageRef('ghcr.io/acme/app:1')] });
const sign = (formula: Formula): SignOp => ({ ...base(20, formula, 2), kind: 'sign', method: 'cosign-keyless', keyless: true, refs: [parseImageRef('ghcr.io/acme/app:1')] });
const judge = (p: Formula, s: Formula) => judgeImages({ pushes: [push(p)], signs: [sign(s)], jobs: new Map([[jobKey, { workflowPath: '.github/workflows/release.yml', waitsFor: () => false } as never]]) })[0]!;

test('a signature guarded by a disjunction covers a push guarded by one of its members', () => {
  const r = judge(atom('inputs.a'), or(atom('inputs.a'), atom('inputs.b')));
  assert.equal(r.signed, true);
  assert.equal(r.confidence, 'high');
});

test('a signature guarded by a conjunction does not cover a push guarded by one member, and says why', () => {
  const r = judge(atom('inputs.a'), and(atom('inputs.a'), atom('inputs.b')));
  assert.equal(r.signed, false);
  assert.match(r.paths[0]!.rejected[0]!.reason, /its condition \(inputs\.b\) is narrower than the push's/);
});

test('an implication beyond the bound is unknown: counted at medium confidence with a note, never "narrower"', () => {
  const xs = Array.from({ length: 60 }, (_, i) => atom(`inputs.x${i}`));
  const r = judge(and(...xs.slice(0, 30)), or(...xs.slice(30)));
  assert.equal(r.signed, true);
  assert.equal(r.confidence, 'medium');
  assert.ok(r.notes.some((n) => /could not be decided within the analysis bound/.test(n)));
  assert.equal(r.paths[0]!.rejected.length, 0);
  assert.equal(judge(TRUE, TRUE).signed, true);
});

test('signatures that together run whenever the push runs cover it; one branch alone does not', () => {
  const c = atom("shell('[[ $GITHUB_REF == refs/tags/* ]]')");
  const p = push(TRUE);
  const both = judgeImages({ pushes: [p], signs: [sign(c), { ...sign(not(c)), seq: 2001 }], jobs: new Map() })[0]!;
  assert.equal(both.signed, true);
  const one = judgeImages({ pushes: [p], signs: [sign(c)], jobs: new Map() })[0]!;
  assert.equal(one.signed, false);
  assert.match(one.paths[0]!.rejected[0]!.reason, /narrower than the push's/);
});
