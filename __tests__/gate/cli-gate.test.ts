// The CLI's --base and --fail-on, on git repositories with a base and a head commit, through dist/cli.js.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Workspace } from '../action/harness.js';
import { PROJECT_ROOT } from '../helpers/golden.js';
import { git, gitWorkspace } from './workspace.js';

const CLI = join(PROJECT_ROOT, 'dist', 'cli.js');
const workspaces: Workspace[] = [];
after(() => {
  for (const w of workspaces) w.dispose();
});

function ws(overlays: string[]): Workspace {
  const w = gitWorkspace(overlays);
  workspaces.push(w);
  return w;
}

function cli(cwd: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface JsonReport {
  verdict: string;
  repository?: string;
  change?: { status: string; base?: string; worse: Array<{ kind: string; message: string }> };
  findings: Array<{ rule: string; suppressed?: unknown }>;
}

test('--base: adding an unsigned image fails (exit 1); the report carries the change', () => {
  const w = ws(['add-unsigned']);
  const r = cli(w.dir, ['.', '--base', 'HEAD~1', '--repository', 'acme/widget', '--format', 'json']);
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout) as JsonReport;
  assert.equal(report.change?.status, 'compared');
  assert.equal(report.change?.base, w.base);
  assert.deepEqual(report.change?.worse.map((x) => x.kind), ['new-unsigned-image']);
  assert.match(r.stderr, /check failed \(fail-on: new\): 1 thing is worse than the base commit [0-9a-f]{12}: adds ghcr\.io\/acme\/worker/);
});

test('--base: a README-only change passes (exit 0) although the verdict is fail', () => {
  const w = ws(['readme']);
  const r = cli(w.dir, ['.', '--base', w.base!, '--repository', 'acme/widget', '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as JsonReport;
  assert.equal(report.verdict, 'fail');
  assert.deepEqual(report.change?.worse, []);
  assert.match(r.stderr, /check passed \(fail-on: new\): nothing is worse than the base commit/);
});

test('--base: deleting the signing step fails (exit 1), in the text report too', () => {
  const w = ws(['unsign']);
  const r = cli(w.dir, ['.', '--base', 'main~1', '--repository', 'acme/widget']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^change against base [0-9a-f]{40}: ghcr\.io\/acme\/widget is no longer signed where it is pushed at \.github\/workflows\/release\.yml:16/m);
  assert.match(r.stdout, /^ {2}worse: ghcr\.io\/acme\/widget is no longer signed/m);
});

test('--fail-on sets the exit status: 0 passed, 1 failed, 2 usage error; without it a plain run exits 0', () => {
  const w = ws(['readme']);
  const base = ['.', '--repository', 'acme/widget'];
  assert.equal(cli(w.dir, base).code, 0, 'no gate asked: exit 0 whatever the verdict');
  assert.equal(cli(w.dir, [...base, '--fail-on', 'fail']).code, 1);
  assert.equal(cli(w.dir, [...base, '--fail-on', 'error']).code, 1);
  assert.equal(cli(w.dir, [...base, '--fail-on', 'never']).code, 0);
  assert.equal(cli(w.dir, [...base, '--fail-on', 'fail', '--require-enforcement', 'false']).code, 0, 'signed, and enforcement not required: pass');
  assert.equal(cli(w.dir, [...base, '--base', 'HEAD~1', '--fail-on', 'fail']).code, 1, 'an explicit fail-on wins over the --base default');
  for (const args of [['--fail-on', 'sometimes'], ['--fail-on', 'new'], ['--base', 'no-such-branch'], ['--base', '--oops'], ['--base', 'a b']]) {
    const r = cli(w.dir, [...base, ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^image-signing-audit: /);
  }
});

test('--base outside a git repository is a usage error', () => {
  const r = cli(PROJECT_ROOT, [join(PROJECT_ROOT, 'examples', 'unsigned'), '--base', 'HEAD'], { GIT_CEILING_DIRECTORIES: join(PROJECT_ROOT, 'examples') });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--base HEAD: /);
});

test('the repository comes from --repository, then GITHUB_REPOSITORY, then the origin remote on github.com', () => {
  const w = ws(['readme']);
  const repo = (args: string[], env: Record<string, string> = {}) => (JSON.parse(cli(w.dir, ['.', '--format', 'json', ...args], env).stdout) as JsonReport).repository;
  assert.equal(repo([]), undefined, 'no remote, no variable');
  git(w.dir, 'remote', 'add', 'origin', 'git@github.com:acme/widget.git');
  assert.equal(repo([]), 'acme/widget');
  assert.equal(repo([], { GITHUB_REPOSITORY: 'other/repo' }), 'other/repo');
  assert.equal(repo(['--repository', 'third/one'], { GITHUB_REPOSITORY: 'other/repo' }), 'third/one');
  git(w.dir, 'remote', 'set-url', 'origin', 'https://gitlab.example/acme/widget.git');
  assert.equal(repo([]), undefined, 'not a GitHub remote');
});

test('the CLI reads the configuration file and inline ignores, as the Action does', () => {
  const w = ws(['suppressed']);
  const r = cli(w.dir, ['.', '--repository', 'acme/widget', '--format', 'json', '--require-enforcement', 'false', '--fail-on', 'fail']);
  const report = JSON.parse(r.stdout) as JsonReport;
  assert.ok(report.findings.some((f) => f.rule === 'unsigned-image' && f.suppressed), 'the inline ignore applies');
  assert.equal(report.verdict, 'pass');
  assert.equal(r.code, 0);
  const strict = cli(w.dir, ['.', '--repository', 'acme/widget', '--format', 'json', '--fail-on', 'fail', '--config', '.github/missing.yml']);
  assert.ok((JSON.parse(strict.stdout) as JsonReport).findings.some((f) => f.rule === 'config-error'), 'a named config file that is missing is a config-error');
});
