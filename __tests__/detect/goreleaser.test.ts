import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formulaText } from '../../src/logic/formula.js';
import { readGoreleaser, type GoreleaserInvocation } from '../../src/detect/goreleaser.js';
import { parseGoreleaserArgs } from '../../src/detect/goreleaser-args.js';
import { classifyKey } from '../../src/detect/goreleaser-sign.js';
import { renderTemplate } from '../../src/detect/goreleaser-template.js';
import type { PushOp, SignOp } from '../../src/model/pipeline.js';
import { context, fixtureRepo, names, pushes, refStrings, signs, STEP } from './helpers.js';

/** docker_signs' `${digest}` is, for every reference, the digest text of the push of that name (src/model/digest.ts). */
function signsPushedDigests(sign: SignOp, pushed: PushOp[]): boolean {
  return sign.refs.every((ref) => ref.digest !== undefined && pushed.some((o) => o.digestText === ref.digest && o.refs.some((x) => x.name === ref.name)));
}

function inv(fixture: string, args: string, extra: Partial<GoreleaserInvocation> = {}): GoreleaserInvocation {
  return {
    ...context(),
    repo: fixtureRepo('goreleaser', fixture),
    args: args.split(/\s+/).filter(Boolean),
    workdir: '.',
    env: {},
    location: STEP,
    repository: 'acme/widget-repo',
    ...extra,
  };
}

test('flux-like: dockers with anchors and manifests are pushed, docker_signs signs them by tag, keyless', () => {
  const r = readGoreleaser(inv('flux-like', 'release --clean'));
  const p = pushes(r);
  assert.deepEqual(names(p), ['docker.io/acme/widget', 'ghcr.io/acme/widget']);
  assert.deepEqual(refStrings(p), [
    'docker.io/acme/widget:{{ .Tag }}',
    'docker.io/acme/widget:{{ .Tag }}-amd64',
    'docker.io/acme/widget:{{ .Tag }}-arm64',
    'ghcr.io/acme/widget:{{ .Tag }}',
    'ghcr.io/acme/widget:{{ .Tag }}-amd64',
    'ghcr.io/acme/widget:{{ .Tag }}-arm64',
  ]);
  // exact lines inside the config: the amd64 template and the manifest name_template
  const amd = p.find((o) => o.refs[0]?.raw === 'acme/widget:{{ .Tag }}-amd64');
  assert.equal(amd?.location.file, '.goreleaser.yml');
  assert.equal(amd?.location.line, 29);
  assert.equal(amd?.tool, 'goreleaser dockers');
  const manifest = p.find((o) => o.tool === 'goreleaser docker_manifests' && o.refs[0]?.name === 'ghcr.io/acme/widget');
  assert.equal(manifest?.location.line, 49);
  // chain = invocation chain + the goreleaser step
  assert.deepEqual(amd?.chain, [{ file: '.github/workflows/release.yml', line: 10 }, STEP]);
  assert.equal(amd?.jobKey, '.github/workflows/release.yml#release');
  assert.equal(formulaText(amd!.guard.formula), "startsWith(github.ref, 'refs/tags/')");

  const s = signs(r);
  assert.equal(s.length, 1, 'signs: (blob signing) must not become an image signature');
  const sign = s[0]!;
  assert.equal(sign.method, 'goreleaser-cosign');
  assert.equal(sign.keyless, true);
  assert.equal(sign.key, undefined);
  assert.equal(sign.location.line, 55);
  assert.ok(sign.refs.every((ref) => ref.digest === undefined), 'signed by tag');
  assert.deepEqual(names(s), ['docker.io/acme/widget', 'ghcr.io/acme/widget']);
  assert.equal(r.findings.length, 0);
});

test('dockers_v2 images x tags, Env templates, docker_signs artifacts: manifests signs the index by digest', () => {
  const r = readGoreleaser(inv('v2-manifests', 'release --clean', { env: { DOCKER_ORG: 'acme' } }));
  const p = pushes(r);
  assert.deepEqual(names(p), ['docker.io/acme/tool', 'ghcr.io/acme/tool']);
  assert.equal(p.length, 2);
  assert.equal(p[0]!.refs.length, 3);
  assert.equal(p[0]!.location.line, 11);
  const s = signs(r);
  assert.equal(s.length, 1);
  assert.ok(signsPushedDigests(s[0]!, p), 'by the digest each push produced');
  assert.deepEqual(names(s), ['docker.io/acme/tool', 'ghcr.io/acme/tool']);
  assert.equal(s[0]!.keyless, true);
});

test('unresolved Env template stays as written', () => {
  const r = readGoreleaser(inv('v2-manifests', 'release'));
  assert.ok(names(pushes(r)).includes('ghcr.io/{{ .Env.DOCKER_ORG }}/tool'));
  assert.equal(pushes(r)[0]!.refs[0]!.resolved, false);
});

test('--snapshot, --skip=publish and build push nothing', () => {
  for (const args of ['release --snapshot --clean', 'release --skip=publish', 'release --skip-publish', 'build --snapshot']) {
    const r = readGoreleaser(inv('flux-like', args));
    assert.equal(r.operations.length, 0, args);
  }
  const snap = readGoreleaser(inv('flux-like', 'release --snapshot'));
  assert.ok(snap.localBuilds.some((b) => b.name === 'ghcr.io/acme/widget' && /snapshot/.test(b.reason)));
});

test('--skip=sign keeps pushes, drops signatures; --skip=docker drops docker images', () => {
  const noSign = readGoreleaser(inv('flux-like', 'release --skip=sign,validate'));
  assert.equal(signs(noSign).length, 0);
  assert.equal(pushes(noSign).length, 6);
  const noDocker = readGoreleaser(inv('flux-like', 'release --skip docker'));
  assert.equal(noDocker.operations.length, 0);
});

test('kos: bare and base_import_paths names, signed by digest with env:// key from a secret', () => {
  const r = readGoreleaser(inv('kos', 'release', { env: { COSIGN_PRIVATE_KEY: '${{ secrets.COSIGN_KEY }}', COSIGN_PASSWORD: '${{ secrets.COSIGN_PASSWORD }}' } }));
  const p = pushes(r);
  assert.deepEqual(names(p), ['ghcr.io/acme/kontroller', 'quay.io/acme/helper']);
  assert.equal(p.find((o) => o.refs[0]?.name === 'ghcr.io/acme/kontroller')?.location.line, 11);
  assert.deepEqual(refStrings(p.filter((o) => o.refs[0]?.name === 'quay.io/acme/helper')), ['quay.io/acme/helper:latest']);
  const s = signs(r);
  assert.equal(s.length, 1);
  // ids: [kontroller] leaves helper unsigned
  assert.deepEqual(names(s), ['ghcr.io/acme/kontroller']);
  assert.ok(signsPushedDigests(s[0]!, p), 'ko artifacts are digest references, of what the push produced');
  assert.equal(s[0]!.keyless, false);
  assert.equal(s[0]!.key?.value, 'env://COSIGN_PRIVATE_KEY');
  assert.equal(s[0]!.key?.source, 'secret');
  assert.equal(s[0]!.password?.source, 'secret');
});

test('KO_DOCKER_REPO overrides the kos repository', () => {
  const r = readGoreleaser(inv('kos', 'release', { env: { KO_DOCKER_REPO: 'registry.example.com/ko' } }));
  assert.ok(names(pushes(r)).includes('registry.example.com/ko'));
});

test('blob-only signing config: pushes, but no image signature; skip_push: true is a local build', () => {
  const r = readGoreleaser(inv('blob-only', 'release'));
  assert.deepEqual(names(pushes(r)), ['ghcr.io/acme/cli']);
  assert.equal(signs(r).length, 0);
  assert.ok(r.localBuilds.some((b) => b.name === 'ghcr.io/acme/cli-debug'));
});

test('-f config in a workdir, ids filter, default args sign by digest with cosign.key', () => {
  const r = readGoreleaser(inv('custom-config', 'release -f release.yml', { workdir: 'deploy' }));
  assert.deepEqual(names(pushes(r)), ['registry.example.com/team/other', 'registry.example.com/team/svc']);
  assert.equal(pushes(r)[0]!.location.file, 'deploy/release.yml');
  const s = signs(r);
  assert.deepEqual(names(s), ['registry.example.com/team/svc']);
  assert.equal(s[0]!.keyless, false);
  assert.equal(s[0]!.key?.source, 'file');
  assert.ok(signsPushedDigests(s[0]!, pushes(r)));
});

test('missing config and missing -f file: no operations, a limit note for -f', () => {
  assert.equal(readGoreleaser(inv('broken', 'release -f nope.yml')).limits.length, 1);
  const none = readGoreleaser({ ...inv('flux-like', 'release'), workdir: 'elsewhere' });
  assert.equal(none.operations.length, 0);
  assert.equal(none.findings.length, 0);
});

test('malformed config is a parse-error finding, not a crash', () => {
  const r = readGoreleaser(inv('broken', 'release'));
  assert.equal(r.findings[0]?.rule, 'parse-error');
  assert.equal(r.findings[0]?.location.file, '.goreleaser.yml');
  // Its dockers: section may push: one image not inspected (low confidence, fails the verdict), named in the finding.
  assert.deepEqual(r.operations.map((o) => `${o.kind} ${o.confidence} ${o.location.line} ${o.refs[0]?.name}`), [
    'push low 2 (not inspected) goreleaser dockers of .goreleaser.yml at .goreleaser.yml:2 (in a file that does not parse)',
  ]);
  assert.match(r.findings[0]!.message, /may hide a push: goreleaser dockers of \.goreleaser\.yml \(line 2\).*signing not credited: goreleaser docker_signs/);
  // A snapshot run publishes nothing, so nothing is hidden.
  assert.equal(readGoreleaser(inv('broken', 'release --snapshot')).operations.length, 0);
});

test('argument parsing', () => {
  assert.equal(parseGoreleaserArgs(['release', '--config=x.yml']).config, 'x.yml');
  assert.equal(parseGoreleaserArgs(['--timeout', '60m', '-f', 'y.yml']).command, 'release');
  assert.equal(parseGoreleaserArgs(['release', '--skip=ko']).skipKo, true);
  assert.equal(parseGoreleaserArgs(['release', '--nightly']).noPublish, undefined);
  assert.ok(parseGoreleaserArgs(['release', '--prepare']).noPublish);
});

test('templates and key classification', () => {
  assert.equal(renderTemplate('ghcr.io/{{.Env.ORG}}/{{ .ProjectName }}:{{ .Tag }}', { projectName: 'p', env: { ORG: 'o' } }), 'ghcr.io/o/p:{{ .Tag }}');
  const at = { file: 'x', line: 1 };
  assert.equal(classifyKey('awskms:///alias/k', {}, at).source, 'kms');
  assert.equal(classifyKey('k8s://ns/secret', {}, at).source, 'k8s');
  assert.equal(classifyKey('env://K', { K: 'literal' }, at).source, 'env');
  assert.equal(classifyKey('cosign.key', {}, at).source, 'file');
});

test('docker_signs without artifacts signs only dockers_v2 images; KMS key', () => {
  const r = readGoreleaser(inv('v2-default', 'release'));
  assert.deepEqual(names(pushes(r)), ['ghcr.io/acme/app', 'ghcr.io/acme/app-legacy']);
  const s = signs(r);
  assert.deepEqual(names(s), ['ghcr.io/acme/app']);
  assert.equal(s[0]!.key?.source, 'kms');
  assert.equal(s[0]!.keyless, false);
});

test('an ephemeral registry push is marked ephemeral', () => {
  const r = readGoreleaser(inv('v2-default', 'release', { ephemeralRegistries: ['ghcr.io'] }));
  assert.ok(pushes(r).every((p) => p.ephemeral === 'ghcr.io'));
});

test('split/merge (Pro): split jobs push the dockers images only; the merge job pushes manifests and kos and signs everything', () => {
  const split = readGoreleaser(inv('split-merge', 'release --clean --split --timeout 2h'));
  assert.deepEqual(refStrings(pushes(split)), ['ghcr.io/acme/collector:{{ .Version }}-amd64', 'ghcr.io/acme/collector:{{ .Version }}-arm64']);
  assert.deepEqual(signs(split), []);
  const merge = readGoreleaser(inv('split-merge', 'continue --merge --timeout 2h'));
  assert.deepEqual(refStrings(pushes(merge)), ['ghcr.io/acme/collector-ko:{{ .Version }}', 'ghcr.io/acme/collector:{{ .Version }}']);
  assert.deepEqual(refStrings(signs(merge)), [
    // ko's `${artifact}` is a digest reference: the digest the kos push (line 27) produced.
    'ghcr.io/acme/collector-ko:{{ .Version }}@$(digest-of-push:.goreleaser.yaml:27)',
    'ghcr.io/acme/collector:{{ .Version }}',
    'ghcr.io/acme/collector:{{ .Version }}-amd64',
    'ghcr.io/acme/collector:{{ .Version }}-arm64',
  ]);
  // publish --merge is the same phase; a plain release (no split) still does everything in one job.
  assert.equal(parseGoreleaserArgs(['publish', '--merge']).phase, 'merge');
  assert.equal(parseGoreleaserArgs(['release', '--clean']).phase, undefined);
  assert.equal(parseGoreleaserArgs(['continue', '-d', 'out']).phase, undefined);
  assert.equal(pushes(readGoreleaser(inv('split-merge', 'release --clean'))).length, 4);
});

test('must find nothing: a snapshot split builds locally, announce --merge and check publish nothing', () => {
  const r = readGoreleaser(inv('split-merge', 'release --snapshot --split --clean'));
  assert.deepEqual(r.operations, []);
  assert.ok(r.localBuilds.length > 0);
  assert.deepEqual(readGoreleaser(inv('split-merge', 'announce --merge')).operations, []);
});

test('includes: local files and GitHub files from the remote checkouts are merged in order; the including file wins single values', () => {
  const asked: string[] = [];
  const remoteFiles = (owner: string, repo: string, ref: string, path: string) => {
    asked.push(`${owner}/${repo}@${ref}:${path}`);
    return { text: 'docker_signs:\n  - artifacts: all\n    args: [sign, "${artifact}@${digest}", --yes]\n', display: `${owner}/${repo}/${path}@${ref}` };
  };
  const r = readGoreleaser(inv('includes', 'release --clean', { remoteFiles }));
  assert.deepEqual(asked, ['acme/release-config@v1:signing.yml']);
  assert.deepEqual(refStrings(pushes(r)), ['ghcr.io/acme/widget-ko:latest', 'ghcr.io/acme/widget:{{ .Tag }}']);
  const p = pushes(r).find((o) => o.tool === 'goreleaser dockers');
  assert.deepEqual(p?.location, { file: 'ci/images.yml', line: 12 });
  const s = signs(r);
  assert.equal(s.length, 1);
  assert.equal(s[0]!.location.file, 'acme/release-config/signing.yml@v1');
  assert.deepEqual(names(s), ['ghcr.io/acme/widget', 'ghcr.io/acme/widget-ko']);
  assert.ok(r.limits.some((l) => l.includes('ci/missing.yml') && l.includes('not in the repository')));
  assert.ok(r.limits.some((l) => l.includes('includes itself')));
});

test('includes without a checkout are not inspected: a finding, and an unknown image only when the file is about images', () => {
  const r = readGoreleaser(inv('includes', 'release --clean'));
  const f = r.findings.filter((x) => x.rule === 'not-inspected');
  assert.equal(f.length, 1);
  assert.deepEqual(f[0]!.location, { file: '.goreleaser.yml', line: 8 });
  assert.deepEqual(signs(r), []);
  assert.ok(!pushes(r).some((o) => o.refs[0]!.name.startsWith('(not inspected)')));
});

test('GitHub raw URLs, with or without the prefix; other hosts are not read', async () => {
  const { githubRawUrl } = await import('../../src/detect/goreleaser-includes.js');
  assert.deepEqual(githubRawUrl('caarlos0/goreleaserfiles/main/packages.yml'), { owner: 'caarlos0', repo: 'goreleaserfiles', ref: 'main', path: 'packages.yml' });
  assert.deepEqual(githubRawUrl('https://raw.githubusercontent.com/acme/cfg/refs/tags/v1/a/b.yaml'), { owner: 'acme', repo: 'cfg', ref: 'refs/tags/v1', path: 'a/b.yaml' });
  assert.equal(githubRawUrl('https://api.mycompany.com/configs/goreleaser.yaml'), undefined);
  assert.equal(githubRawUrl('acme/cfg/main'), undefined);
});
