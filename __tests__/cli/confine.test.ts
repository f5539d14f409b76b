import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { runAction } from '../action/harness.js';
import { PROJECT_ROOT } from '../helpers/golden.js';

/** Every directory the tool is given resolves inside the directory it was given: symlinks in it are refused. */
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function write(root: string, files: Record<string, string>): void {
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), c);
  }
}

const CALLER = 'on: push\njobs:\n  build:\n    uses: acme/shared/.github/workflows/build.yml@v1\n';
const CALLEE = 'on: workflow_call\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker push ghcr.io/acme/from-outside:1\n';
const POLICY = 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: outside-policy\nspec:\n  validationFailureAction: Enforce\n  rules:\n    - name: v\n      verifyImages:\n        - imageReferences: ["ghcr.io/acme/*"]\n';

function setup(): { base: string; repo: string; remote: string } {
  const base = mkdtempSync(join(tmpdir(), 'isa-confine-'));
  dirs.push(base);
  const repo = join(base, 'repo');
  write(repo, { '.github/workflows/ci.yml': CALLER });
  write(join(base, 'elsewhere', 'shared'), { '.github/workflows/build.yml': CALLEE });
  write(join(base, 'elsewhere', 'policies'), { 'policy.yaml': POLICY });
  const remote = join(base, 'remote');
  mkdirSync(join(remote, 'acme'), { recursive: true });
  // DIR/<owner>/<repo> is a symbolic link out of DIR.
  symlinkSync(join(base, 'elsewhere', 'shared'), join(remote, 'acme', 'shared'));
  // A policy folder inside the checkout that links out of it.
  symlinkSync(join(base, 'elsewhere', 'policies'), join(repo, 'deploy'));
  return { base, repo, remote };
}

interface Report {
  images: Array<{ name: string }>;
  enforcement: Array<{ name: string }>;
  limits: string[];
}

test('CLI: a symlinked DIR/<owner>/<repo> and a symlinked policy path are refused with a note', () => {
  const { base, repo } = setup();
  const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'dist', 'cli.js'), 'repo', '--repository', 'acme/app', '--format', 'json', '--remote-checkouts', 'remote', '--policy-paths', 'repo/deploy'], { cwd: base, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout) as Report;
  assert.ok(!report.images.some((i) => i.name === 'ghcr.io/acme/from-outside'), 'the workflow outside DIR was read');
  assert.ok(!report.enforcement.some((e) => e.name === 'outside-policy'), 'the policy outside the given directory was read');
  assert.ok(report.limits.some((l) => /remote checkout .* outside .*symbolic link/.test(l)), report.limits.join('\n'));
  assert.ok(report.limits.some((l) => /--policy-paths entry 'repo\/deploy' resolves to .* outside/.test(l)), report.limits.join('\n'));
  void repo;
});

test('CLI: the same layout without symlinks is read (the refusal is about the links)', () => {
  const base = mkdtempSync(join(tmpdir(), 'isa-confine-ok-'));
  dirs.push(base);
  write(join(base, 'repo'), { '.github/workflows/ci.yml': CALLER });
  write(join(base, 'remote', 'acme', 'shared'), { '.github/workflows/build.yml': CALLEE });
  const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'dist', 'cli.js'), 'repo', '--repository', 'acme/app', '--format', 'json', '--remote-checkouts', 'remote'], { cwd: base, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
  const report = JSON.parse(r.stdout) as Report;
  assert.ok(report.images.some((i) => i.name === 'ghcr.io/acme/from-outside'));
});

test('action: policy-paths, remote-checkouts and the config file that link out of the workspace are refused', async () => {
  const { base, repo } = setup();
  symlinkSync(join(base, 'remote'), join(repo, 'remote'));
  write(join(base, 'elsewhere'), { 'config.yml': 'version: 1\nexclude-images:\n  - image: "*"\n    reason: everything\n' });
  symlinkSync(join(base, 'elsewhere', 'config.yml'), join(repo, '.github', 'image-signing-audit.yml'));
  const r = await runAction({
    bundle: join(PROJECT_ROOT, 'dist', 'index.js'),
    workspace: { dir: repo, dispose: () => undefined },
    inputs: { 'github-token': '', 'policy-paths': 'deploy', 'remote-checkouts': 'remote', annotate: 'all' },
    eventName: 'push',
  });
  const report = JSON.parse(r.outputs['report-file:content'] ?? '{}') as Report & { findings: Array<{ rule: string; message: string }> };
  assert.ok(!report.enforcement.some((e) => e.name === 'outside-policy'));
  assert.ok(!report.images.some((i) => i.name === 'ghcr.io/acme/from-outside'));
  assert.ok(report.limits.some((l) => /policy-paths entry '.*deploy' resolves to .* outside/.test(l)), report.limits.join('\n'));
  assert.ok(report.limits.some((l) => /remote-checkouts '.*remote' resolves to .* outside/.test(l)), report.limits.join('\n'));
  assert.ok(report.findings.some((f) => f.rule === 'config-error' && /symbolic link/.test(f.message)), JSON.stringify(report.findings));
  const outside = await runAction({ bundle: join(PROJECT_ROOT, 'dist', 'index.js'), workspace: { dir: repo, dispose: () => undefined }, inputs: { 'github-token': '', path: 'deploy' }, eventName: 'push' });
  assert.equal(outside.code, 1);
  assert.match(outside.stdout, /path '.*deploy' resolves to .* outside/);
});
