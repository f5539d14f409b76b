import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isKnownIrrelevant, looksImageRelated, worthReading } from '../../src/ci/github/actions/index.js';

const inputs = (...keys: string[]) => Object.fromEntries(keys.map((k) => [k, ['x']]));

test('remote parts that may publish images are inspected or reported', () => {
  assert.ok(looksImageRelated('acme/shared/.github/workflows/container-release.yaml', {}));
  assert.ok(looksImageRelated('acme/docker-publish', {}));
  assert.ok(looksImageRelated('acme/release-action', inputs('image', 'version')));
  assert.ok(looksImageRelated('acme/ship', inputs('dockerfile')));
  assert.ok(looksImageRelated('acme/publish', inputs('tags', 'registry')));
});

test('must find nothing: package, page and release publishers, scanners and cleanup actions', () => {
  assert.ok(!looksImageRelated('js-devtools/npm-publish', inputs('token', 'registry')));
  assert.ok(!looksImageRelated('haaleo/publish-vscode-extension', inputs('pat')));
  assert.ok(!looksImageRelated('acme/publish-docs', inputs('path')));
  assert.ok(!looksImageRelated('snok/container-retention-policy', inputs('image-names')));
  assert.ok(!looksImageRelated('aquasecurity/trivy-action', inputs('image-ref')) || isKnownIrrelevant('aquasecurity/trivy-action'));
  assert.ok(isKnownIrrelevant('crazy-max/ghaction-docker-buildx'));
  assert.ok(isKnownIrrelevant('bufbuild/buf-push-action'));
});

test('reading a remote composite action is attempted more broadly than reporting it as not inspected', () => {
  assert.ok(worthReading('prometheus/promci/publish_main', {}));
  assert.ok(!looksImageRelated('prometheus/promci/publish_main', {}));
  assert.ok(!worthReading('christian-korneck/update-container-description-action', inputs('readme-file')));
  assert.ok(!worthReading('acme/npm-publish', {}));
});
