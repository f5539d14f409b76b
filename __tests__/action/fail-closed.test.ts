// Fail closed, as the runner runs the Action: a fork that pads a pipeline file past a bound (or hides a NUL byte in
// it) must turn the check red with an error at that file, not make the push vanish into a green `not-applicable`.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { buildActionBundle, runAction, type Workspace } from './harness.js';

const workspaces: Workspace[] = [];
after(() => {
  for (const w of workspaces) w.dispose();
});

/** A one-commit git workspace holding `files` (the Action reads the checkout's history for changed files). */
function hostileWorkspace(files: Record<string, string>): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'isa-hostile-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const git = (...args: string[]): string =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, encoding: 'utf8' }).trim();
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'head');
  const head = git('rev-parse', 'HEAD');
  const ws = { dir, base: head, head, dispose: () => rmSync(dir, { recursive: true, force: true }) };
  workspaces.push(ws);
  return ws;
}

const WORKFLOW = (run: string): string => `on: push\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: ${run}\n`;

interface Report {
  verdict: string;
  findings: Array<{ rule: string; severity: string; file: string }>;
}

async function runOnPush(ws: Workspace) {
  const bundle = await buildActionBundle();
  // A push to main: the gate is the whole verdict (fail-on left at its default).
  const run = await runAction({ bundle: bundle.file, workspace: ws, inputs: { 'github-token': '' }, eventName: 'push' });
  return { run, report: JSON.parse(run.outputs['report-file:content'] ?? '{}') as Report };
}

test('Action: a script padded past 1 MiB after its docker push fails the step with an error at the script', async () => {
  const ws = hostileWorkspace({
    '.github/workflows/release.yml': WORKFLOW('./scripts/release.sh'),
    'scripts/release.sh': '#!/bin/sh\ndocker push ghcr.io/acme/app:1.0\n' + ('#'.repeat(79) + '\n').repeat(13_200),
  });
  const { run, report } = await runOnPush(ws);
  assert.equal(run.code, 1, run.stdout);
  assert.equal(report.verdict, 'fail');
  assert.ok(report.findings.some((f) => f.rule === 'input-bound-exceeded' && f.file === 'scripts/release.sh' && f.severity === 'error'), JSON.stringify(report.findings));
  assert.match(run.stdout, /::error[^\n]*file=scripts\/release\.sh/);
});

test('Action: a workflow with a NUL byte near its start fails the step with an error at the workflow', async () => {
  const ws = hostileWorkspace({ '.github/workflows/release.yml': 'on: push\u0000\n' + WORKFLOW('docker push ghcr.io/acme/app:1.0').slice('on: push\n'.length) });
  const { run, report } = await runOnPush(ws);
  assert.equal(run.code, 1, run.stdout);
  assert.equal(report.verdict, 'fail');
  assert.ok(report.findings.some((f) => f.rule === 'input-bound-exceeded' && f.file === '.github/workflows/release.yml'), JSON.stringify(report.findings));
});
