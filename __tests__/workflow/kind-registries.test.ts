import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RepoReader } from '../../src/discover/repo.js';
import { kindClusterRegistries } from '../../src/discover/kind-registries.js';

function tree(files: Record<string, string>): RepoReader {
  return {
    root: 'mem',
    files: Object.entries(files).map(([path, t]) => ({ path, size: t.length })),
    limits: [],
    has: (p) => p in files,
    read: (p) => (p in files ? { ok: true, text: files[p]! } : { ok: false, reason: 'missing' }),
  };
}

test("kind clusters' local registries: the mirror and the registry container it points to", () => {
  const yaml = 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\ncontainerdConfigPatches:\n- |-\n  [plugins."io.containerd.grpc.v1.cri".registry.mirrors."localhost:5001"]\n    endpoint = ["http://kind-registry:5000"]\n';
  // The Makefile form: printf with literal \n and escaped quotes.
  const make = `kind-cluster:\n\tprintf 'kind: Cluster\\napiVersion: kind.x-k8s.io/v1alpha4\\ncontainerdConfigPatches:\\n- |-\\n  [plugins."io.containerd.grpc.v1.cri".registry.mirrors."registry.ci:5000"]\\n    endpoint = ["http://registry:5000"]' > kind.yaml\n`;
  assert.deepEqual(kindClusterRegistries(tree({ 'hack/kind.yaml': yaml, Makefile: make })), ['kind-registry:5000', 'localhost:5001', 'registry.ci:5000', 'registry:5000']);
});

test('must find nothing: pull-through caches for public registries, mirrors outside kind configs, remote endpoints', () => {
  const cache = 'apiVersion: kind.x-k8s.io/v1alpha4\nkind: Cluster\ncontainerdConfigPatches:\n- |-\n  [plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]\n    endpoint = ["http://hub-mirror:5000"]\n  [plugins."io.containerd.grpc.v1.cri".registry.mirrors."quay.io:443"]\n    endpoint = ["https://mirror.example.com"]\n';
  const containerd = '[plugins."io.containerd.grpc.v1.cri".registry.mirrors."registry.ci:5000"]\n  endpoint = ["http://registry:5000"]\n';
  assert.deepEqual(kindClusterRegistries(tree({ 'kind.yaml': cache, 'etc/containerd.toml.yaml': containerd })), ['hub-mirror:5000']);
});
