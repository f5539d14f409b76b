import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { builderEntrypoint, execLine, stepCommand } from '../../src/ci/cloudbuild/builders.js';
import { isBuildConfigPath } from '../../src/ci/cloudbuild/config.js';
import { readCloudBuild } from '../../src/ci/cloudbuild/reader.js';
import { buildSubstitutions, substitute, substitutionKeys } from '../../src/ci/cloudbuild/substitutions.js';
import type { RepoReader } from '../../src/discover/repo.js';
import type { PushOp, SignOp } from '../../src/model/pipeline.js';
import { loadShellParser } from '../../src/shell/index.js';
import { AnalysisBudget } from '../../src/util/budget.js';
import { evaluateIdentity } from '../../src/admission/trust.js';
import type { SignatureEvidence } from '../../src/model/analysis.js';

before(loadShellParser);

function tree(files: Record<string, string>): RepoReader {
  return {
    root: '<memory>',
    files: Object.keys(files).map((path) => ({ path, size: files[path]!.length })),
    limits: [],
    has: (p: string) => p in files,
    read: (p: string) => (p in files ? { ok: true as const, text: files[p]! } : { ok: false as const, reason: 'no such file' }),
  };
}

function read(files: Record<string, string>, budget?: AnalysisBudget) {
  return readCloudBuild({ repo: tree(files), ephemeralRegistries: [], ...(budget ? { budget } : {}) });
}

const pushesOf = (r: ReturnType<typeof read>) => r.operations.filter((o): o is PushOp => o.kind === 'push');
const signsOf = (r: ReturnType<typeof read>) => r.operations.filter((o): o is SignOp => o.kind === 'sign');

test('substitutions: user defaults are known, built-ins and undefined keys stay as written, $$ is a dollar', () => {
  const subs = buildSubstitutions([
    ['_REPO', 'gcr.io/acme'],
    ['_IMAGE', '${_REPO}/app'],
    ['_SELF', 'x-$_SELF'],
  ]);
  assert.equal(substitute('$_IMAGE:$SHORT_SHA', subs), 'gcr.io/acme/app:$SHORT_SHA');
  assert.equal(substitute('${_IMAGE}:${TAG_NAME}', subs), 'gcr.io/acme/app:$TAG_NAME', 'one spelling for one unknown');
  assert.equal(substitute('$_UNSET/$PROJECT_ID', subs), '$_UNSET/$PROJECT_ID', 'a key without a default is set by the trigger: unknown');
  assert.equal(substitute('echo $$HOME $$(date)', subs), 'echo $HOME $(date)');
  assert.equal(substitute('$SHORT_SHAabc', subs), '${SHORT_SHA}abc', 'Cloud Build reads the key up to the first non-key character; kept so a shell reads the same name');
  assert.equal(substitute('$lowercase ${x} $1', subs), '$lowercase ${x} $1', 'not keys: left alone');
  assert.equal(substitute('$_SELF', subs), 'x-$_SELF', 'a value naming itself is not expanded forever');
  assert.deepEqual(substitutionKeys('a $A ${B} $$C $A'), ['A', 'B']);
  const big = buildSubstitutions([['_X', 'x'.repeat(60_000)]]);
  assert.match(substitute('$_X'.repeat(100), big), /^\$\(substituted text over \d+ characters\)$/, 'a value repeated past the bound is unknown, not cut');
});

test('builders: the image decides the entrypoint unless entrypoint: is set; bash -c is a shell with its script', () => {
  assert.equal(builderEntrypoint('gcr.io/cloud-builders/docker:24.0.9'), 'docker');
  assert.equal(builderEntrypoint('gcr.io/cloud-builders/gcloud'), 'gcloud');
  assert.equal(builderEntrypoint('gcr.io/kaniko-project/executor:debug'), '/kaniko/executor');
  assert.equal(builderEntrypoint('ghcr.io/sigstore/cosign/cosign:v2.4.1@sha256:0123'), 'cosign');
  assert.equal(builderEntrypoint('gcr.io/projectsigstore/cosign'), 'cosign');
  assert.equal(builderEntrypoint('ghcr.io/goreleaser/goreleaser-cross:v1.22'), 'goreleaser');
  assert.equal(builderEntrypoint('gcr.io/$PROJECT_ID/custom'), undefined);
  assert.deepEqual(stepCommand('gcr.io/cloud-builders/docker', undefined, ['push', 'gcr.io/p/a:1']), { kind: 'exec', words: ['docker', 'push', 'gcr.io/p/a:1'] });
  assert.deepEqual(stepCommand('gcr.io/google.com/cloudsdktool/cloud-sdk', undefined, ['gcloud', 'builds', 'submit']), { kind: 'exec', words: ['gcloud', 'builds', 'submit'] }, 'no entrypoint: the first argument runs');
  const sh = stepCommand('gcr.io/cloud-builders/docker', 'bash', ['-euc', 'docker push x', 'name', 'one']);
  assert.deepEqual(sh, { kind: 'shell', shell: 'bash', script: 'docker push x', scriptIndex: 1, positional: ['name', 'one'] });
  assert.equal(stepCommand('bash', undefined, ['-c', 'echo']).kind, 'shell', "Docker Hub's bash image runs bash for an option");
  assert.equal(stepCommand('alpine', undefined, ['sh', '-o', 'pipefail', '-c', 'echo']).kind, 'shell');
  assert.equal(stepCommand('gcr.io/acme/tools', undefined, ['release']).kind, 'unknown');
  assert.equal(execLine(['docker', 'push', 'gcr.io/$PROJECT_ID/a:$SHORT_SHA', "it's"]), `docker push 'gcr.io/$PROJECT_ID/a:$SHORT_SHA' 'it'\\''s'`);
});

test('config paths: cloudbuild*.y(a)ml and .json anywhere, cloudbuild/ folders; not vendored or fixture copies', () => {
  for (const p of ['cloudbuild.yaml', 'cloudbuild.yml', 'cloudbuild.json', 'ci/cloudbuild-release.yaml', 'release.cloudbuild.yaml', 'cloudbuild_nightly.yml', '.cloudbuild/push.yaml', 'build/cloudbuild/main.json']) assert.ok(isBuildConfigPath(p), p);
  for (const p of ['vendor/cel.dev/expr/cloudbuild.yaml', 'test/fixtures/cloudbuild.yaml', 'third_party/x/cloudbuild.yaml', 'cloudbuilder.yaml', 'docs/cloudbuild.md', 'mycloudbuild.yaml']) assert.ok(!isBuildConfigPath(p), p);
});

test('exec args are passed as they are: no shell expansion of $(…) or quotes in a builder argument', () => {
  const r = read({ 'cloudbuild.yaml': "steps:\n  - name: gcr.io/cloud-builders/docker\n    args: ['push', 'gcr.io/acme/app:$(date)']\n" });
  assert.deepEqual(pushesOf(r).map((p) => p.refs[0]!.raw), ['gcr.io/acme/app:$(date)']);
});

test('a bash -c script sees a built-in substitution unknown even when env: sets a variable of that name', () => {
  const r = read({
    'cloudbuild.yaml': [
      'steps:',
      '  - name: gcr.io/cloud-builders/docker',
      '    entrypoint: bash',
      '    env: ["PROJECT_ID=made-up", "TAG=v1"]',
      "    args: ['-c', 'docker push gcr.io/$PROJECT_ID/app:$$TAG']",
    ].join('\n'),
  });
  assert.deepEqual(pushesOf(r).map((p) => p.refs[0]!.raw), ['gcr.io/$PROJECT_ID/app:v1']);
});

test('waitFor: a step waits for the ids it names, - starts at once, none waits for every earlier step', () => {
  const r = read({
    'cloudbuild.yaml': [
      'steps:',
      '  - id: a',
      '    name: gcr.io/cloud-builders/docker',
      "    args: ['push', 'gcr.io/acme/a:1']",
      '  - id: b',
      '    name: gcr.io/cloud-builders/docker',
      "    args: ['push', 'gcr.io/acme/b:1']",
      "    waitFor: ['-']",
      '  - id: c',
      '    name: gcr.io/cloud-builders/docker',
      "    args: ['version']",
      "    waitFor: ['a', 'nosuch']",
      '  - id: d',
      '    name: gcr.io/cloud-builders/docker',
      "    args: ['version']",
    ].join('\n'),
  });
  const job = (id: string) => [...r.jobs.keys()].find((k) => k.endsWith(`(${id})`))!;
  const facts = (id: string) => r.jobs.get(job(id))!;
  assert.equal(facts('c').waitsFor(job('a')), true);
  assert.equal(facts('c').waitsFor(job('b')), false, 'c names only a');
  assert.equal(facts('b').waitsFor(job('a')), false, 'b starts with the build');
  assert.equal(facts('d').waitsFor(job('a')), true);
  assert.equal(facts('d').waitsFor(job('b')), true, 'no waitFor: after every step before it');
  assert.ok(r.limits.some((l) => /waitFor names nosuch/.test(l)), r.limits.join('; '));
  assert.equal(facts('a').ci, 'cloud-build');
});

test('images: an entry a step already pushed unconditionally is not another push; a rebuilt or other one is', () => {
  const r = read({
    'cloudbuild.yaml': [
      'steps:',
      '  - name: gcr.io/cloud-builders/docker',
      "    args: ['push', 'gcr.io/acme/a:1']",
      '  - name: gcr.io/cloud-builders/docker',
      "    args: ['push', 'gcr.io/acme/b:1']",
      '  - name: gcr.io/cloud-builders/docker',
      "    args: ['build', '-t', 'gcr.io/acme/b:1', '.']",
      'images: [gcr.io/acme/a:1, gcr.io/acme/b:1, gcr.io/acme/c:1, localhost:5000/acme/d:1]',
    ].join('\n'),
  });
  const images = pushesOf(r).filter((p) => p.tool === 'Cloud Build images:');
  assert.deepEqual(images.map((p) => p.refs[0]!.raw), ['gcr.io/acme/b:1', 'gcr.io/acme/c:1']);
  assert.ok(pushesOf(r)[0]!.notes?.some((n) => /also listed in images:/.test(n)));
  assert.ok(r.localBuilds.some((b) => b.name === 'localhost:5000/acme/d'));
  const imagesJob = r.jobs.get('cloudbuild.yaml#images')!;
  assert.equal(imagesJob.waitsFor('cloudbuild.yaml#step 3'), true, 'images are pushed after every step');
});

test('secretEnv keys and passwords are secrets; a key variable the config never sets is unknown', () => {
  const r = read({
    'cloudbuild.yaml': [
      'steps:',
      '  - name: gcr.io/projectsigstore/cosign',
      "    args: ['sign', '--yes', '--key', 'env://COSIGN_KEY', 'gcr.io/acme/a:1']",
      '    secretEnv: [COSIGN_KEY, COSIGN_PASSWORD]',
      '  - name: gcr.io/projectsigstore/cosign',
      "    args: ['sign', '--yes', '--key', 'env://OTHER_KEY', 'gcr.io/acme/a:1']",
      '  - name: gcr.io/projectsigstore/cosign',
      "    args: ['sign', '--yes', '--key', 'env://PLAIN', 'gcr.io/acme/a:1']",
      '    env: ["PLAIN=not-a-secret", "COSIGN_PASSWORD=hunter2"]',
      'availableSecrets:',
      '  secretManager:',
      '    - versionName: projects/p/secrets/k/versions/1',
      '      env: COSIGN_KEY',
    ].join('\n'),
  });
  const s = signsOf(r);
  assert.deepEqual(s.map((x) => x.key?.source), ['secret', 'unknown', 'env']);
  assert.deepEqual(s.map((x) => x.password?.source), ['secret', undefined, 'literal']);
  assert.equal(s[0]!.identityWorkflow, 'cloudbuild.yaml');
});

test('an unknown builder whose arguments look image-related is not inspected (fails closed); others are ignored', () => {
  const r = read({
    'cloudbuild.yaml': [
      'steps:',
      '  - name: gcr.io/$PROJECT_ID/release-tools',
      "    args: ['publish', '--all']",
      '  - name: gcr.io/$PROJECT_ID/linter',
      "    args: ['check', './...']",
    ].join('\n'),
  });
  assert.equal(pushesOf(r).length, 1);
  assert.match(pushesOf(r)[0]!.refs[0]!.name, /^\(not inspected\) Cloud Build step 1/);
  assert.equal(pushesOf(r)[0]!.confidence, 'low');
  assert.deepEqual(r.findings.map((f) => f.rule), ['not-inspected']);
});

test('a spent budget stops the reader with a hit, never a crash', () => {
  const steps = Array.from({ length: 50 }, (_, i) => `  - name: gcr.io/cloud-builders/docker\n    args: ['push', 'gcr.io/acme/a:${i}']`).join('\n');
  const budget = new AnalysisBudget({ work: 5000, valueLength: 1 << 20, deadlineMs: 60_000 });
  const r = read({ 'cloudbuild.yaml': `steps:\n${steps}\n` }, budget);
  assert.ok(pushesOf(r).length < 50);
  assert.ok(budget.hits().length > 0);
});

test("Cloud Build keyless identity: Google's issuer; the subject is serviceAccount: when the config writes it out, else unchecked", () => {
  const ev = (subject?: string): SignatureEvidence => ({
    method: 'cosign-keyless',
    location: { file: 'cloudbuild.yaml', line: 3 },
    keyless: true,
    identity: { workflowPath: 'cloudbuild.yaml', ci: 'cloud-build', ...(subject ? { subject } : {}) },
    format: 'unknown',
    attestation: false,
    byDigest: true,
  });
  const google = { issuer: 'https://accounts.google.com', subject: 'signer@acme.iam.gserviceaccount.com' };
  assert.equal(evaluateIdentity(google, ev('signer@acme.iam.gserviceaccount.com'), 'acme/app').status, 'ok');
  assert.equal(evaluateIdentity(google, ev('other@acme.iam.gserviceaccount.com'), 'acme/app').status, 'mismatch');
  assert.equal(evaluateIdentity(google, ev(), 'acme/app').status, 'unchecked');
  assert.equal(evaluateIdentity({ subjectRegExp: '^.*@acme\\.iam\\.gserviceaccount\\.com$' }, ev('signer@acme.iam.gserviceaccount.com'), 'acme/app').status, 'ok');
  assert.equal(evaluateIdentity({ issuer: 'https://token.actions.githubusercontent.com' }, ev(), 'acme/app').status, 'mismatch');
  assert.equal(evaluateIdentity({ githubOwner: 'acme' }, ev(), 'acme/app').status, 'mismatch');
});

test('serviceAccount: of the build config is the identity subject of its steps', () => {
  const r = read({ 'cloudbuild.yaml': "serviceAccount: projects/$PROJECT_ID/serviceAccounts/signer@acme.iam.gserviceaccount.com\nsteps:\n  - name: gcr.io/cloud-builders/docker\n    args: ['version']\n" });
  assert.equal([...r.jobs.values()][0]!.identitySubject, 'signer@acme.iam.gserviceaccount.com');
});
