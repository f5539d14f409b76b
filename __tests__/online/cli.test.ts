// The CLI end to end: a repository whose workflow pushes ghcr.io/acme/shop:1.0.0 and signs it keylessly, checked
// with --confirm-online against a real registry on 127.0.0.1 standing in for ghcr.io (--registry-endpoint), with
// the mock Sigstore instance's trusted root.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startRegistry, type RunningRegistry } from '../helpers/online/registry-server.js';
import { OciPusher } from '../helpers/online/oci-push.js';
import { startMockSigstore, type MockSigstore } from '../helpers/online/sigstore-mock.js';
import { makeWorkspace, runAction } from '../action/harness.js';

const exec = promisify(execFile);
const REPO_DIR = '__tests__/fixtures/online/keyless-repo';

describe('CLI --confirm-online', { concurrency: false }, () => {
  let registry: RunningRegistry;
  let sigstore: MockSigstore;
  let dir: string;
  let root: string;
  before(async () => {
    [registry, sigstore] = await Promise.all([startRegistry(), startMockSigstore()]);
    dir = mkdtempSync(join(tmpdir(), 'isa-online-cli-'));
    root = join(dir, 'trusted-root.json');
    writeFileSync(root, sigstore.trustedRoot);
  });
  after(async () => {
    await Promise.all([registry?.stop(), sigstore?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });
  const cli = async (...extra: string[]) => {
    try {
      const r = await exec(process.execPath, ['dist/cli.js', REPO_DIR, '--repository', 'acme/shop', '--confirm-online', '--registry-endpoint', `ghcr.io=${registry.url}`, '--trusted-root', root, ...extra], { encoding: 'utf8' });
      return { code: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  it('prints "confirmed" for the signed image, then signature-not-in-registry once the tag is re-pushed unsigned', async () => {
    const push = new OciPusher(registry.url);
    const img = await push.image('acme/shop', '1.0.0', 'release');
    await push.attachBundle('acme/shop', img, await sigstore.signBundle(img.digest, { repository: 'acme/shop', workflow: '.github/workflows/release.yml@refs/tags/v1.0.0' }));

    const ok = await cli('--fail-on', 'fail');
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /1 of 1 image is signed \(1 confirmed in the registry\); verification enforced via kyverno/);
    assert.match(ok.stdout, /registry: confirmed for ghcr\.io\/acme\/shop:1\.0\.0 \(sha256:[0-9a-f]{64}\)/);
    assert.match(ok.stdout, /verified: sigstore-bundle signature at referrer sha256:[0-9a-f]{64} \(fallback tag sha256-[0-9a-f]{64}\)/);

    await push.image('acme/shop', '1.0.0', 'rebuilt by hand');
    const bad = await cli('--fail-on', 'fail', '--format', 'json');
    assert.equal(bad.code, 1);
    const report = JSON.parse(bad.stdout) as { verdict: string; images: Array<{ online: { status: string } }>; findings: Array<{ rule: string; severity: string; file: string; line: number }> };
    assert.equal(report.verdict, 'fail');
    assert.equal(report.images[0]!.online.status, 'missing');
    assert.deepEqual(report.findings.map((f) => [f.rule, f.severity, f.file, f.line]), [['signature-not-in-registry', 'error', '.github/workflows/release.yml', 24]]);
  });

  it('the Action (dist/index.js) with confirm-online, registry-endpoints and trusted-root', async () => {
    const ws = makeWorkspace('../online/keyless-repo');
    try {
      writeFileSync(join(ws.dir, 'trusted-root.json'), sigstore.trustedRoot);
      const push = new OciPusher(registry.url);
      const img = await push.image('acme/shop', '2.0.0', 'action');
      await push.attachBundle('acme/shop', img, await sigstore.signBundle(img.digest, { repository: 'acme/shop', workflow: '.github/workflows/release.yml@refs/tags/v2.0.0' }));
      const r = await runAction({
        bundle: join(process.cwd(), 'dist', 'index.js'),
        workspace: ws,
        eventName: 'push',
        inputs: { 'github-token': '', repository: 'acme/shop', 'fail-on': 'fail', 'confirm-online': 'required', 'registry-endpoints': `ghcr.io=${registry.url}`, 'trusted-root': 'trusted-root.json', 'confirm-reference': '2.0.0' },
      });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.outputs['sentence'] ?? '', /^1 of 1 image is signed \(1 confirmed in the registry\); /);
      assert.match(r.summary, /registry: confirmed/);
      const report = JSON.parse(r.outputs['report-file:content']!) as { images: Array<{ online: { status: string; reference: string } }> };
      assert.deepEqual([report.images[0]!.online.status, report.images[0]!.online.reference], ['confirmed', 'ghcr.io/acme/shop:2.0.0']);
    } finally {
      ws.dispose();
    }
  });

  it('usage errors: plain http to a non-loopback endpoint, online flags without --confirm-online', async () => {
    const r1 = await exec(process.execPath, ['dist/cli.js', REPO_DIR, '--confirm-online', '--registry-endpoint', 'ghcr.io=http://example.com']).catch((e: { code: number; stderr: string }) => e);
    assert.equal((r1 as { code: number }).code, 2);
    assert.match((r1 as { stderr: string }).stderr, /must be https \(plain http only for a loopback address\)/);
    const r2 = await exec(process.execPath, ['dist/cli.js', REPO_DIR, '--trusted-root', root]).catch((e: { code: number; stderr: string }) => e);
    assert.equal((r2 as { code: number }).code, 2);
    assert.match((r2 as { stderr: string }).stderr, /--trusted-root needs --confirm-online/);
  });
});

describe('the static path does not carry the online code', () => {
  it('dist/cli.js and dist/index.js bundle no Sigstore package; dist/online.js does', async () => {
    const { readFileSync } = await import('node:fs');
    for (const f of ['dist/cli.js.map', 'dist/index.js.map']) {
      const sources = (JSON.parse(readFileSync(f, 'utf8')) as { sources: string[] }).sources;
      assert.ok(!sources.some((s) => s.includes('@sigstore') || s.includes('src/online/registry') || s.includes('src/online/sigstore') || s.includes('src/online/confirm')), f);
    }
    const online = (JSON.parse(readFileSync('dist/online.js.map', 'utf8')) as { sources: string[] }).sources;
    assert.ok(online.some((s) => s.includes('@sigstore/verify')));
  });
});
