import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mayPushAction } from '../../src/ci/github/actions/index.js';
import { scanHiddenCommands, scanHiddenGoreleaser, scanHiddenUses } from '../../src/detect/hidden-pushes.js';

const kinds = (text: string) => scanHiddenCommands(text).map((h) => `${h.line} ${h.kind} ${h.text}`);

test('unparsed text: push and sign commands of image tools are found by line, through the command classifiers', () => {
  const script = [
    'set -e',
    'docker buildx build --push -t ghcr.io/acme/a:1 .',
    'VERSION=1 sudo podman push quay.io/acme/b:1',
    '/kaniko/executor --context . --destination ghcr.io/acme/c:1',
    'if true; then skopeo copy docker://x:1 docker://ghcr.io/acme/d:1; fi',
    'REF=$(ko build ./cmd/e) && cosign sign --yes "$REF"',
    '\tgoreleaser release --clean',
    'echo "unterminated',
  ].join('\n');
  assert.deepEqual(kinds(script), [
    '2 push docker buildx build --push -t ghcr.io/acme/a:1 .',
    '3 push podman push quay.io/acme/b:1',
    '4 push /kaniko/executor --context . --destination ghcr.io/acme/c:1',
    '5 push skopeo copy docker://x:1 docker://ghcr.io/acme/d:1',
    '6 push ko build ./cmd/e',
    '6 sign cosign sign --yes $REF',
    '7 push goreleaser release --clean',
  ]);
});

test('unparsed text: must find nothing in comments, words that only mention a tool, local builds and artifacts', () => {
  const script = [
    '# docker push ghcr.io/acme/old:1',
    'echo "docker push ghcr.io/acme/app:1"',
    'docker build -t app:test .',
    'docker buildx build --load -t app:test .',
    'helm push chart.tgz oci://ghcr.io/acme/charts',
    'goreleaser release --snapshot --clean',
    'cosign verify ghcr.io/acme/app:1',
    'printf "%s" "$(cat <<EOF',
  ].join('\n');
  assert.deepEqual(kinds(script), []);
});

test('unparsed text: the scan is bounded (results, line length, text length) and fast on hostile input', () => {
  const many = 'docker push ghcr.io/acme/app:$i\n'.repeat(5000).replace(/\$i/g, () => String(Math.random()).slice(2, 8));
  const t0 = Date.now();
  assert.equal(scanHiddenCommands(many).length, 20);
  assert.equal(scanHiddenCommands(`docker push ${'a'.repeat(2_000_000)}`).length <= 1, true);
  assert.equal(scanHiddenCommands(';'.repeat(3_000_000)).length, 0);
  assert.ok(Date.now() - t0 < 5000);
});

test('unparsed workflow text: uses: lines of actions that may push; setup and login actions are not pushes', () => {
  const text = [
    'steps:',
    '  - uses: docker/login-action@v3',
    '  - uses: docker/build-push-action@v6',
    '  - uses: sigstore/cosign-installer@v3',
    '  - uses: docker/metadata-action@v5',
    "  - uses: 'acme/publish-container-image@v1'",
    '    uses: goreleaser/goreleaser-action@v6',
  ].join('\n');
  assert.deepEqual(
    scanHiddenUses(text, mayPushAction).map((h) => `${h.line} ${h.text}`),
    ['3 uses: docker/build-push-action@v6', '6 uses: acme/publish-container-image@v1', '7 uses: goreleaser/goreleaser-action@v6'],
  );
});

test('unparsed goreleaser config: its image sections, by line; blob signing sections are not images', () => {
  const text = ['version: 2', 'signs:', '  - artifacts: checksum', 'dockers:', '  - image_templates: [', 'kos:', 'docker_signs:'].join('\n');
  assert.deepEqual(
    scanHiddenGoreleaser(text, '.goreleaser.yaml').map((h) => `${h.line} ${h.kind} ${h.text}`),
    ['4 push goreleaser dockers of .goreleaser.yaml', '6 push goreleaser kos of .goreleaser.yaml', '7 sign goreleaser docker_signs of .goreleaser.yaml'],
  );
});
