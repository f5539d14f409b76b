import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseYaml, yamlDocs } from '../../src/parse/yaml.js';
import { interpolateOne, UNKNOWN_LOOKUP } from '../../src/expr/expr.js';
import { emptyScope, scopeLookup } from '../../src/ci/github/scope.js';
import { coerceInput, isPosixShell, matrixCombinations, MAX_MATRIX_COMBINATIONS, registryServices, topoOrder, triggerRefs } from '../../src/ci/github/syntax.js';

const doc = (text: string) => yamlDocs(parseYaml(text, 'w.yml'))[0]!;

test('matrix: product, exclude, include extending a combination or adding one, expressions left unknown', () => {
  const d = doc(`m:
  os: [linux, windows]
  variant: [alpine, distroless]
  exclude:
    - os: windows
      variant: distroless
  include:
    - os: linux
      variant: alpine
      push: true
    - os: mac
      variant: alpine
`);
  const { combos, capped } = matrixCombinations(d, d.get(d.root, 'm'), UNKNOWN_LOOKUP);
  assert.equal(capped, false);
  assert.deepEqual(combos, [
    { os: 'linux', variant: 'alpine', push: true },
    { os: 'linux', variant: 'distroless' },
    { os: 'windows', variant: 'alpine' },
    { os: 'mac', variant: 'alpine' },
  ]);
  const e = doc('m: ${{ fromJSON(needs.a.outputs.m) }}\n');
  assert.deepEqual(matrixCombinations(e, e.get(e.root, 'm'), UNKNOWN_LOOKUP).combos, [{}]);
});

test('matrix: an include-only matrix has one combination per entry, none without it', () => {
  const d = doc(`m:
  include:
    - name: Docker Hub
      slug: acme/app
    - name: GitHub
      slug: ghcr.io/acme/app
`);
  assert.deepEqual(matrixCombinations(d, d.get(d.root, 'm'), UNKNOWN_LOOKUP).combos, [
    { name: 'Docker Hub', slug: 'acme/app' },
    { name: 'GitHub', slug: 'ghcr.io/acme/app' },
  ]);
  const e = doc('m:\n  os: ${{ fromJSON(needs.a.outputs.os) }}\n  include:\n    - os: mac\n');
  assert.deepEqual(matrixCombinations(e, e.get(e.root, 'm'), UNKNOWN_LOOKUP).combos, [{}, { os: 'mac' }]);
});

test('matrix: a key a fully known combination lacks is empty; with an expression-valued key it stays unknown', () => {
  const d = doc('m:\n  include:\n    - name: local\n    - name: hub\n      slug: acme/app\n');
  const [local, hub] = matrixCombinations(d, d.get(d.root, 'm'), UNKNOWN_LOOKUP).combos;
  const slug = (matrix: Record<string, unknown>) => interpolateOne('${{ matrix.slug }}', scopeLookup({ ...emptyScope({}), matrix }));
  assert.equal(slug(local!), '');
  assert.equal(slug(hub!), 'acme/app');
  const e = doc('m:\n  os: ${{ fromJSON(needs.a.outputs.os) }}\n  arch: [amd64]\n');
  assert.equal(slug(matrixCombinations(e, e.get(e.root, 'm'), UNKNOWN_LOOKUP).combos[0]!), '${{ matrix.slug }}');
});

test('matrix: the combination bound is reported, not exceeded', () => {
  const d = doc('m:\n  a: [1, 2, 3, 4, 5]\n  b: [1, 2, 3, 4, 5]\n');
  const { combos, capped } = matrixCombinations(d, d.get(d.root, 'm'), UNKNOWN_LOOKUP);
  assert.equal(capped, true);
  assert.equal(combos.length, MAX_MATRIX_COMBINATIONS);
});

test('trigger refs are known only when every trigger pins them', () => {
  assert.deepEqual(triggerRefs(doc("on:\n  push:\n    tags: ['v*']\n    branches: [main]\n  release: {}\n")), ['refs/heads/main', 'refs/tags/v*', 'refs/tags/*']);
  assert.equal(triggerRefs(doc('on:\n  push:\n    tags: [v*]\n  workflow_dispatch: {}\n')), undefined);
  assert.equal(triggerRefs(doc('on: push\n')), undefined);
});

test('shells, services, input types, job order', () => {
  assert.ok(isPosixShell(undefined) && isPosixShell('bash') && isPosixShell('bash -e {0}') && isPosixShell('/usr/bin/sh'));
  assert.ok(!isPosixShell('pwsh') && !isPosixShell('python') && !isPosixShell('cmd'));
  const d = doc('services:\n  registry:\n    image: registry:2\n  db:\n    image: postgres:16\n  zot: ghcr.io/project-zot/zot-linux-amd64:latest\n');
  assert.deepEqual(registryServices(d, d.get(d.root, 'services')), ['registry', 'zot']);
  assert.equal(coerceInput('true', 'boolean'), true);
  assert.equal(coerceInput('', 'boolean'), false);
  assert.equal(coerceInput('3', 'number'), 3);
  assert.equal(coerceInput('true', 'string'), 'true');
  assert.deepEqual(topoOrder(['sign', 'build', 'test'], new Map([['sign', ['build', 'test']], ['test', ['build']]])), ['build', 'test', 'sign']);
});
