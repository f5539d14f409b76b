import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../src/engine/analyze.js';
import type { Report } from '../../src/model/report.js';
import { loadShellParser } from '../../src/shell/index.js';
import { assertGolden, FIXTURES } from '../helpers/golden.js';
import { summarize } from '../helpers/summary.js';

/**
 * Google Cloud Build fixture trees (one folder each in fixtures/cloudbuild, each build config citing the Cloud Build
 * page it follows), compared with golden/cloudbuild/<folder>.json: the workflow fixtures' summary plus the CI system
 * of every push and signature. The assertions below pin what each shape is about.
 */
const DIR = join(FIXTURES, 'cloudbuild');

function summary(report: Report): unknown {
  return {
    ...(summarize(report) as object),
    ci: report.images.map((i) => `${i.name}: ${[...i.pushes.map((p) => `push ${p.ci}`), ...i.signatures.map((s) => `sign ${s.ci}`)].join(', ')}`),
  };
}

const reports = new Map<string, Report>();

async function reportOf(name: string): Promise<Report> {
  let r = reports.get(name);
  if (!r) {
    r = await analyze({ root: join(DIR, name), repository: 'acme/app' });
    reports.set(name, r);
  }
  return r;
}

function image(r: Report, name: string) {
  const img = r.images.find((i) => i.name === name);
  assert.ok(img, `${name} is among the images: ${r.images.map((i) => i.name).join(', ')}`);
  return img;
}

const rules = (r: Report) => r.findings.map((f) => `${f.rule} ${f.image ?? ''}`.trim());

describe('Cloud Build fixtures', () => {
  before(loadShellParser);
  for (const name of readdirSync(DIR).sort()) {
    test(`golden: ${name}`, async () => {
      assertGolden(`cloudbuild/${name}.json`, JSON.stringify(summary(await reportOf(name)), null, 2) + '\n');
    });
  }

  test('docker builder push, then cosign signing the digest read back from /workspace: signed by digest, KMS key', async () => {
    const r = await reportOf('docker-cosign-digest');
    const img = image(r, 'us-docker.pkg.dev/$PROJECT_ID/apps/api');
    assert.equal(img.signed, true);
    assert.equal(img.byDigest, true);
    assert.deepEqual(img.methods, ['cosign-kms']);
    assert.deepEqual(img.pushes.map((p) => `${p.file}:${p.line} ${p.ci}`), ['cloudbuild.yaml:10 cloud-build']);
    assert.deepEqual(img.signatures.map((s) => `${s.file}:${s.line} ${s.ci}`), ['cloudbuild.yaml:26 cloud-build']);
    assert.equal(r.images.length, 1, 'the unknown $PROJECT_ID stays as written, one image');
  });

  test('kaniko --digest-file, a sign step waiting for it by id, a config outside the root: signed by digest with a secret key', async () => {
    const r = await reportOf('kaniko-digest');
    const img = image(r, 'europe-docker.pkg.dev/acme-prod/release/worker');
    assert.equal(img.signed, true);
    assert.equal(img.byDigest, true);
    assert.deepEqual(img.pushes.map((p) => p.file), ['deploy/cloudbuild-release.yaml']);
    assert.ok(!rules(r).some((x) => x.startsWith('signing-key-not-secret')), rules(r).join('; '));
  });

  test('images: only: pushed after every step, so the in-build cosign step runs before the push and counts for nothing', async () => {
    const r = await reportOf('images-only');
    const img = image(r, 'gcr.io/$PROJECT_ID/frontend');
    assert.equal(img.signed, false);
    const unsigned = r.findings.find((f) => f.rule === 'unsigned-image');
    assert.ok(unsigned);
    assert.match(unsigned.message, /runs before the push/);
    assert.deepEqual(img.pushes.map((p) => p.line), [11, 12]);
  });

  test('bash -c script with $$ escapes and a user substitution: the script pushes and signs by digest', async () => {
    const r = await reportOf('bash-script');
    const img = image(r, 'europe-west1-docker.pkg.dev/acme-prod/apps/web');
    assert.equal(img.signed, true);
    assert.equal(img.byDigest, true);
    assert.deepEqual(img.methods, ['cosign-key']);
    assert.deepEqual(img.pushes.map((p) => p.line), [19], 'the script line of the push');
    assert.ok(!rules(r).some((x) => x.startsWith('signing-key-not-secret')), 'secretEnv keys are secrets');
  });

  test('requestedVerifyOption: VERIFIED is signed provenance (an attestation by digest) for images: in Artifact Registry only', async () => {
    const r = await reportOf('verified');
    const ar = image(r, 'us-central1-docker.pkg.dev/$PROJECT_ID/services/checkout');
    assert.equal(ar.signed, true);
    assert.deepEqual(ar.methods, ['attestation']);
    assert.equal(ar.byDigest, true);
    assert.ok(rules(r).includes('attestation-only us-central1-docker.pkg.dev/$PROJECT_ID/services/checkout'));
    const hub = image(r, 'docker.io/acme/checkout');
    assert.equal(hub.signed, false);
    assert.ok(hub.notes?.some((n) => /not Artifact Registry/.test(n)), JSON.stringify(hub.notes));
  });

  test('VERIFIED without attestations accepted (strict methods) leaves the image unsigned', async () => {
    const r = await analyze({ root: join(DIR, 'verified'), repository: 'acme/app', acceptMethods: ['cosign-keyless', 'cosign-key', 'cosign-kms', 'notation'] });
    assert.equal(image(r, 'us-central1-docker.pkg.dev/$PROJECT_ID/services/checkout').signed, false);
  });

  test('must find nothing: a plain build, kaniko --no-push, a push to localhost, a deploy and a git push', async () => {
    const r = await reportOf('nothing-pushed');
    assert.equal(r.verdict, 'not-applicable');
    assert.deepEqual(r.images, []);
    assert.deepEqual(r.findings, []);
    assert.equal(r.localBuilds.length, 3, r.localBuilds.map((b) => b.name).join(', '));
  });

  test('a malformed build config is a parse error whose pushes count as not inspected: fail, not nothing pushed', async () => {
    const r = await reportOf('malformed');
    assert.equal(r.verdict, 'fail');
    const parse = r.findings.find((f) => f.rule === 'parse-error');
    assert.ok(parse);
    assert.match(parse.message, /Cloud Build config cloudbuild\.yaml is not valid YAML/);
    assert.ok(r.images.length >= 2 && r.images.every((i) => i.name.startsWith('(not inspected) ') && i.confidence === 'low'), r.images.map((i) => i.name).join(', '));
  });

  test('files named like build configs that are not build configs yield nothing', async () => {
    const r = await reportOf('not-a-build-config');
    assert.equal(r.verdict, 'not-applicable');
    assert.deepEqual(r.findings, []);
    assert.equal(r.stats.workflows, 0);
  });

  test('allowFailure and waitFor: [-] leave the push unsigned, each with its reason', async () => {
    const r = await reportOf('allow-failure-concurrent');
    assert.equal(image(r, 'gcr.io/$PROJECT_ID/api').signed, false);
    assert.equal(image(r, 'gcr.io/$PROJECT_ID/web').signed, false);
    const related = (img: string) => JSON.stringify(r.findings.find((f) => f.rule === 'unsigned-image' && f.image === img)?.related ?? []);
    assert.match(related('gcr.io/$PROJECT_ID/api'), /may fail without failing the run/);
    assert.match(related('gcr.io/$PROJECT_ID/web'), /does not wait for the push/);
  });

  test("keyless signing in Cloud Build is the build's service account (issuer accounts.google.com): a policy for it covers, one for GitHub's issuer does not", async () => {
    const r = await reportOf('keyless-policy');
    const api = image(r, 'europe-docker.pkg.dev/acme-prod/release/api');
    const web = image(r, 'europe-docker.pkg.dev/acme-prod/release/web');
    assert.equal(api.signed && web.signed, true);
    assert.deepEqual(api.methods, ['cosign-keyless']);
    assert.equal(api.coveredBy?.length, 1, 'issuer and serviceAccount: match the policy');
    assert.equal(web.coveredBy, undefined);
    const mismatch = r.findings.find((f) => f.rule === 'policy-trust-mismatch');
    assert.ok(mismatch);
    assert.match(mismatch.message, /accounts\.google\.com/);
    assert.ok(!rules(r).some((x) => x.startsWith('keyless-without-id-token')));
  });

  test('script: with automapSubstitutions (JSON config): substitutions are environment variables; crane digest traces the push', async () => {
    const r = await reportOf('script-automap');
    const img = image(r, 'us-east1-docker.pkg.dev/acme-prod/apps/jobs');
    assert.equal(img.signed, true);
    assert.equal(img.byDigest, true);
    assert.ok(r.limits.some((l) => /python3, not a shell/.test(l)), r.limits.join('; '));
  });
});
