import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { loadShellParser } from '../../src/shell/index.js';
import { pushes, run, signedNames, signs } from './helpers.js';

before(async () => {
  await loadShellParser();
});

test('argo-cd style signing loop: flags across continuation lines, -y before the ref, digest through env', () => {
  const script = [
    'for signing_tag in $SIGNING_TAGS; do',
    '  cosign sign \\',
    '  -a "repo=${GITHUB_REPOSITORY}" \\',
    '  -a "workflow=${GITHUB_WORKFLOW}" \\',
    '  -y \\',
    '  "$signing_tag"@${STEPS_IMAGE_OUTPUTS_DIGEST}',
    'done',
  ].join('\n');
  const r = run(script, { env: { SIGNING_TAGS: 'quay.io/argoproj/argocd\nghcr.io/argoproj/argo-cd/argocd', STEPS_IMAGE_OUTPUTS_DIGEST: '${{ steps.image.outputs.digest }}' } });
  assert.deepEqual(signedNames(r), ['quay.io/argoproj/argocd', 'ghcr.io/argoproj/argo-cd/argocd']);
  const s = signs(r)[0]!;
  assert.equal(s.method, 'cosign-keyless');
  assert.equal(s.keyless, true);
  assert.equal(s.refs[0]!.digest, '${{ steps.image.outputs.digest }}');
  assert.equal(s.location.line, 11);
  assert.equal(s.signatureFormat, 'default');
});

test('the same loop over tags that are unknown names the variable; over a command output it is an unresolved target', () => {
  const unknown = run('for t in $SIGNING_TAGS; do cosign sign -y "$t"@${DIGEST}; done');
  assert.deepEqual(signs(unknown)[0]!.refs.map((x) => x.raw), ['$SIGNING_TAGS@${DIGEST}']);
  const dynamic = run('for t in $(cat tags.txt); do cosign sign -y "$t@${DIGEST}"; done');
  assert.equal(signs(dynamic)[0]!.unresolvedTarget, true);
  // The computed name is kept as written; the digest part is still visible to the by-digest judgement.
  assert.deepEqual(signs(dynamic)[0]!.refs.map((x) => [x.name, x.digest]), [['$(cat tags.txt)', '${DIGEST}']]);
});

test('wholly dynamic targets: $(cat refs), xargs, while-read over a file', () => {
  for (const [script, written] of [
    ['cosign sign --yes $(cat policyControllerImagerefs)', '$(cat policyControllerImagerefs)'],
    ['cat imagerefs | xargs -n1 cosign sign --yes', '$(xargs input)'],
    ['while read -r ref; do\n  cosign sign --yes "$ref"\ndone < refs.txt', '$(read ref)'],
  ] as const) {
    const r = run(script);
    assert.equal(signs(r).length, 1, script);
    assert.equal(signs(r)[0]!.unresolvedTarget, true, script);
    // Kept as written (no name can match it), without a digest: the judge attributes it by position.
    assert.deepEqual(signs(r)[0]!.refs.map((x) => [x.raw, x.resolved, x.digest]), [[written, false, undefined]], script);
  }
});

test('xargs over known text signs each known ref', () => {
  const r = run('echo "ghcr.io/acme/a@sha256:1 ghcr.io/acme/b@sha256:2" | xargs -n1 cosign sign --yes');
  assert.deepEqual(signedNames(r), ['ghcr.io/acme/a', 'ghcr.io/acme/b']);
});

test('cosign flags after the refs, several refs, single-dash -key', () => {
  const r = run('cosign sign ghcr.io/acme/a:1 docker.io/acme/a:1 --yes\ncosign sign -key cosign.key ghcr.io/acme/b@sha256:abc -y');
  assert.deepEqual(signedNames(r), ['ghcr.io/acme/a', 'docker.io/acme/a', 'ghcr.io/acme/b']);
  const keyed = signs(r)[1]!;
  assert.equal(keyed.method, 'cosign-key');
  assert.equal(keyed.keyless, false);
  assert.deepEqual({ value: keyed.key?.value, source: keyed.key?.source }, { value: 'cosign.key', source: 'file' });
});

test('key sources: secret expression, env:// to a secret, key file written from a secret, KMS, k8s', () => {
  const r = run(
    [
      'cosign sign --key "${{ secrets.COSIGN_KEY }}" ghcr.io/acme/a:1',
      'cosign sign --key env://COSIGN_PRIVATE_KEY ghcr.io/acme/b:1',
      'echo "${{ secrets.SIGNING_KEY }}" > cosign.key',
      'cosign sign --key cosign.key ghcr.io/acme/c:1',
      'echo "$KEY_B64" | base64 -d > decoded.key',
      'cosign sign --key decoded.key ghcr.io/acme/d:1',
      'cosign sign --key awskms:///alias/release ghcr.io/acme/e:1',
      'cosign sign --key k8s://tekton/signing-secrets ghcr.io/acme/f:1',
      'cosign sign --key env://UNSET_KEY ghcr.io/acme/g:1',
    ].join('\n'),
    { env: { COSIGN_PRIVATE_KEY: '${{ secrets.COSIGN_PRIVATE_KEY }}', KEY_B64: '${{ secrets.KEY_B64 }}', COSIGN_PASSWORD: '${{ secrets.COSIGN_PASSWORD }}' } },
  );
  const sources = signs(r).map((s) => s.key?.source);
  assert.deepEqual(sources, ['secret', 'secret', 'secret', 'secret', 'kms', 'k8s', 'env']);
  assert.equal(signs(r)[4]!.method, 'cosign-kms');
  assert.equal(signs(r)[0]!.password?.source, 'secret');
});

test('a literal password and a committed key file are not secrets', () => {
  const r = run('COSIGN_PASSWORD=hunter2 cosign sign --key .github/cosign.key ghcr.io/acme/a:1');
  const s = signs(r)[0]!;
  assert.equal(s.key?.source, 'file');
  assert.equal(s.password?.source, 'literal');
});

test('--new-bundle-format picks the signature format', () => {
  const r = run('cosign sign --new-bundle-format=false --use-signing-config=false ghcr.io/a/b:1\ncosign sign --new-bundle-format ghcr.io/a/b:2\ncosign sign --new-bundle-format=true ghcr.io/a/b:3');
  assert.deepEqual(signs(r).map((s) => s.signatureFormat), ['legacy', 'bundle', 'bundle']);
});

test('cosign attest is an attestation; cosign copy pushes and carries signatures', () => {
  const r = run('cosign attest --yes --predicate provenance.json --type slsaprovenance ghcr.io/acme/a@${DIGEST}\ncosign copy gcr.io/acme/pc:1 ghcr.io/acme/pc:1');
  assert.equal(signs(r)[0]!.method, 'cosign-attest');
  assert.deepEqual(pushes(r).map((p) => p.refs[0]!.name), ['ghcr.io/acme/pc']);
  const copy = signs(r)[1]!;
  assert.equal(copy.copiedFrom?.name, 'gcr.io/acme/pc');
  assert.deepEqual(copy.refs.map((x) => x.name), ['ghcr.io/acme/pc']);
});

test('COSIGN_CLI variable command and go run …/cmd/cosign', () => {
  const r = run('$COSIGN_CLI sign --key cosign.key ghcr.io/acme/a:1\ngo run github.com/sigstore/cosign/v2/cmd/cosign@v2.2.0 sign --yes ghcr.io/acme/b:1\nCOSIGN=./cosign\n$COSIGN sign ghcr.io/acme/c:1');
  assert.deepEqual(signedNames(r), ['ghcr.io/acme/a', 'ghcr.io/acme/b', 'ghcr.io/acme/c']);
  assert.deepEqual(signs(r).map((s) => s.confidence), ['low', 'high', 'high']);
});

test('notation sign and docker trust sign; DOCKER_CONTENT_TRUST=1 on push is signing', () => {
  const r = run(
    [
      'notation sign --key release ghcr.io/acme/n@${DIGEST}',
      'docker trust sign docker.io/acme/t:1',
      'DOCKER_CONTENT_TRUST=1 docker push docker.io/acme/dct:1',
      'export DOCKER_CONTENT_TRUST=1',
      'docker push docker.io/acme/dct2:1',
    ].join('\n'),
  );
  assert.deepEqual(
    signs(r).map((s) => [s.method, s.refs[0]!.name]),
    [
      ['notation', 'ghcr.io/acme/n'],
      ['docker-content-trust', 'docker.io/acme/t'],
      ['docker-content-trust', 'docker.io/acme/dct'],
      ['docker-content-trust', 'docker.io/acme/dct2'],
    ],
  );
});

test('signing only ephemeral (test registry) images produces no sign operation', () => {
  const r = run('cosign sign --key keys/cosign.key localhost:5000/test/demo:1');
  assert.deepEqual(signs(r), []);
});

test('keyless signing with an explicit identity token is marked, so it does not need GitHub id-token permission', () => {
  const explicit = signs(run('cosign sign --yes --identity-token "$OIDC_TOKEN" ghcr.io/acme/a@sha256:1'))[0]!;
  assert.equal(explicit.keyless, true);
  assert.equal(explicit.identityToken, true);
  const fromEnv = signs(run('SIGSTORE_ID_TOKEN=$(cat token) cosign sign --yes ghcr.io/acme/a@sha256:1'))[0]!;
  assert.equal(fromEnv.identityToken, true);
  const github = signs(run('cosign sign --yes ghcr.io/acme/a@sha256:1'))[0]!;
  assert.equal(github.identityToken, undefined);
});
