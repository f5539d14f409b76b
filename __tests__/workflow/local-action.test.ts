import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseYaml, yamlDocs } from '../../src/parse/yaml.js';
import { classifyLocalAction, isOpaqueUsing } from '../../src/ci/github/local-action.js';

const doc = (text: string) => yamlDocs(parseYaml(text, 'action.yml'))[0]!;
const kind = (text: string, dir: string, ownerRepo?: string, withInputs: Record<string, string[]> = {}) => {
  const d = classifyLocalAction({ doc: doc(text), dir, ...(ownerRepo ? { ownerRepo } : {}), withInputs });
  return d.kind === 'handler' ? `handler ${d.action}` : d.kind;
};

test('JavaScript and Docker actions are opaque; composite actions are read step by step', () => {
  assert.ok(isOpaqueUsing('node20') && isOpaqueUsing("node24") && isOpaqueUsing('docker') && isOpaqueUsing('Node16'));
  assert.ok(!isOpaqueUsing('composite') && !isOpaqueUsing(undefined));
});

test("the repository's own copy of a handled action, by place: repository plus directory", () => {
  assert.equal(kind('name: x\nruns:\n  using: node24\n', '', 'docker/build-push-action'), 'handler docker/build-push-action');
  assert.equal(kind('name: Sign\nruns:\n  using: node20\n', 'sign', 'notaryproject/notation-action'), 'handler notaryproject/notation-action/sign');
  // Same repository, another directory: not that action.
  assert.equal(kind('name: helper\nruns:\n  using: node20\n', '.github/actions/helper', 'docker/build-push-action'), 'ignore');
});

test('a vendored copy, by metadata: name and author must both match', () => {
  const both = 'name: "Build and push Docker images"\nauthor: docker\nruns:\n  using: node20\n';
  assert.equal(kind(both, '.github/actions/bpa', 'acme/app'), 'handler docker/build-push-action');
  assert.equal(kind('name: "Build and push Docker images"\nauthor: acme\nruns:\n  using: node20\n', '.github/actions/bpa', 'acme/app'), 'not-inspected');
  assert.equal(kind('name: GoReleaser Action\nauthor: someone\nruns:\n  using: node20\n', 'x', 'acme/app'), 'not-inspected');
});

test('unknown opaque actions: not inspected when image-related, ignored otherwise', () => {
  assert.equal(kind('name: Publish\ninputs:\n  image: {}\nruns:\n  using: docker\n  image: Dockerfile\n', '.github/actions/publish', 'acme/app'), 'not-inspected');
  assert.equal(kind('name: Ship it\nruns:\n  using: node20\n', '.github/actions/ship', 'acme/app', { dockerfile: ['Dockerfile'] }), 'not-inspected');
  assert.equal(kind('name: Setup the docker CLI\nruns:\n  using: node20\n', '', 'acme/app'), 'ignore');
  assert.equal(kind('name: Label pull requests\nruns:\n  using: node20\n', '.github/actions/label', 'acme/app'), 'ignore');
  assert.equal(kind('name: Build\nruns:\n  using: composite\n  steps: []\n', '.github/actions/build', 'acme/app'), 'ignore');
});
