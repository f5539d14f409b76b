import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { resolveGit } from '../../src/action/git-path.js';
import { makeWorkspace, runAction, type Workspace } from './harness.js';
import { PROJECT_ROOT } from '../helpers/golden.js';

const dirs: string[] = [];
const workspaces: Workspace[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  for (const w of workspaces) w.dispose();
});

function fakeProgram(dir: string, name: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\ntouch "${join(dir, 'RAN')}"\nexit 0\n`);
  chmodSync(file, 0o755);
  return file;
}

test('resolveGit skips PATH entries inside the workspace, relative and empty entries', () => {
  const root = mkdtempSync(join(tmpdir(), 'isa-git-'));
  dirs.push(root);
  const ws = join(root, 'ws');
  fakeProgram(join(ws, 'bin'), 'git');
  const outside = join(root, 'tools');
  const real = fakeProgram(outside, 'git');
  assert.deepEqual(resolveGit({ workspace: ws, path: ['', '.', 'bin', join(ws, 'bin'), outside].join(':'), platform: 'linux' }), { ok: true, file: real });
  const refused = resolveGit({ workspace: ws, path: ['', '.', join(ws, 'bin')].join(':'), platform: 'linux' });
  assert.equal(refused.ok, false);
  assert.match(!refused.ok ? refused.reason : '', /no git found on PATH outside the workspace/);
});

test('resolveGit on Windows: only git.exe, ;-separated PATH, never the checkout', () => {
  const root = mkdtempSync(join(tmpdir(), 'isa-gitw-'));
  dirs.push(root);
  const ws = join(root, 'ws');
  fakeProgram(ws, 'git.exe');
  const cmdOnly = join(root, 'cmd');
  fakeProgram(cmdOnly, 'git.cmd');
  const gitDir = join(root, 'Git', 'cmd');
  const real = fakeProgram(gitDir, 'git.exe');
  assert.deepEqual(resolveGit({ workspace: ws, path: [ws, cmdOnly, `"${gitDir}"`].join(';'), platform: 'win32' }), { ok: true, file: real });
  assert.equal(resolveGit({ workspace: ws, path: [ws, cmdOnly].join(';'), platform: 'win32' }).ok, false);
});

test('the action bundle does not run a git that the checkout puts first on PATH', async () => {
  const ws = makeWorkspace('repo-config', ['.github/image-signing-audit.yml']);
  workspaces.push(ws);
  const planted = join(ws.dir, 'evil-bin');
  fakeProgram(planted, 'git');
  const r = await runAction({ bundle: join(PROJECT_ROOT, 'dist', 'index.js'), workspace: ws, inputs: { 'github-token': '' }, env: { PATH: `${planted}:${process.env['PATH'] ?? ''}` } });
  assert.equal(existsSync(join(planted, 'RAN')), false, 'the planted git was run');
  assert.match(r.stdout, /changed files taken from git diff/, 'the real git, outside the workspace, was run');
});
