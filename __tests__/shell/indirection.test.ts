import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { loadShellParser } from '../../src/shell/index.js';
import { pushedNames, pushes, run, signs } from './helpers.js';

before(async () => {
  await loadShellParser();
});

test('./hack script with arguments: commands at their own file:line, chain through the caller, sourced variables and functions', () => {
  const r = run('./hack/publish.sh v1.0.0', { env: { COSIGN_PRIVATE_KEY: '${{ secrets.COSIGN_PRIVATE_KEY }}' } });
  const push = pushes(r)[0]!;
  assert.equal(push.refs[0]!.raw, 'ghcr.io/acme/widget:v1.0.0');
  assert.deepEqual(push.location, { file: 'hack/publish.sh', line: 7 });
  assert.deepEqual(push.chain, [{ file: '.github/workflows/release.yml', line: 10 }]);
  const sign = signs(r)[0]!;
  assert.equal(sign.refs[0]!.raw, 'ghcr.io/acme/widget:v1.0.0');
  assert.deepEqual(sign.location, { file: 'hack/lib.sh', line: 8 });
  assert.deepEqual(sign.chain, [{ file: '.github/workflows/release.yml', line: 10 }, { file: 'hack/publish.sh', line: 12 }]);
  assert.equal(sign.key?.source, 'secret');
});

test('bash x.sh and sh -c, with exported variables crossing into the child shell', () => {
  const r = run('export REGISTRY=docker.io/acme\nbash hack/publish.sh v2\nsh -c "docker push ghcr.io/acme/inline:1"');
  assert.deepEqual(pushedNames(r), ['docker.io/acme/widget', 'ghcr.io/acme/inline']);
  assert.deepEqual(pushes(r)[1]!.location, { file: '.github/workflows/release.yml', line: 12 });
});

test('non-exported variables do not reach a child script', () => {
  const r = run('REGISTRY=quay.io/acme\n./hack/publish.sh v3');
  assert.deepEqual(pushedNames(r), ['ghcr.io/acme/widget']);
});

test('working directory: scripts are resolved against it and cd', () => {
  const r = run('./publish.sh v4', { workingDirectory: 'hack' });
  assert.deepEqual(pushedNames(r), ['ghcr.io/acme/widget']);
  const r2 = run('cd hack\n./publish.sh v5');
  assert.deepEqual(pushedNames(r2), ['ghcr.io/acme/widget']);
});

test('COSIGN_CLI script over a refs file: low-confidence, unresolved target', () => {
  const r = run('./scripts/sign-images-ci.sh');
  const s = signs(r)[0]!;
  assert.equal(s.unresolvedTarget, true);
  assert.equal(s.key?.source, 'file');
  assert.equal(s.location.file, 'scripts/sign-images-ci.sh');
});

test('depth 0: the call is a limit note, not followed', () => {
  const r = run('./hack/publish.sh v1', { depth: 0 });
  assert.deepEqual(r.operations, []);
  assert.ok(r.limits.some((l) => l.includes('indirection depth bound hit at .github/workflows/release.yml:10')));
});

test('a python script is not followed (limit note); a missing script is noted; self-recursion stops', () => {
  const r = run('./hack/tool.py\n./hack/missing.sh\n./hack/loop.sh');
  assert.deepEqual(pushedNames(r), ['ghcr.io/acme/loop']);
  assert.ok(r.limits.some((l) => l.includes('hack/tool.py is not a shell script')));
  assert.ok(r.limits.some((l) => l.includes('hack/missing.sh')));
});

test('make: recipe lines analysed at the Makefile line, chain = step, make call, target', () => {
  const r = run('make sign TAG=v1', { env: { REGISTRY: 'ghcr.io/override' } });
  const push = pushes(r)[0];
  assert.ok(push, 'the recipe push is found');
  assert.equal(push.location.file, 'Makefile');
  assert.equal(push.location.line, 8);
  assert.deepEqual(push.chain[0], { file: '.github/workflows/release.yml', line: 10 });
  assert.ok(push.chain.length >= 2);
  assert.equal(signs(r)[0]!.location.line, 11);
  const depth0 = run('make sign', { depth: 0 });
  assert.deepEqual(depth0.operations, []);
  assert.ok(depth0.limits.some((l) => l.includes('indirection depth bound hit')));
});
