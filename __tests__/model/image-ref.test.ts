import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isEphemeralRegistry, isPerRunRegistryHost, normalizeImageName, parseImageRef } from '../../src/model/image-ref.js';

test('normalizes implicit Docker Hub names and keeps registries apart', () => {
  assert.equal(normalizeImageName('acme/api'), 'docker.io/acme/api');
  assert.equal(normalizeImageName('nginx'), 'docker.io/library/nginx');
  assert.equal(normalizeImageName('index.docker.io/acme/api'), 'docker.io/acme/api');
  assert.equal(normalizeImageName('GHCR.io/Acme/API'), 'ghcr.io/acme/api');
  assert.equal(normalizeImageName('localhost:5000/x'), 'localhost:5000/x');
  assert.notEqual(normalizeImageName('docker.io/acme/api'), normalizeImageName('ghcr.io/acme/api'));
});

test('splits tag and digest, also around template parts', () => {
  assert.deepEqual(parseImageRef('ghcr.io/a/b:v1@sha256:abc'), { raw: 'ghcr.io/a/b:v1@sha256:abc', name: 'ghcr.io/a/b', tag: 'v1', digest: 'sha256:abc', resolved: true });
  const r = parseImageRef('${{ env.REGISTRY }}/a:${{ github.sha }}@${{ steps.build.outputs.digest }}');
  assert.equal(r.name, '${{ env.REGISTRY }}/a');
  assert.equal(r.tag, '${{ github.sha }}');
  assert.equal(r.digest, '${{ steps.build.outputs.digest }}');
  assert.equal(r.resolved, false);
  assert.equal(parseImageRef('localhost:5000/app').tag, undefined);
  assert.equal(parseImageRef('$IMAGE:$TAG').name, '$IMAGE');
});

test('ephemeral registries', () => {
  assert.ok(isEphemeralRegistry('localhost:5000/x'));
  assert.ok(isEphemeralRegistry('127.0.0.1:5001/x'));
  assert.ok(isEphemeralRegistry('ko.local/x'));
  assert.ok(isEphemeralRegistry('registry.local:5000/x'));
  assert.ok(!isEphemeralRegistry('ghcr.io/x'));
  assert.ok(isEphemeralRegistry('registry:5000/x', ['registry:5000']));
  assert.ok(isEphemeralRegistry('registry.localhost:5000/x'));
  assert.ok(isEphemeralRegistry('kind-registry:5000/x') && isEphemeralRegistry('localhost:5001/x'));
  assert.ok(!isEphemeralRegistry('localhost.example.com/x'));
});

test('registries named per run are ones the run creates: random or run-id host, not a random tag or path', () => {
  assert.ok(isEphemeralRegistry('myacr$(openssl rand -hex 2).azurecr.io/x'));
  assert.ok(isEphemeralRegistry('reg$RANDOM.example.com/x') && isEphemeralRegistry('reg${RANDOM}.example.com/x'));
  assert.ok(isEphemeralRegistry('ci${{ github.run_id }}.azurecr.io/x') && isEphemeralRegistry('ci$GITHUB_RUN_ID.azurecr.io/x'));
  assert.ok(isPerRunRegistryHost('acr-$(uuidgen).azurecr.io'));
  assert.ok(!isEphemeralRegistry('ghcr.io/acme/app-$RANDOM'));
  assert.ok(!isEphemeralRegistry('ghcr.io/acme/app:${{ github.run_id }}'));
  assert.ok(!isEphemeralRegistry('${REGISTRY}/acme/app'));
});
