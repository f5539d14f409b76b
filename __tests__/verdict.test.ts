import assert from 'node:assert/strict';
import { test } from 'node:test';
import { composeSentence, computeVerdict } from '../src/engine/verdict.js';
import type { ImageReport } from '../src/model/report.js';

const image = (name: string, signed: boolean): ImageReport => ({ name, signed, methods: signed ? ['cosign-keyless'] : [], byDigest: signed ? true : null, confidence: 'high', pushes: [{ file: 'w.yml', line: 1 }], signatures: [] });

test('verdict is not-applicable when nothing is pushed', () => {
  assert.equal(computeVerdict({ images: [], findings: [] }), 'not-applicable');
});

test('verdict fails when an image is unsigned, passes when all are signed and nothing blocks', () => {
  assert.equal(computeVerdict({ images: [image('ghcr.io/a/b', true), image('docker.io/a/b', false)], findings: [] }), 'fail');
  assert.equal(computeVerdict({ images: [image('ghcr.io/a/b', true)], findings: [] }), 'pass');
});

test('an unsuppressed blocking finding fails the verdict; a suppressed one does not', () => {
  const f = { rule: 'no-admission-enforcement', severity: 'error' as const, message: 'm', file: 'x', line: 1 };
  assert.equal(computeVerdict({ images: [image('ghcr.io/a/b', true)], findings: [f] }), 'fail');
  assert.equal(computeVerdict({ images: [image('ghcr.io/a/b', true)], findings: [{ ...f, suppressed: { reason: 'r', source: 'config' } }] }), 'pass');
});

test('sentence counts signed images and names the enforcement', () => {
  assert.equal(composeSentence([image('a', true), image('b', false)], []), '1 of 2 images are signed; verification enforced via none found.');
  assert.equal(
    composeSentence([image('a', true)], [{ engine: 'kyverno', kind: 'ClusterPolicy', name: 'verify', mode: 'enforce', file: 'p.yaml', line: 3, images: ['*'], covers: ['a'] }]),
    '1 of 1 image is signed; verification enforced via kyverno ClusterPolicy/verify (p.yaml:3).',
  );
});

test('an input-bound-exceeded error fails the verdict even when no image is found; suppressed, it does not', () => {
  const f = { rule: 'input-bound-exceeded', severity: 'error' as const, message: 'scripts/release.sh was not read', file: 'scripts/release.sh', line: 1 };
  assert.equal(computeVerdict({ images: [], findings: [f] }), 'fail');
  assert.equal(computeVerdict({ images: [], findings: [{ ...f, suppressed: { reason: 'generated data, no pushes', source: 'config' } }] }), 'not-applicable');
  assert.equal(computeVerdict({ images: [image('ghcr.io/a/b', true)], findings: [f] }), 'fail');
});

test('an analysis-budget-exceeded error fails the verdict like an input bound: what was not analysed may be the push', () => {
  const f = { rule: 'analysis-budget-exceeded', severity: 'error' as const, message: 'Make expansion work bound hit at Makefile:43', file: 'Makefile', line: 43 };
  assert.equal(computeVerdict({ images: [], findings: [f] }), 'fail');
  assert.equal(computeVerdict({ images: [image('ghcr.io/a/b', true)], findings: [f] }), 'fail');
  assert.equal(computeVerdict({ images: [], findings: [{ ...f, suppressed: { reason: 'a generated makefile, no pushes', source: 'config' } }] }), 'not-applicable');
});

test('a push whose name is computed at run time is not "nothing pushed": the verdict fails unless it is suppressed', () => {
  const f = { rule: 'unresolved-push', severity: 'warning' as const, message: 'm', file: 'x', line: 1 };
  assert.equal(computeVerdict({ images: [], findings: [f] }), 'fail');
  assert.equal(computeVerdict({ images: [], findings: [{ ...f, suppressed: { reason: 'a throwaway test image', source: 'config' } }] }), 'not-applicable');
  assert.equal(composeSentence([], [], 0, 1), '0 of 0 images are signed (1 more push of a name computed at run time, not judged); verification enforced via none found.');
});
