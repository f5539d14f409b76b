import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchImage, normalizePatternName } from '../../src/admission/patterns.js';
import { keyFingerprints } from '../../src/admission/keys.js';
import { preprocessHelmTemplate } from '../../src/admission/helm.js';
import { classifyPath } from '../../src/admission/paths.js';

const loc = { file: 'p.yaml', line: 1 };

test('pattern dialects: Kyverno * crosses /, Sigstore * does not, ** does', () => {
  assert.equal(matchImage({ raw: 'ghcr.io/acme/*', dialect: 'kyverno', location: loc }, 'ghcr.io/acme/team/app').matches, true);
  assert.equal(matchImage({ raw: 'ghcr.io/acme/*', dialect: 'sigstore', location: loc }, 'ghcr.io/acme/team/app').matches, false);
  assert.equal(matchImage({ raw: 'ghcr.io/acme/**', dialect: 'sigstore', location: loc }, 'ghcr.io/acme/team/app').matches, true);
  assert.equal(matchImage({ raw: 'ghcr.io/acme/app:*', dialect: 'kyverno', location: loc }, 'ghcr.io/acme/app').matches, true);
  assert.equal(matchImage({ raw: 'ghcr.io/acme/app', dialect: 'kyverno', location: loc }, 'ghcr.io/acme/application').matches, false);
});

test('pattern tags: a literal tag matches with a note; implicit Docker Hub is normalized', () => {
  const m = matchImage({ raw: 'ghcr.io/acme/app:v1', dialect: 'kyverno', location: loc }, 'ghcr.io/acme/app');
  assert.equal(m.matches, true);
  assert.match(m.note ?? '', /only the tags/);
  assert.equal(normalizePatternName('nginx'), 'docker.io/library/nginx');
  assert.equal(normalizePatternName('index.docker.io/acme/*'), 'docker.io/acme/*');
  assert.equal(matchImage({ raw: 'acme/*', dialect: 'kyverno', location: loc }, 'docker.io/acme/app').matches, true);
  assert.equal(matchImage({ raw: 'localhost:5000/app', dialect: 'kyverno', location: loc }, 'localhost:5000/app').matches, true);
});

test('keys: the same key in different wrapping, a different key differs', () => {
  const a = '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEkKfqLwxTtAG6EodzBFXbCkJeAJfo\n+puzDSUUD7/do3AASYCmtZmFJRn8Rfeqx2OD5LP3/HXgWgCZ5hitmxY0rg==\n-----END PUBLIC KEY-----\n';
  const rewrapped = '    -----BEGIN PUBLIC KEY-----\r\n    MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEkKfqLwxTtAG6EodzBFXbCkJeAJfo+puzDSUUD7/do3AASYCmtZmFJRn8Rfeqx2OD5LP3/HXgWgCZ5hitmxY0rg==\r\n    -----END PUBLIC KEY-----';
  const b = '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEfvQ86typaTfk89qNiuFStVSKGSFK\nhbjOvp+watniY5bIiUP10BT0cRbAAmCQfV5sHtmsND/mH2CEgvaapkZKug==\n-----END PUBLIC KEY-----';
  assert.deepEqual(keyFingerprints(a), keyFingerprints(rewrapped));
  assert.notDeepEqual(keyFingerprints(a), keyFingerprints(b));
  assert.deepEqual(keyFingerprints('-----BEGIN PUBLIC KEY-----\nnot base64 key\n-----END PUBLIC KEY-----'), []);
});

test('Helm: line count kept, values resolved, false if-blocks dropped', () => {
  const tpl = '{{- if .Values.on }}\nkind: ClusterPolicy\nspec:\n  validationFailureAction: {{ .Values.mode | default "Audit" }}\n{{- end }}\n';
  const on = preprocessHelmTemplate(tpl, { on: true, mode: 'Enforce' });
  assert.equal(on.split('\n').length, tpl.split('\n').length);
  assert.match(on, /validationFailureAction: Enforce/);
  assert.match(preprocessHelmTemplate(tpl, { on: true }), /validationFailureAction: Audit/);
  assert.doesNotMatch(preprocessHelmTemplate(tpl, { on: false }), /ClusterPolicy/);
});

test('paths: tests and docs skipped, examples listed, policies deployable', () => {
  assert.equal(classifyPath('test/conformance/policy.yaml'), 'skip');
  assert.equal(classifyPath('other/verify/.chainsaw-test/policy.yaml'), 'skip');
  assert.equal(classifyPath('docs/policy.yaml'), 'skip');
  assert.equal(classifyPath('README.md'), 'skip');
  assert.equal(classifyPath('examples/policies/cip.yaml'), 'example');
  assert.equal(classifyPath('deploy/policy.yaml'), 'deployable');
});
