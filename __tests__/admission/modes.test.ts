import assert from 'node:assert/strict';
import { test } from 'node:test';
import { run, rules } from './helpers.js';

const modeOf = (r: ReturnType<typeof run>, name: string) => r.enforcement.find((e) => e.name === name)?.mode;

test('Kyverno: Enforce and legacy lowercase enforce are enforcing; the policy line is the verifyImages line', () => {
  const r = run('kyverno-key');
  assert.equal(modeOf(r, 'verify-app'), 'enforce');
  assert.equal(modeOf(r, 'verify-worker'), 'enforce');
  const app = r.enforcement.find((e) => e.name === 'verify-app')!;
  assert.equal(app.file, 'deploy/policies/verify-app.yaml');
  assert.equal(app.line, 18);
  assert.deepEqual(app.images, ['ghcr.io/acme/app:*']);
  assert.equal(app.counted, true);
});

test('Kyverno: per-entry failureAction wins over spec; absent validationFailureAction means Audit; IVP validationActions', () => {
  const r = run('kyverno-modes');
  assert.equal(modeOf(r, 'per-entry-wins'), 'enforce');
  assert.equal(modeOf(r, 'no-action-set'), 'audit');
  assert.equal(modeOf(r, 'ivpol-audit'), 'audit');
  assert.equal(modeOf(r, 'ivpol-deny'), 'enforce');
  assert.equal(r.enforcement.length, 4, 'the ConfigMap in the same file is not a policy');
  assert.ok(rules(r).includes('enforcement-advisory-only'));
});

test('Sigstore ClusterImagePolicy: default enforce, mode warn, static pass authority is advisory', () => {
  const r = run('sigstore');
  assert.equal(modeOf(r, 'acme-release'), 'enforce');
  assert.equal(modeOf(r, 'third-party-warn'), 'warn');
  assert.equal(modeOf(r, 'allow-internal'), 'warn');
  const advisory = r.findings.filter((f) => f.rule === 'enforcement-advisory-only').map((f) => f.message);
  assert.ok(advisory.some((m) => m.includes('static pass')));
  const release = r.enforcement.find((e) => e.name === 'acme-release')!;
  assert.equal(release.line, 3);
  assert.ok(release.notes?.some((n) => n.includes('namespaces opted in') && n.includes('apps')));
});

test('namespace-not-opted-in for a Namespace without the label while a CIP exists', () => {
  const r = run('sigstore');
  const ns = r.findings.filter((f) => f.rule === 'namespace-not-opted-in');
  assert.equal(ns.length, 1);
  assert.match(ns[0]!.message, /batch/);
  assert.equal(ns[0]!.location.file, 'cluster/namespaces/apps.yaml');
});

test('Portieris and OpenShift ClusterImagePolicy are told apart from Sigstore by apiVersion', () => {
  const r = run('portieris');
  assert.equal(r.enforcement.length, 1);
  assert.equal(r.enforcement[0]!.engine, 'portieris');
  assert.deepEqual(r.enforcement[0]!.images, ['ghcr.io/acme/*']);
});

test('Connaisseur: detectionMode true only warns; false enforces', () => {
  assert.equal(run('connaisseur-detect').enforcement[0]!.mode, 'warn');
  const enforce = run('connaisseur-enforce').enforcement[0]!;
  assert.equal(enforce.mode, 'enforce');
  assert.equal(enforce.engine, 'connaisseur');
  assert.deepEqual(enforce.images, ['ghcr.io/acme/*:*']);
});

test('Ratify via Gatekeeper: dryrun audits; deny enforces, and a fail-open webhook is its own warning', () => {
  const open = run('ratify');
  assert.equal(modeOf(open, 'ratify-dryrun'), 'audit');
  assert.equal(modeOf(open, 'ratify-constraint'), 'enforce');
  const failsOpen = open.findings.filter((f) => f.rule === 'webhook-fails-open');
  assert.equal(failsOpen.length, 1, 'only the deny constraint, not the dryrun one');
  assert.equal(failsOpen[0]!.severity, 'warning');
  assert.match(failsOpen[0]!.message, /ratify-constraint .*fails open unless its failurePolicy is Fail/);
  assert.ok(!open.findings.some((f) => f.rule === 'enforcement-advisory-only' && f.message.includes('ratify-constraint ')));
  const closed = run('ratify-failclosed');
  assert.equal(modeOf(closed, 'ratify-constraint'), 'enforce');
  assert.ok(!closed.findings.some((f) => f.rule === 'webhook-fails-open'));
});

test('a verifier webhook with failurePolicy Ignore makes its policies advisory', () => {
  const r = run('webhook-ignore');
  assert.equal(modeOf(r, 'verify-app'), 'warn');
  const f = r.findings.find((x) => x.rule === 'enforcement-advisory-only')!;
  assert.match(f.message, /failurePolicy: Ignore/);
});

test('Binary Authorization: DRYRUN_AUDIT_LOG_ONLY audits; Terraform ENFORCED_BLOCK_AND_AUDIT_LOG enforces', () => {
  const r = run('binauthz');
  const yaml = r.enforcement.find((e) => e.file === 'gcp/policy.yaml')!;
  assert.equal(yaml.mode, 'audit');
  const tf = r.enforcement.find((e) => e.file === 'terraform/binauthz.tf')!;
  assert.equal(tf.mode, 'enforce');
  assert.equal(tf.kind, 'google_binary_authorization_policy');
  assert.equal(tf.line, 1);
});

test('Kustomize overlay patch changes the mode; the base no longer counts on its own', () => {
  const r = run('kustomize');
  const counted = r.enforcement.filter((e) => e.counted);
  assert.equal(counted.length, 1);
  assert.equal(counted[0]!.mode, 'enforce');
  assert.ok(counted[0]!.notes?.some((n) => n.includes('overlays/prod/kustomization.yaml')));
  const base = r.enforcement.find((e) => e.counted === false)!;
  assert.equal(base.mode, 'audit');
});

test('Kubewarden verify-image-signatures: monitor mode audits', () => {
  const r = run('kubewarden');
  assert.equal(r.enforcement.length, 1);
  assert.equal(r.enforcement[0]!.mode, 'audit');
  assert.equal(r.enforcement[0]!.engine, 'kubewarden');
});

test('Helm template policy with mode and images from values.yaml is read without parse errors', () => {
  const r = run('helm-enabled');
  assert.equal(r.enforcement.length, 1);
  assert.equal(r.enforcement[0]!.mode, 'enforce');
  assert.deepEqual(r.enforcement[0]!.images, ['ghcr.io/acme/*']);
  assert.deepEqual(r.findings, []);
});

test('examples are listed but not counted; policy-paths makes them count', () => {
  const r = run('examples-only');
  assert.equal(r.enforcement.length, 3);
  assert.ok(r.enforcement.every((e) => e.counted === false));
  assert.ok(r.enforcement.every((e) => e.notCountedReason?.includes('examples/samples folder')));
  const rooted = run('nothing', [], { policyRoots: ['examples-only'] }).enforcement.filter((e) => e.file.includes('examples-only/'));
  assert.equal(rooted.length, 3);
  assert.ok(rooted.every((e) => e.counted === true && e.deployedBy?.startsWith('given with policy-paths')));
  assert.ok(rooted[0]!.file.endsWith('examples-only/examples/policies/release.yaml'));
});

test('must find nothing: CRD schema, Markdown code fence, test/ and e2e/ policies; a disabled Helm template is listed, not counted', () => {
  const r = run('nothing');
  assert.equal(r.enforcement.length, 1);
  const disabled = r.enforcement[0]!;
  assert.equal(disabled.file, 'charts/verifier/templates/policy.yaml');
  assert.equal(disabled.counted, false);
  assert.match(disabled.notCountedReason ?? '', /^disabled by default: \{\{ if \.Values\.verifyImages\.enabled \}\} \(charts\/verifier\/templates\/policy\.yaml:1\)/);
  assert.deepEqual(r.findings, []);
});

test('a malformed policy file is a parse-error finding, not a crash', () => {
  const r = run('broken');
  assert.deepEqual(rules(r), ['parse-error']);
  assert.equal(r.findings[0]!.location.file, 'policies/broken.yaml');
});

test('Gatekeeper webhook with failurePolicy: Ignore: the deny constraint still enforces and covers, with webhook-fails-open at the constraint', () => {
  const r = run('ratify-webhook-ignore');
  const c = r.enforcement.find((e) => e.name === 'ratify-constraint')!;
  assert.equal(c.mode, 'enforce');
  assert.equal(c.counted, true);
  assert.ok(c.notes?.some((n) => n.startsWith('fails open: ValidatingWebhookConfiguration gatekeeper-validating-webhook-configuration')));
  const f = r.findings.filter((x) => x.rule === 'webhook-fails-open');
  assert.equal(f.length, 1);
  assert.equal(f[0]!.location.file, 'gitops/constraints/verify.yaml');
  assert.match(f[0]!.message, /failurePolicy: Ignore \(gitops\/gatekeeper\/webhook\.yaml:8\)/);
  assert.deepEqual(f[0]!.related?.map((l) => l.line), [6]);
});
