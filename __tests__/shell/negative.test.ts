import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { loadShellParser } from '../../src/shell/index.js';
import { run } from './helpers.js';

before(async () => {
  await loadShellParser();
});

const NOTHING = [
  ['sign-blob and attest-blob', 'cosign sign-blob --yes --output-signature checksums.sig checksums.txt\ncosign attest-blob --predicate p.json --type spdx dist/app.tgz'],
  ['verify commands', 'cosign verify --certificate-identity-regexp ".*" --certificate-oidc-issuer https://token.actions.githubusercontent.com ghcr.io/acme/a:1\ncosign verify-attestation --type slsaprovenance ghcr.io/acme/a:1\nnotation verify ghcr.io/acme/a:1'],
  ['DCT on pull is not signing', 'export DOCKER_CONTENT_TRUST=1\ndocker pull docker.io/library/alpine:3\nDOCKER_CONTENT_TRUST=1 docker pull nginx:latest'],
  ['pull, run, tag, login', 'docker login ghcr.io -u x --password-stdin <<< "${{ secrets.GITHUB_TOKEN }}"\ndocker pull ghcr.io/acme/a:1\ndocker run --rm ghcr.io/acme/a:1 --version\ndocker tag a ghcr.io/acme/a:2'],
  ['the words in strings', 'echo "now run: cosign sign ghcr.io/acme/a:1"\necho \'docker push ghcr.io/acme/a:1\'\nprintf "%s\\n" "cosign sign x"'],
  ['commented-out commands', '# cosign sign --yes ghcr.io/acme/a:1\n# docker push ghcr.io/acme/a:1\necho done # docker push ghcr.io/acme/b'],
  ['key generation and tree', 'cosign generate-key-pair\ncosign tree ghcr.io/acme/a:1\ncosign download signature ghcr.io/acme/a:1'],
  ['helm to a chart repository, flux without push', 'helm push chart.tgz chartmuseum\nhelm push mychart/ https://charts.example.com\nflux push --help\nflux reconcile source oci podinfo'],
  ['goreleaser check', 'goreleaser check'],
] as const;

for (const [name, script] of NOTHING) {
  test(`must find nothing: ${name}`, () => {
    const r = run(script);
    assert.deepEqual(r.operations, [], name);
    assert.deepEqual(r.findings, [], name);
  });
}

test('helm, flux and oras pushes are artifacts, not container images', () => {
  const r = run('helm push podinfo-6.5.0.tgz oci://ghcr.io/acme/charts\nflux push artifact oci://ghcr.io/acme/manifests:1 --path=./deploy --source=x --revision=y\noras push ghcr.io/acme/sbom:1 sbom.json\noras attach --artifact-type application/spdx+json --distribution-spec v1.1-referrers-api ghcr.io/acme/app:1 sbom.json\noras cp ghcr.io/acme/app:1 quay.io/acme/app:1');
  const pushes = r.operations.flatMap((o) => (o.kind === 'push' ? [`${o.refs[0]!.raw} ${o.artifact ?? 'image'}`] : []));
  assert.deepEqual(pushes, [
    'ghcr.io/acme/charts/podinfo:6.5.0 helm-chart',
    'ghcr.io/acme/manifests:1 oci-artifact',
    'ghcr.io/acme/sbom:1 oci-artifact',
    'ghcr.io/acme/app:1 oci-artifact',
    'quay.io/acme/app:1 image',
  ]);
});

test('a script that does not parse gives one parse-error finding at its line, and no crash', () => {
  const r = run('echo ok\nif [ -n "$X" ]; then\n  docker push ghcr.io/acme/a:1\n');
  assert.equal(r.findings.length, 1);
  assert.equal(r.findings[0]!.rule, 'parse-error');
  assert.equal(r.findings[0]!.severity, 'warning');
  assert.equal(r.findings[0]!.location.file, '.github/workflows/release.yml');
  assert.ok(r.findings[0]!.location.line >= 10);
});

test('hostile input does not crash: unbalanced quotes, deep nesting, huge loops, recursion', () => {
  for (const s of ['echo "unterminated', '$(' .repeat(200), `for x in ${'a '.repeat(500)}; do docker push ghcr.io/acme/$x; done`, 'f() { f; }\nf', 'cat <<EOF\nno end']) {
    const r = run(s);
    assert.ok(Array.isArray(r.operations));
  }
  const loop = run(`for x in ${'a '.repeat(500)}; do docker push ghcr.io/acme/$x:1; done`);
  assert.ok(loop.limits.some((l) => l.includes('loop bound')));
});

test('chart names: version split at the first dash before a digit, run-time parts masked', async () => {
  const { chartOf } = await import('../../src/detect/commands/helm.js');
  assert.deepEqual(chartOf('.dist/cert-manager-v1.15.0.tgz'), { name: 'cert-manager', version: 'v1.15.0' });
  assert.deepEqual(chartOf('podinfo-${GITHUB_REF/refs\\/tags\\//}.tgz'), { name: 'podinfo' });
  assert.deepEqual(chartOf('.dist/${chart}-*.tgz'), { name: '<chart>' });
  assert.deepEqual(chartOf('ratify-0-dev.$(date +%Y%m%d).tgz'), { name: 'ratify' });
});
