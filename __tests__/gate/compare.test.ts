import assert from 'node:assert/strict';
import { test } from 'node:test';
import { changeSentence, compareReports, findingIdentity } from '../../src/gate/compare.js';
import { decideGate, defaultFailOn } from '../../src/gate/fail-on.js';
import { finalizeReport } from '../../src/engine/verdict.js';
import type { EnforcementReport, FindingReport, ImageReport, Report } from '../../src/model/report.js';
import { finding, image, report } from '../action/reports.js';

const W = '.github/workflows/release.yml';
const unsigned = (name: string, over: Partial<ImageReport> = {}): ImageReport => image(name, { signed: false, methods: [], byDigest: null, signatures: [], ...over });
const unsignedFinding = (name: string, over: Partial<FindingReport> = {}): FindingReport => finding('unsigned-image', { image: name, message: `${name} is pushed but never signed.`, ...over });
const policy = (over: Partial<EnforcementReport> = {}): EnforcementReport => ({ engine: 'kyverno', kind: 'ClusterPolicy', name: 'verify-images', mode: 'enforce', file: 'deploy/policy.yaml', line: 3, images: ['ghcr.io/acme/*'], covers: ['ghcr.io/acme/widget'], counted: true, ...over });
const tree = (over: Partial<Report>): Report => finalizeReport(report({ images: [], findings: [], enforcement: [], localBuilds: [], limits: [], ...over }));
const kinds = (base: Report, head: Report) => compareReports(base, head).worse.map((w) => w.kind);

test('the same report twice changes nothing, whatever its verdict', () => {
  const r = report();
  const c = compareReports(r, r);
  assert.deepEqual(c.worse, []);
  assert.deepEqual(c.other, []);
  assert.equal(c.enforcement, 'unchanged');
});

test('findings are matched without their line: moved lines are not new', () => {
  const base = tree({ images: [unsigned('ghcr.io/acme/a')], findings: [unsignedFinding('ghcr.io/acme/a', { line: 10 }), finding('signing-key-not-secret', { image: 'ghcr.io/acme/a', line: 12 })] });
  const head = tree({ images: [unsigned('ghcr.io/acme/a', { pushes: [{ file: W, line: 40 }] })], findings: [unsignedFinding('ghcr.io/acme/a', { line: 40 }), finding('signing-key-not-secret', { image: 'ghcr.io/acme/a', line: 52 })] });
  assert.deepEqual(kinds(base, head), []);
  // The identity is rule, image and file; repository-level findings by rule; image-level ones by rule and image.
  assert.equal(findingIdentity({ rule: 'signing-key-not-secret', image: 'x', file: 'a.yml' }), findingIdentity({ rule: 'signing-key-not-secret', image: 'x', file: 'a.yml' }));
  assert.notEqual(findingIdentity({ rule: 'signing-key-not-secret', image: 'x', file: 'a.yml' }), findingIdentity({ rule: 'signing-key-not-secret', image: 'x', file: 'b.yml' }));
  assert.equal(findingIdentity({ rule: 'no-admission-enforcement', image: 'a', file: 'a.yml' }), findingIdentity({ rule: 'no-admission-enforcement', image: 'b', file: 'b.yml' }));
  assert.equal(findingIdentity({ rule: 'image-not-covered', image: 'a', file: 'a.yml' }), findingIdentity({ rule: 'image-not-covered', image: 'a', file: 'b.yml' }));
});

test('a new image pushed unsigned, a lost signature and a new unsigned path are worse; an image already unsigned there is not', () => {
  const signed = tree({ images: [image('ghcr.io/acme/widget')] });
  const added = tree({ images: [image('ghcr.io/acme/widget'), unsigned('ghcr.io/acme/worker', { pushes: [{ file: W, line: 41 }] })], findings: [unsignedFinding('ghcr.io/acme/worker', { line: 41 })] });
  const c = compareReports(signed, added);
  assert.deepEqual(c.worse.map((w) => [w.kind, w.image, w.file, w.line]), [['new-unsigned-image', 'ghcr.io/acme/worker', W, 41]]);
  assert.equal(changeSentence({ status: 'compared', ...c }), `adds ghcr.io/acme/worker, pushed unsigned at ${W}:41; enforcement unchanged`);

  const lost = tree({ images: [unsigned('ghcr.io/acme/widget')], findings: [unsignedFinding('ghcr.io/acme/widget')] });
  assert.deepEqual(kinds(signed, lost), ['signature-lost']);

  // Signed in release.yml; now also pushed unsigned from nightly.yml.
  const partial = tree({
    images: [image('ghcr.io/acme/widget', { signed: false, pushes: [{ file: W, line: 42 }, { file: '.github/workflows/nightly.yml', line: 9 }] })],
    findings: [finding('partially-signed-image', { image: 'ghcr.io/acme/widget', file: '.github/workflows/nightly.yml', line: 9, related: [{ file: W, line: 50, message: 'signed on another path here' }] })],
  });
  assert.deepEqual(kinds(signed, partial), ['new-unsigned-path']);
  assert.deepEqual(kinds(partial, partial), []);
  // Unsigned in the base, still unsigned: old debt, not new.
  assert.deepEqual(kinds(lost, lost), []);
  // Unsigned before, pushed unsigned from one more workflow now: a new unsigned path.
  const twice = tree({ images: [unsigned('ghcr.io/acme/widget', { pushes: [{ file: W, line: 42 }, { file: '.github/workflows/nightly.yml', line: 9 }] })], findings: [unsignedFinding('ghcr.io/acme/widget')] });
  assert.deepEqual(kinds(lost, twice), ['new-unsigned-path']);
});

test('signing moved from the digest to a tag is worse; a new image signed by tag is not', () => {
  const byDigest = tree({ images: [image('ghcr.io/acme/widget')] });
  const byTag = tree({ images: [image('ghcr.io/acme/widget', { byDigest: false })], findings: [finding('signed-by-tag', { severity: 'warning', image: 'ghcr.io/acme/widget' })] });
  assert.deepEqual(kinds(byDigest, byTag), ['signed-by-tag']);
  assert.deepEqual(kinds(tree({}), byTag), []);
  const accepted = tree({ images: [image('ghcr.io/acme/widget', { byDigest: false })], findings: [finding('signed-by-tag', { severity: 'warning', image: 'ghcr.io/acme/widget', suppressed: { reason: 'r', source: 'config' } })] });
  assert.deepEqual(kinds(byDigest, accepted), [], 'suppressed with a reason: accepted');
});

test('enforcement lost or weakened is worse; only when enforcement is required', () => {
  const enforced = tree({ images: [image('ghcr.io/acme/widget', { coveredBy: ['kyverno ClusterPolicy/verify-images (deploy/policy.yaml:3)'] })], enforcement: [policy()] });
  const audit = tree({ images: [image('ghcr.io/acme/widget')], enforcement: [policy({ mode: 'audit', covers: [] })] });
  const gone = tree({ images: [image('ghcr.io/acme/widget')], enforcement: [] });
  const uncounted = tree({ images: [image('ghcr.io/acme/widget')], enforcement: [policy({ counted: false, notCountedReason: 'nothing deploys it', file: 'examples/policy.yaml' })] });
  assert.deepEqual(kinds(enforced, audit), ['enforcement-weakened']);
  assert.deepEqual(kinds(enforced, gone), ['enforcement-lost']);
  const c = compareReports(enforced, uncounted);
  assert.equal(c.enforcement, 'weakened');
  assert.match(c.worse[0]!.message, /^kyverno ClusterPolicy\/verify-images no longer counts as enforcement: nothing deploys it \(examples\/policy\.yaml:3\)$/);
  // A moved policy (same engine, kind, name) is the same policy.
  assert.deepEqual(kinds(enforced, tree({ images: enforced.images, enforcement: [policy({ file: 'k8s/policies/verify.yaml', line: 9 })] })), []);
  assert.deepEqual(compareReports(enforced, gone, { requireEnforcement: false }).worse, []);
  // Adding a policy is a change, not a regression.
  const added = compareReports(gone, enforced);
  assert.deepEqual(added.worse, []);
  assert.equal(added.enforcement, 'changed');
  assert.match(added.other.map((o) => o.message).join('\n'), /adds kyverno ClusterPolicy\/verify-images in enforce mode \(deploy\/policy\.yaml:3\)/);
});

test('any other new open error finding is worse, counted with multiplicity; warnings and suppressed ones are not', () => {
  const base = tree({ images: [image('ghcr.io/acme/widget')], findings: [finding('policy-trust-mismatch', { image: 'ghcr.io/acme/widget', file: 'deploy/policy.yaml' })] });
  const twice = tree({ images: base.images, findings: [...base.findings, finding('policy-trust-mismatch', { image: 'ghcr.io/acme/widget', file: 'deploy/policy.yaml', line: 80 })] });
  assert.deepEqual(kinds(base, twice), ['new-error']);
  const warning = tree({ images: base.images, findings: [...base.findings, finding('unresolved-push', { severity: 'warning' })] });
  assert.deepEqual(kinds(base, warning), []);
  const keyFromVariable = tree({ images: base.images, findings: [...base.findings, finding('signing-key-not-secret', { image: 'ghcr.io/acme/widget', suppressed: { reason: 'test key', source: 'inline' } })] });
  assert.deepEqual(kinds(base, keyFromVariable), []);
  // A problem the base accepted and the head no longer does is new: the verdict fails because of this change.
  const acceptedBefore = tree({ images: base.images, findings: [finding('signing-key-not-secret', { image: 'ghcr.io/acme/widget', suppressed: { reason: 'r', source: 'config' } })] });
  const notAnyMore = tree({ images: base.images, findings: [finding('signing-key-not-secret', { image: 'ghcr.io/acme/widget' })] });
  assert.deepEqual(kinds(acceptedBefore, notAnyMore), ['new-error']);
  // Resolved findings are reported as such.
  assert.match(compareReports(twice, base).other.map((o) => o.message).join('\n'), /resolves 1 error finding/);
});

test('the gate: new fails only on what is worse; it falls back to the verdict when no base was compared, and says why', () => {
  const head = tree({ images: [unsigned('ghcr.io/acme/old')], findings: [unsignedFinding('ghcr.io/acme/old')] });
  assert.equal(head.verdict, 'fail');
  const same = decideGate({ ...head, change: { status: 'compared', base: 'a'.repeat(40), source: 'git', ...compareReports(head, head) } }, 'new');
  assert.equal(same.fail, false);
  assert.equal(same.newFindings, 0);
  const worse = { ...head, change: { status: 'compared' as const, base: 'a'.repeat(40), source: 'git' as const, ...compareReports(tree({}), head) } };
  const failed = decideGate(worse, 'new');
  assert.equal(failed.fail, true);
  assert.match(failed.reason, /^1 thing is worse than the base commit aaaaaaaaaaaa: adds ghcr\.io\/acme\/old/);
  const fallback = decideGate({ ...head, change: { status: 'unavailable', reason: 'base commit abc is not in the checkout', worse: [], other: [] } }, 'new');
  assert.equal(fallback.fail, true);
  assert.equal(fallback.effective, 'fail');
  assert.equal(fallback.fallback, 'base commit abc is not in the checkout');
  assert.equal(fallback.newFindings, undefined);
  assert.equal(decideGate(head, 'new').fallback, 'no base commit was given');
  assert.equal(decideGate(tree({ images: [image('ghcr.io/acme/a')] }), 'new').fail, false, 'no base, verdict not fail: passes');
  assert.equal(decideGate(head, 'never').fail, false);
  assert.deepEqual(['pull_request', 'pull_request_target', 'merge_group', 'push', 'schedule', undefined].map(defaultFailOn), ['new', 'new', 'new', 'fail', 'fail', 'fail']);
});

test('what the gate fails on is listed errors first, then by image', () => {
  const r = tree({
    images: [unsigned('ghcr.io/acme/b'), unsigned('ghcr.io/acme/a')],
    findings: [finding('signed-by-tag', { severity: 'warning', image: 'ghcr.io/acme/a' }), unsignedFinding('ghcr.io/acme/b'), finding('no-admission-enforcement'), unsignedFinding('ghcr.io/acme/a')],
  });
  const d = decideGate(r, 'warning');
  assert.deepEqual(d.gating.map((g) => [g.severity, g.image ?? '', g.rule]), [
    ['error', 'ghcr.io/acme/a', 'unsigned-image'],
    ['error', 'ghcr.io/acme/b', 'unsigned-image'],
    ['error', '', 'no-admission-enforcement'],
    ['warning', 'ghcr.io/acme/a', 'signed-by-tag'],
  ]);
});

test('a suppressed unsigned image passes the verdict and is still counted unsigned in the sentence', () => {
  const r = tree({ images: [image('ghcr.io/acme/a'), unsigned('ghcr.io/acme/scratch')], findings: [unsignedFinding('ghcr.io/acme/scratch', { suppressed: { reason: 'load test', source: 'inline' } })] });
  assert.equal(r.verdict, 'pass');
  assert.equal(r.sentence, '1 of 2 images are signed (1 unsigned, suppressed); verification enforced via none found.');
  assert.equal(decideGate(r, 'fail').fail, false);
  assert.equal(decideGate(r, 'warning').fail, false);
  // Suppressing one of two findings about the image is not enough, and an image with no finding is never accepted.
  const half = tree({ images: [unsigned('ghcr.io/acme/scratch')], findings: [unsignedFinding('ghcr.io/acme/scratch', { suppressed: { reason: 'r', source: 'inline' } }), finding('partially-signed-image', { image: 'ghcr.io/acme/scratch' })] });
  assert.equal(half.verdict, 'fail');
  assert.equal(tree({ images: [unsigned('ghcr.io/acme/x')] }).verdict, 'fail');
});
