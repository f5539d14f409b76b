import assert from 'node:assert/strict';
import { test } from 'node:test';
import { image, keyed, keyless, run, rules } from './helpers.js';

const repository = 'acme/app';

test('key compared as key: a re-wrapped PEM of the committed cosign.pub covers the image', () => {
  const r = run('kyverno-key', [image('ghcr.io/acme/app', [keyed('cosign.key')])], { repository });
  assert.deepEqual(r.coverage.get('ghcr.io/acme/app'), ['kyverno ClusterPolicy/verify-app (deploy/policies/verify-app.yaml:18)']);
  assert.deepEqual(r.enforcement.find((e) => e.name === 'verify-app')!.covers, ['ghcr.io/acme/app']);
  assert.deepEqual(rules(r), []);
});

test('key mismatch: the policy key is not the committed key CI signs with', () => {
  const r = run('kyverno-key', [image('ghcr.io/acme/worker', [keyed('cosign.key')])], { repository });
  assert.deepEqual(rules(r), ['policy-trust-mismatch']);
  const f = r.findings[0]!;
  assert.equal(f.location.file, 'deploy/policies/verify-worker.yaml');
  assert.match(f.message, /not the key CI signs with \(cosign\.pub\)/);
  assert.ok(f.related.some((l) => l.file === '.github/workflows/release.yml' && l.line === 41));
  assert.equal(r.coverage.get('ghcr.io/acme/worker'), undefined);
});

test('a key policy against keyless signing is a mismatch', () => {
  const r = run('kyverno-key', [image('ghcr.io/acme/app', [keyless()])], { repository });
  assert.deepEqual(rules(r), ['policy-trust-mismatch']);
  assert.match(r.findings[0]!.message, /CI signs keyless/);
});

test('image-not-covered when no enforcing pattern matches; Kyverno * crosses path segments', () => {
  const r = run('kyverno-key', [image('docker.io/acme/app', [keyed('cosign.key')])], { repository });
  assert.deepEqual(rules(r), ['image-not-covered']);
  assert.equal(r.findings[0]!.severity, 'error');
  const lenient = run('kyverno-key', [image('docker.io/acme/app', [keyed('cosign.key')])], { repository, requireEnforcement: false });
  assert.equal(lenient.findings[0]!.severity, 'note');
});

test('keyless identity: the release workflow on main matches; another workflow does not', () => {
  const ok = run('sigstore', [image('ghcr.io/acme/app', [keyless()])], { repository });
  assert.deepEqual(ok.coverage.get('ghcr.io/acme/app'), ['sigstore-policy-controller ClusterImagePolicy/acme-release (cluster/policies/release.yaml:3)']);
  const other = run('sigstore', [image('ghcr.io/acme/app', [keyless({ identity: { workflowPath: '.github/workflows/nightly.yml', refs: ['refs/heads/main'] } })])], { repository });
  const mismatch = other.findings.filter((f) => f.rule === 'policy-trust-mismatch');
  assert.equal(mismatch.length, 1);
  assert.match(mismatch[0]!.message, /nightly\.yml@refs\/heads\/main/);
  const forked = run('sigstore', [image('ghcr.io/acme/app', [keyless()])], { repository: 'someone/fork' });
  assert.equal(forked.findings.filter((f) => f.rule === 'policy-trust-mismatch').length, 1);
});

test('Sigstore glob: * stays within one path segment', () => {
  const r = run('sigstore', [image('ghcr.io/acme/team/app', [keyless()])], { repository });
  assert.ok(rules(r).includes('image-not-covered'));
});

test('signature format: policy-controller expects legacy, cosign 3 writes only bundles', () => {
  const bundleOnly = run('sigstore', [image('ghcr.io/acme/app', [keyless({ format: 'bundle' })])], { repository });
  const f = bundleOnly.findings.find((x) => x.rule === 'policy-trust-mismatch')!;
  assert.match(f.message, /legacy signature storage/);
  const both = run('sigstore', [image('ghcr.io/acme/app', [keyless({ format: 'both' })])], { repository });
  assert.equal(both.findings.filter((x) => x.rule === 'policy-trust-mismatch').length, 0);
});

test('signature vs attestation: a signature policy does not admit an attestation-only image', () => {
  const att = keyless({ method: 'attestation', attestation: true, format: 'bundle' });
  const r = run('sigstore', [image('ghcr.io/acme/app', [att])], { repository });
  const f = r.findings.find((x) => x.rule === 'policy-trust-mismatch')!;
  assert.match(f.message, /only makes an attestation/);
});

test('Kyverno keyless subject wildcard over trigger refs; per-entry Enforce covers', () => {
  const ev = keyless({ identity: { workflowPath: '.github/workflows/release.yml', refs: ['refs/tags/v1.2.0'] } });
  const r = run('kyverno-modes', [image('ghcr.io/acme/app', [ev])], { repository });
  assert.ok(r.coverage.get('ghcr.io/acme/app')?.some((c) => c.includes('per-entry-wins')));
});

test('IVP subjectRegExp against the CI identity', () => {
  const r = run('kyverno-modes', [image('quay.io/acme/app', [keyless()])], { repository });
  assert.ok(r.coverage.get('quay.io/acme/app')?.some((c) => c.includes('ivpol-deny')));
  const wrong = run('kyverno-modes', [image('quay.io/acme/app', [keyless()])], { repository: 'acme/other' });
  assert.ok(wrong.findings.some((f) => f.rule === 'policy-trust-mismatch' && f.message.includes('subjectRegExp')));
});

test('Connaisseur: the most specific rule decides; a static validator verifies nothing', () => {
  const r = run('connaisseur-enforce', [image('ghcr.io/acme/app', [keyless()]), image('docker.io/library/redis', [keyless()])], { repository });
  assert.ok(r.coverage.get('ghcr.io/acme/app'));
  assert.equal(r.coverage.get('docker.io/library/redis'), undefined);
  assert.deepEqual(r.findings.map((f) => `${f.rule}:${f.image}`), ['image-not-covered:docker.io/library/redis']);
});

test('Binary Authorization: exempt pattern leaves the image uncovered; trust is noted, not compared', () => {
  const r = run('binauthz', [image('gcr.io/acme-prod/app', [keyless()]), image('gcr.io/acme-prod/tools/lint', [keyless()])], { repository });
  assert.ok(r.coverage.get('gcr.io/acme-prod/app'));
  assert.equal(r.coverage.get('gcr.io/acme-prod/tools/lint'), undefined);
  const tf = r.enforcement.find((e) => e.file === 'terraform/binauthz.tf')!;
  assert.ok(tf.notes?.some((n) => n.includes('not checked')));
});

test('Kubewarden githubActions owner against the repository', () => {
  const r = run('kubewarden', [image('ghcr.io/acme/app', [keyless()])], { repository, requireEnforcement: true });
  // monitor mode: advisory, so the image is not covered by an enforcing policy.
  assert.ok(rules(r).includes('image-not-covered'));
});

test('no policy at all: one no-admission-enforcement; nothing when no image is pushed', () => {
  const r = run('nothing', [image('ghcr.io/acme/app', [keyless()])], { repository });
  assert.deepEqual(rules(r), ['no-admission-enforcement']);
  assert.equal(r.findings[0]!.location.file, '.github/workflows/release.yml');
  assert.deepEqual(rules(run('nothing', [], { repository })), []);
});

test('an unsigned image matched by an enforcing policy counts as covered by pattern (the policy would block it)', () => {
  const r = run('kyverno-key', [image('ghcr.io/acme/app', [])], { repository });
  assert.deepEqual(rules(r), []);
  assert.ok(r.coverage.get('ghcr.io/acme/app'));
});
