import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertGolden, PROJECT_ROOT } from '../helpers/golden.js';

/**
 * Runs the committed bundle `dist/cli.js` as a subprocess, the way a user on a fresh clone does (CI fails
 * separately when dist/ is not rebuilt from the sources, so these goldens also pin the bundle).
 */
const CLI = join(PROJECT_ROOT, 'dist', 'cli.js');

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: PROJECT_ROOT, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('text report of the bundled example (golden)', () => {
  const r = cli(['examples/signed-and-enforced', '--repository', 'example-org/shop']);
  assert.equal(r.code, 0, r.stderr);
  assertGolden('cli/signed-and-enforced.txt', r.stdout);
});

test('JSON report of an unsigned example (golden), exit 0 although the verdict is fail', () => {
  const r = cli(['examples/unsigned', '--repository', 'example-org/api', '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { version: number; verdict: string };
  assert.equal(report.version, 1);
  assert.equal(report.verdict, 'fail');
  assertGolden('cli/unsigned.json', r.stdout);
});

test('SARIF output is a SARIF 2.1.0 log with one result per finding', () => {
  const r = cli(['examples/unsigned', '--repository', 'example-org/api', '--format', 'sarif']);
  assert.equal(r.code, 0, r.stderr);
  const log = JSON.parse(r.stdout) as { version: string; runs: Array<{ results: unknown[] }> };
  assert.equal(log.version, '2.1.0');
  assert.equal(log.runs[0]!.results.length, 3);
});

test('usage errors exit 2 and say what is wrong', () => {
  for (const args of [['--format', 'xml'], ['--bogus'], ['no/such/dir'], ['--repository', 'not-a-repo'], ['--require-enforcement', 'maybe']]) {
    const r = cli(args);
    assert.equal(r.code, 2, `${args.join(' ')} → ${r.code}`);
    assert.match(r.stderr, /image-signing-audit: /);
  }
  assert.equal(cli(['--help']).code, 0);
});

test('--require-enforcement false lets signing alone pass, and the sentence still says none found', () => {
  const dir = join('__tests__', 'fixtures', 'workflows', 'bpa-cosign-digest');
  const strict = JSON.parse(cli([dir, '--repository', 'acme/app', '--format', 'json']).stdout) as { verdict: string };
  const lenient = JSON.parse(cli([dir, '--repository', 'acme/app', '--format', 'json', '--require-enforcement', 'false']).stdout) as { verdict: string; sentence: string; findings: Array<{ rule: string; severity: string }> };
  assert.equal(strict.verdict, 'fail');
  assert.equal(lenient.verdict, 'pass');
  assert.match(lenient.sentence, /verification enforced via none found\.$/);
  assert.ok(lenient.findings.some((f) => f.rule === 'no-admission-enforcement' && f.severity === 'note'));
});

test('the bundle loads its regular-expression engine on first use: a bash =~ test is decided, not left open', () => {
  const dir = mkdtempSync(join(tmpdir(), 'isa-cli-re2-'));
  try {
    mkdirSync(join(dir, '.github', 'workflows'), { recursive: true });
    const script = ['V=abc', 'if [[ $V =~ ^a(b|x)c$ ]]; then N=app; else N=other; fi', 'docker push ghcr.io/acme/$N:1'].map((l) => `          ${l}\n`).join('');
    writeFileSync(join(dir, '.github', 'workflows', 'a.yml'), `on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n${script}`);
    const r = cli([dir, '--repository', 'acme/app', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as { images: Array<{ name: string }> }).images.map((i) => i.name), ['ghcr.io/acme/app']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
