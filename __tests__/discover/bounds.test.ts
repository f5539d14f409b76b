import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { PROJECT_ROOT } from '../helpers/golden.js';
import { MAX_FILE_BYTES, MAX_FILES, openRepo } from '../../src/discover/repo.js';

/** Hostile trees, run through the committed CLI bundle as a user (or a workflow step) runs it. */
const CLI = join(PROJECT_ROOT, 'dist', 'cli.js');

interface Finding {
  rule: string;
  severity: string;
  file: string;
  message: string;
}
interface JsonReport {
  verdict: string;
  images: Array<{ name: string }>;
  findings: Finding[];
  limits: string[];
}

function tree(files: Record<string, string | Buffer>): { dir: string; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'isa-bounds-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

function audit(dir: string): JsonReport {
  const r = spawnSync(process.execPath, [CLI, dir, '--repository', 'acme/app', '--format', 'json'], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' }, maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as JsonReport;
}

const WORKFLOW = (run: string): string => `on: push\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: ${run}\n`;
const PADDING = '#'.repeat(80) + '\n';
const padded = (head: string): string => head + PADDING.repeat(Math.ceil((MAX_FILE_BYTES + 1) / PADDING.length));

function boundFinding(report: JsonReport, file: string): Finding | undefined {
  return report.findings.find((f) => f.rule === 'input-bound-exceeded' && f.file === file);
}

test('a script padded past the size bound is an error at the script and fails the verdict (it was not-applicable)', () => {
  const t = tree({
    '.github/workflows/release.yml': WORKFLOW('./scripts/release.sh'),
    'scripts/release.sh': padded('#!/bin/sh\ndocker push ghcr.io/acme/app:1.0\n'),
  });
  try {
    const report = audit(t.dir);
    assert.equal(report.verdict, 'fail');
    const f = boundFinding(report, 'scripts/release.sh');
    assert.ok(f, JSON.stringify(report.findings));
    assert.equal(f.severity, 'error');
    assert.match(f.message, /over the 1048576-byte bound/);
  } finally {
    t.dispose();
  }
});

test('a workflow with an early NUL byte is an error at the workflow and fails the verdict', () => {
  const t = tree({ '.github/workflows/release.yml': Buffer.concat([Buffer.from('\0'), Buffer.from(WORKFLOW('docker push ghcr.io/acme/app:1.0'))]) });
  try {
    const report = audit(t.dir);
    assert.equal(report.verdict, 'fail');
    assert.match(boundFinding(report, '.github/workflows/release.yml')?.message ?? '', /binary file/);
  } finally {
    t.dispose();
  }
});

test('a padded Makefile and a padded composite action are errors at those files', () => {
  const t = tree({
    '.github/workflows/release.yml': WORKFLOW('make release') + '      - uses: ./.github/actions/push\n',
    Makefile: padded('release:\n\tdocker push ghcr.io/acme/app:1.0\n'),
    '.github/actions/push/action.yml': padded("runs:\n  using: composite\n  steps:\n    - run: docker push ghcr.io/acme/tool:1\n      shell: bash\n"),
  });
  try {
    const report = audit(t.dir);
    assert.equal(report.verdict, 'fail');
    assert.ok(boundFinding(report, 'Makefile'), JSON.stringify(report.findings));
    assert.ok(boundFinding(report, '.github/actions/push/action.yml'), JSON.stringify(report.findings));
  } finally {
    t.dispose();
  }
});

test('a large YAML file only the policy scan reads is not a pipeline file: no bound finding', () => {
  const t = tree({
    '.github/workflows/ci.yml': WORKFLOW('echo test'),
    'deploy/crds.yaml': padded('apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n'),
  });
  try {
    const report = audit(t.dir);
    assert.equal(report.verdict, 'not-applicable');
    assert.equal(report.findings.filter((f) => f.rule === 'input-bound-exceeded').length, 0);
  } finally {
    t.dispose();
  }
});

test(`${MAX_FILES} empty files in a folder that sorts before .github do not push the workflow out of the walk`, () => {
  const t = tree({ '.github/workflows/release.yml': WORKFLOW('docker push ghcr.io/acme/app:1.0'), 'scripts/push.sh': 'docker push ghcr.io/acme/other:1\n' });
  try {
    mkdirSync(join(t.dir, '.a'));
    for (let i = 0; i <= MAX_FILES; i++) writeFileSync(join(t.dir, '.a', `f${i}`), '');
    const repo = openRepo(t.dir);
    assert.ok(repo.has('.github/workflows/release.yml'));
    assert.ok(repo.files.some((f) => f.path === 'scripts/push.sh'));
    assert.ok(repo.limits.some((l) => /file count bound/.test(l)));
    const report = audit(t.dir);
    assert.deepEqual(
      report.images.map((i) => i.name),
      ['ghcr.io/acme/app'],
    );
    assert.equal(report.verdict, 'fail');
  } finally {
    t.dispose();
  }
});

test('a script below the depth bound is still found and read when a workflow names it', () => {
  const deep = Array.from({ length: 45 }, (_, i) => `d${i}`).join('/');
  const t = tree({ '.github/workflows/release.yml': WORKFLOW(`./${deep}/push.sh`), [`${deep}/push.sh`]: '#!/bin/sh\ndocker push ghcr.io/acme/deep:1\n' });
  try {
    const repo = openRepo(t.dir);
    assert.ok(repo.limits.some((l) => /directory depth bound/.test(l)));
    assert.equal(repo.files.some((f) => f.path.endsWith('push.sh')), false, 'not listed');
    assert.ok(repo.has(`${deep}/push.sh`), 'found on disk after the walk bound');
    const report = audit(t.dir);
    assert.deepEqual(
      report.images.map((i) => i.name),
      ['ghcr.io/acme/deep'],
    );
  } finally {
    t.dispose();
  }
});

test('a composite action nested too deeply for the YAML parser is an input bound at the action, not an engine error', () => {
  const dir = join(PROJECT_ROOT, '__tests__', 'fixtures', 'hostile', 'yaml-deep-indent');
  const r = spawnSync(process.execPath, [CLI, dir, '--repository', 'acme/app', '--format', 'json'], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /call stack|RangeError/i);
  const report = JSON.parse(r.stdout) as JsonReport;
  assert.equal(report.verdict, 'fail');
  const f = boundFinding(report, '.github/actions/a0/action.yml');
  assert.ok(f, JSON.stringify(report.findings));
  // The parser's own stack of open collections is watched, so the bound is crossed (and named) before it recurses.
  assert.match(f.message, /YAML nesting deeper than 256 levels/);
});
