import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judgeImages, methodOf, PAIR_COST, signsByDigest } from '../../src/engine/judge.js';
import { TRUE } from '../../src/logic/formula.js';
import { pushDigestText } from '../../src/model/digest.js';
import { parseImageRef } from '../../src/model/image-ref.js';
import type { PushOp, SignOp } from '../../src/model/pipeline.js';
import { AnalysisBudget } from '../../src/util/budget.js';
import type { JobFacts } from '../../src/model/pipeline.js';

/** A signature covers the push whose digest it signs: exactly that push, and none for a digest that traces nowhere. */

const file = '.github/workflows/release.yml';
const op = (jobKey: string, line: number, seq: number) => ({
  tool: 'test',
  location: { file, line },
  chain: [],
  guard: { formula: TRUE, continueOnError: false },
  confidence: 'high' as const,
  jobKey,
  stepIndex: seq,
  seq: seq * 1000,
});
const push = (jobKey: string, line: number, seq: number, ref: string, extra: Partial<PushOp> = {}): PushOp => ({
  ...op(jobKey, line, seq),
  kind: 'push',
  refs: [parseImageRef(ref)],
  digestText: pushDigestText({ file, line }),
  ...extra,
});
const sign = (jobKey: string, line: number, seq: number, ref: string, extra: Partial<SignOp> = {}): SignOp => ({
  ...op(jobKey, line, seq),
  kind: 'sign',
  method: 'cosign-keyless',
  keyless: true,
  refs: [parseImageRef(ref)],
  ...extra,
});
const jobs = (...facts: Array<[string, string[]]>) =>
  new Map(facts.map(([k, preds]) => [k, { jobKey: k, workflowPath: file, waitsFor: (j: string) => preds.includes(j), idTokenWrite: true, location: { file, line: 1 } } as JobFacts]));

test('a by-digest signature credits exactly the push its digest came from, not every push of the name', () => {
  const a = push('wf#a', 10, 1, 'ghcr.io/acme/app:a');
  const b = push('wf#b', 20, 1, 'ghcr.io/acme/app:b');
  const s = sign('wf#sign', 30, 1, `ghcr.io/acme/app@${pushDigestText({ file, line: 10 })}`);
  const [img] = judgeImages({ pushes: [a, b], signs: [s], jobs: jobs(['wf#sign', ['wf#a', 'wf#b']]) });
  assert.equal(img!.signed, false);
  assert.equal(img!.partially, true);
  assert.deepEqual(img!.paths.map((p) => p.signedBy.length), [1, 0]);
  assert.match(img!.paths[1]!.rejected[0]!.reason, /the digest the push at .*:10 produced\) is not what this push produced/);
  assert.equal(img!.byDigest, true);
});

test('an untraceable digest credits no push by name or by position, and says so at lowered confidence', () => {
  const p = push('wf#a', 10, 1, 'ghcr.io/acme/app:1');
  // The computed one signs right after the push (a position match would have counted it).
  const computed = sign('wf#a', 11, 2, '${REF}@${DIGEST}', { unresolvedTarget: true });
  const byName = sign('wf#a', 12, 3, 'ghcr.io/acme/app@$DIGEST');
  const literal = sign('wf#a', 13, 4, 'ghcr.io/acme/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef');
  const [img] = judgeImages({ pushes: [p], signs: [computed, byName, literal], jobs: jobs(['wf#a', []]) });
  assert.equal(img!.signed, false);
  assert.equal(img!.signatures.length, 0);
  assert.equal(img!.confidence, 'medium');
  const reasons = img!.paths[0]!.rejected.map((r) => r.reason);
  assert.equal(reasons.length, 3);
  for (const re of [/computed at run time and its digest cannot be traced/, /its digest \(\$DIGEST\) cannot be traced to a push/, /fixed digest/]) {
    assert.ok(reasons.some((r) => re.test(r)), `${re} in ${reasons.join(' | ')}`);
  }
  assert.equal(img!.notes.filter((n) => /cannot be traced to its push/.test(n)).length, 3);
});

test("a step's digest output means the signing job's own step; through job outputs, the job it came from", () => {
  const a = push('wf#a', 10, 1, 'ghcr.io/acme/app:1', { digestFromStep: 'build', digestText: undefined });
  const b = push('wf#b', 20, 1, 'ghcr.io/acme/app:2', { digestFromStep: 'build', digestText: undefined });
  const s = sign('wf#a', 11, 2, 'ghcr.io/acme/app@${{ steps.build.outputs.digest }}');
  const [img] = judgeImages({ pushes: [a, b], signs: [s], jobs: jobs(['wf#a', []], ['wf#b', []]) });
  assert.deepEqual(img!.paths.map((p) => p.signedBy.length), [1, 0]);
});

test('a computed repository signed with a traced digest covers that push, at medium confidence with a note', () => {
  const p = push('wf#a', 10, 1, 'ghcr.io/acme/app:1');
  const s = sign('wf#a', 11, 2, `$IMAGE@${pushDigestText({ file, line: 10 })}`);
  const [img] = judgeImages({ pushes: [p], signs: [s], jobs: jobs(['wf#a', []]) });
  assert.equal(img!.signed, true);
  assert.equal(img!.byDigest, true);
  assert.equal(img!.confidence, 'medium');
  assert.ok(img!.notes.some((n) => /matched by that digest/.test(n)));
});

test('cosign copy inherits the method and the by-digest signature of its source', () => {
  const src = push('wf#a', 10, 1, 'ghcr.io/acme/src:1');
  const signed = sign('wf#a', 11, 2, `ghcr.io/acme/src@${pushDigestText({ file, line: 10 })}`);
  const dst = push('wf#a', 12, 3, 'docker.io/acme/dst:1', { tool: 'cosign copy' });
  const copy = sign('wf#a', 12, 3, 'docker.io/acme/dst:1', { method: 'cosign-key', keyless: false, copiedFrom: parseImageRef('ghcr.io/acme/src:1'), seq: 3001 });
  const all = [signed, copy];
  const images = judgeImages({ pushes: [src, dst], signs: all, jobs: jobs(['wf#a', []]) });
  const d = images.find((i) => i.name === 'docker.io/acme/dst')!;
  assert.equal(d.signed, true);
  assert.deepEqual(d.methods, ['cosign-keyless']);
  assert.equal(d.byDigest, true);
  assert.equal(methodOf(copy, all), 'cosign-keyless');
  assert.equal(signsByDigest(copy, 'docker.io/acme/dst', all), true);
  assert.equal(signsByDigest(copy, 'docker.io/acme/dst'), false, 'without the source in view, the copy reference is by tag');
});

test('judging is linear in push/sign pairs: one judged pair per push path when each name has one signature', () => {
  for (const n of [500, 2000]) {
    const pushes: PushOp[] = [];
    const signs: SignOp[] = [];
    for (let i = 0; i < n; i++) {
      pushes.push(push('wf#a', 2 * i + 1, 2 * i + 1, `ghcr.io/acme/a${i}`));
      signs.push(sign('wf#a', 2 * i + 2, 2 * i + 2, `ghcr.io/acme/a${i}`));
    }
    const budget = new AnalysisBudget();
    const images = judgeImages({ pushes, signs, jobs: jobs(['wf#a', []]), budget });
    assert.equal(images.filter((i) => i.signed).length, n);
    assert.equal(budget.spent, n * PAIR_COST, `${n} pairs judged, not ${n}²`);
  }
});

test('a judge that runs out of budget stops, records where, and counts nothing it did not judge', () => {
  const pushes = [push('wf#a', 1, 1, 'ghcr.io/acme/a'), push('wf#a', 3, 3, 'ghcr.io/acme/b')];
  const signs = [sign('wf#a', 2, 2, 'ghcr.io/acme/a'), sign('wf#a', 4, 4, 'ghcr.io/acme/b')];
  // Room for one judged pair.
  const budget = new AnalysisBudget({ work: PAIR_COST, valueLength: 1 << 20, deadlineMs: 60_000 });
  const images = judgeImages({ pushes, signs, jobs: jobs(['wf#a', []]), budget });
  assert.deepEqual(images.map((i) => i.signed), [true, false]);
  assert.equal(budget.hits()[0]?.what, 'judging ghcr.io/acme/b');
});

test('many pushes of one name each signed in its own step are charged per pair and stop at the budget', () => {
  // The fuzz-found shape: n pushes and n signatures of one name, n² pairs (5,000 of each took 40 s at 1 unit a pair).
  const n = 400;
  const pushes: PushOp[] = [];
  const signs: SignOp[] = [];
  for (let i = 0; i < n; i++) {
    pushes.push(push('wf#a', 2 * i + 1, 2 * i + 1, 'ghcr.io/acme/a'));
    signs.push(sign('wf#a', 2 * i + 2, 2 * i + 2, 'ghcr.io/acme/a'));
  }
  const budget = new AnalysisBudget({ work: (n * n * PAIR_COST) / 4, valueLength: 1 << 20, deadlineMs: 60_000 });
  const [img] = judgeImages({ pushes, signs, jobs: jobs(['wf#a', []]), budget });
  assert.equal(budget.hits()[0]?.what, 'judging ghcr.io/acme/a');
  assert.equal(img!.signed, false, 'paths not judged are not signed');
});
