import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { loadShellParser } from '../../src/shell/index.js';
import { pushedNames, pushes, run, signedNames, signs } from './helpers.js';

before(async () => {
  await loadShellParser();
});

test('parameter expansion: defaults, case, prefix/suffix removal, replacement, substring', () => {
  const r = run(
    [
      'REPO=${REPO_OVERRIDE:-quay.io/argoproj/argocd}',
      'docker push "$REPO:1"',
      'docker push "ghcr.io/${OWNER,,}/app:1"',
      'V=${GITHUB_REF#refs/tags/}',
      'docker push "ghcr.io/acme/app:${V%-rc*}"',
      'NAME=acme/widget-server',
      'docker push "ghcr.io/${NAME/-server/}:1" "ghcr.io/${NAME:0:4}/x:1"',
      'docker push ${UNKNOWN_IMAGE}',
    ].join('\n'),
    { env: { OWNER: 'Acme-Org', GITHUB_REF: 'refs/tags/v1.2.0-rc1' } },
  );
  assert.deepEqual(pushedNames(r), ['quay.io/argoproj/argocd', 'ghcr.io/acme-org/app', 'ghcr.io/acme/app', 'ghcr.io/acme/widget', 'ghcr.io/acme/x', '${UNKNOWN_IMAGE}']);
  assert.equal(pushes(r)[2]!.refs[0]!.tag, 'v1.2.0');
  assert.equal(pushes(r).at(-1)!.confidence, 'medium');
});

test('lower-casing keeps GitHub expressions intact', () => {
  const r = run('IMAGE="ghcr.io/${{ github.repository }}/App"\ndocker push "${IMAGE,,}:1"');
  assert.deepEqual(pushedNames(r), ['ghcr.io/${{ github.repository }}/app']);
});

test('quoting, escapes, $(echo … | tr) lower-casing and unquoted multi-line values', () => {
  const r = run(
    [
      'OWNER_LC=$(echo "$OWNER" | tr \'[:upper:]\' \'[:lower:]\')',
      'docker push ghcr.io/$OWNER_LC/a:1',
      "docker push 'ghcr.io/acme/single:1' \"ghcr.io/acme/\"double:1 ghcr.io/acme/esc\\aped:1",
      'cosign sign --yes $IMAGES',
    ].join('\n'),
    { env: { OWNER: 'MyOrg', IMAGES: 'ghcr.io/acme/x@sha256:1\nghcr.io/acme/y@sha256:2' } },
  );
  assert.deepEqual(pushedNames(r), ['ghcr.io/myorg/a', 'ghcr.io/acme/single', 'ghcr.io/acme/double', 'ghcr.io/acme/escaped']);
  assert.deepEqual(signedNames(r), ['ghcr.io/acme/x', 'ghcr.io/acme/y']);
});

test('a quoted multi-line value stays one word', () => {
  const r = run('docker buildx imagetools create -t "$TAGS" ghcr.io/acme/a@sha256:1', { env: { TAGS: 'ghcr.io/acme/a:1' } });
  assert.deepEqual(pushedNames(r), ['ghcr.io/acme/a']);
});

test('control flow: both if branches, case branches, && / || lists, subshells, pipelines', () => {
  const r = run(
    [
      'if [[ "$GITHUB_REF" == refs/tags/* ]]; then',
      '  docker push ghcr.io/acme/release:1',
      'elif [ -n "$X" ]; then',
      '  docker push ghcr.io/acme/elif:1',
      'else',
      '  docker push ghcr.io/acme/nightly:1',
      'fi',
      'case "$TARGET" in',
      '  prod) docker push ghcr.io/acme/prod:1 ;;',
      '  *) docker push ghcr.io/acme/other:1 ;;',
      'esac',
      'docker build -t x . && docker push ghcr.io/acme/and:1 || echo failed',
      '(cd sub && docker push ghcr.io/acme/sub:1)',
      'docker push ghcr.io/acme/pipe:1 | tee push.log',
      'while [ -f lock ]; do docker push ghcr.io/acme/while:1; done',
      'while false; do docker push ghcr.io/acme/never:1; done',
    ].join('\n'),
  );
  assert.deepEqual(pushedNames(r), ['release', 'elif', 'nightly', 'prod', 'other', 'and', 'sub', 'pipe', 'while'].map((n) => `ghcr.io/acme/${n}`));
});

test('functions are analysed where called, with positional parameters; for-loops expand per item', () => {
  const r = run(
    [
      'publish() {',
      '  local image="$1"',
      '  docker push "$image"',
      '  cosign sign --yes "$image"',
      '}',
      'for arch in amd64 arm64; do',
      '  publish "ghcr.io/acme/app:${arch}"',
      'done',
    ].join('\n'),
  );
  assert.deepEqual(pushes(r).map((p) => p.refs[0]!.raw), ['ghcr.io/acme/app:amd64', 'ghcr.io/acme/app:arm64']);
  assert.equal(pushes(r)[0]!.location.line, 12, 'the command inside the function keeps its own line');
  assert.equal(signs(r).length, 2);
});

test('a function never called finds nothing', () => {
  const r = run('unused() {\n  docker push ghcr.io/acme/never:1\n}\necho hi');
  assert.deepEqual(r.operations, []);
});

test('arrays and "$@"', () => {
  const r = run('IMAGES=(ghcr.io/acme/a:1 "ghcr.io/acme/b:1")\nIMAGES+=(ghcr.io/acme/c:1)\nfor i in "${IMAGES[@]}"; do docker push "$i"; done\ndocker push "${IMAGES[0]}"');
  assert.deepEqual(pushedNames(r), ['ghcr.io/acme/a', 'ghcr.io/acme/b', 'ghcr.io/acme/c', 'ghcr.io/acme/a']);
});

test('variables from env, assignments, export; later assignment wins', () => {
  const r = run('IMAGE=ghcr.io/acme/first\nIMAGE=ghcr.io/acme/second\nexport TAG=2\ndocker push "$IMAGE:$TAG" "$REGISTRY/app:1"', { env: { REGISTRY: 'docker.io/acme' } });
  assert.deepEqual(pushes(r)[0]!.refs.map((x) => x.raw), ['ghcr.io/acme/second:2', 'docker.io/acme/app:1']);
});

test('GitHub expressions inside words are kept as written and do not break parsing', () => {
  const r = run('docker push ${{ env.REGISTRY }}/${{ github.repository }}:${{ github.sha }}\ncosign sign --yes "${{ env.REGISTRY }}/${{ github.repository }}@${{ steps.build.outputs.digest }}"');
  assert.equal(pushes(r)[0]!.refs[0]!.name, '${{ env.REGISTRY }}/${{ github.repository }}');
  assert.equal(signs(r)[0]!.refs[0]!.digest, '${{ steps.build.outputs.digest }}');
});

test('here-docs feed scripts run through bash', () => {
  const r = run('bash <<EOF\ndocker push ghcr.io/acme/heredoc:1\nEOF');
  assert.deepEqual(pushedNames(r), ['ghcr.io/acme/heredoc']);
});
