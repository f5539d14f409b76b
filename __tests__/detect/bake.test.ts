import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readBake, type BakeInvocation } from '../../src/detect/bake.js';
import { parseHcl } from '../../src/detect/hcl.js';
import { context, fixtureRepo, names, pushes, refStrings, STEP } from './helpers.js';

function inv(fixture: string, extra: Partial<BakeInvocation> = {}): BakeInvocation {
  return {
    ...context(),
    repo: fixtureRepo('bake', fixture),
    files: [],
    targets: [],
    push: false,
    set: [],
    workdir: '.',
    env: {},
    location: STEP,
    ...extra,
  };
}

test('HCL: default group, inherits output=type=registry, variables and a user function', () => {
  const r = readBake(inv('hcl'));
  const p = pushes(r);
  assert.deepEqual(refStrings(p), [
    'docker.io/acme/api:dev',
    'ghcr.io/acme/api:dev',
    'ghcr.io/acme/platform-worker:dev',
    'ghcr.io/acme/platform-worker:latest',
  ]);
  const api = p.find((o) => o.refs[0]?.raw === 'ghcr.io/acme/api:dev');
  assert.equal(api?.location.file, 'docker-bake.hcl');
  assert.equal(api?.location.line, 38);
  assert.deepEqual(api?.chain, [{ file: '.github/workflows/release.yml', line: 10 }, STEP]);
  assert.equal(api?.tool, 'docker buildx bake');
  assert.equal(p.find((o) => o.refs[0]?.name === 'ghcr.io/acme/platform-worker')?.location.line, 45);
  assert.equal(r.findings.length, 0);
});

test('HCL: environment overrides variable defaults', () => {
  const r = readBake(inv('hcl', { env: { TAG: 'v9', REGISTRY: 'registry.example.com/acme' } }));
  assert.ok(refStrings(pushes(r)).includes('registry.example.com/acme/api:v9'));
  assert.ok(names(pushes(r)).includes('registry.example.com/acme/platform-worker'));
});

test('HCL: nested group; a type=docker target is a local build, not a push', () => {
  const r = readBake(inv('hcl', { targets: ['release'] }));
  assert.ok(!names(pushes(r)).includes('docker.io/acme/docs'));
  assert.ok(r.localBuilds.some((b) => b.name === 'docker.io/acme/docs'));
  assert.equal(names(pushes(r)).length, 3);
});

test('--push and --set output make a local target push; --set tags replaces tags', () => {
  assert.ok(names(pushes(readBake(inv('hcl', { targets: ['docs'], push: true })))).includes('docker.io/acme/docs'));
  assert.ok(names(pushes(readBake(inv('hcl', { targets: ['docs'], set: ['docs.output=type=registry'] })))).includes('docker.io/acme/docs'));
  const replaced = readBake(inv('hcl', { targets: ['api'], set: ['*.tags=ghcr.io/acme/override:1'] }));
  assert.deepEqual(refStrings(pushes(replaced)), ['ghcr.io/acme/override:1']);
  assert.deepEqual(pushes(replaced)[0]?.location, STEP);
});

test('metadata-action bake file arrives as a virtual file and is inherited', () => {
  const metaPath = '/home/runner/work/_temp/docker-actions-toolkit-abc/docker-metadata-action-bake.json';
  const text = fixtureRepo('bake', 'hcl').read('metadata-bake.json');
  assert.ok(text.ok);
  const r = readBake(
    inv('hcl', {
      files: ['./docker-bake.hcl', `cwd://${metaPath}`],
      virtualFiles: { [metaPath]: text.ok ? text.text : '' },
      targets: ['api-release'],
    }),
  );
  assert.deepEqual(refStrings(pushes(r)), ['ghcr.io/acme/api:1.2.3', 'ghcr.io/acme/api:latest']);
  // tags from a file that only exists in CI point at the step
  assert.deepEqual(pushes(r)[0]?.location, STEP);
});

test('nothing pushed without a registry output: only local builds', () => {
  const r = readBake(inv('hcl', { targets: ['docs', 'test'] }));
  assert.equal(pushes(r).length, 0);
  assert.equal(r.localBuilds.length, 1);
});

test('compose: services with build are targets; image and x-bake tags; ${VAR:-default}', () => {
  const local = readBake(inv('compose'));
  assert.equal(pushes(local).length, 0);
  assert.deepEqual(local.localBuilds.map((b) => b.name).sort(), ['registry.example.com/shop/web', 'registry.example.com/shop/web']);
  const r = readBake(inv('compose', { push: true, env: { VERSION: '2.0.0' } }));
  assert.deepEqual(refStrings(pushes(r)), ['registry.example.com/shop/web:2.0.0', 'registry.example.com/shop/web:edge']);
  assert.ok(!names(pushes(r)).includes('docker.io/library/postgres'), 'a service without build: is not built');
  assert.equal(pushes(r)[0]?.location.file, 'compose.yaml');
  assert.equal(pushes(r)[0]?.location.line, 3);
});

test('JSON bake file: output type=image,push=true pushes, with the tag line', () => {
  const r = readBake(inv('json'));
  assert.deepEqual(refStrings(pushes(r)), ['quay.io/acme/app:main']);
  assert.equal(pushes(r)[0]?.location.line, 11);
});

test('malformed bake file: parse-error finding, no crash; missing file: limit note', () => {
  const r = readBake(inv('broken'));
  assert.equal(r.findings[0]?.rule, 'parse-error');
  const missing = readBake(inv('hcl', { files: ['nope.hcl'] }));
  assert.equal(missing.operations.length, 0);
  assert.equal(missing.limits.length, 1);
  assert.equal(readBake(inv('json', { workdir: 'elsewhere' })).operations.length, 0);
});

test('HCL reader: single-line blocks, heredocs, comments and raw expressions', () => {
  const f = parseHcl('target "a" { tags = ["x"] }\n/* c */ variable "V" {\n  default = <<EOT\nhello\nEOT\n}\ntarget "b" {\n  tags = notequal("", V) ? ["y"] : []\n}\n');
  assert.equal(f.errors.length, 0);
  assert.equal(f.blocks.length, 3);
  const b = f.blocks[2]!.attributes[0]!;
  assert.equal(b.value.kind, 'expr');
  const v = f.blocks[1]!.attributes[0]!.value;
  assert.deepEqual(v.kind === 'string' ? v.text : undefined, 'hello');
});

test('bake push to localhost is marked ephemeral', () => {
  const r = readBake(inv('hcl', { targets: ['docs'], push: true, set: ['docs.tags=localhost:5000/docs:test'] }));
  assert.equal(pushes(r)[0]?.ephemeral, 'localhost:5000');
});
