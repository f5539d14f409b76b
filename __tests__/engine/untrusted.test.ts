import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { analyze } from '../../src/engine/analyze.js';
import { openRepo, MAX_FILE_BYTES } from '../../src/discover/repo.js';
import { loadShellParser } from '../../src/shell/index.js';
import { renderText } from '../../src/render/text.js';

/** The scanned tree is untrusted: symlinks out of it, huge and binary files, alias bombs, hostile text. */
let dir = '';
let outside = '';
before(async () => {
  await loadShellParser();
  dir = mkdtempSync(join(tmpdir(), 'isa-untrusted-'));
  outside = mkdtempSync(join(tmpdir(), 'isa-outside-'));
  mkdirSync(join(dir, '.github', 'workflows'), { recursive: true });
  // A workflow outside the tree, reachable only through symlinks.
  writeFileSync(join(outside, 'evil.yml'), 'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: docker push ghcr.io/evil/outside:1\n');
  symlinkSync(join(outside, 'evil.yml'), join(dir, '.github', 'workflows', 'linked.yml'));
  symlinkSync(outside, join(dir, 'linked-dir'));
  // A binary "workflow", an oversized one, and a YAML alias bomb.
  writeFileSync(join(dir, '.github', 'workflows', 'binary.yml'), Buffer.from([0x6f, 0x6e, 0x3a, 0x00, 0x01, 0x02]));
  writeFileSync(join(dir, '.github', 'workflows', 'huge.yml'), 'on: push\n#' + 'x'.repeat(MAX_FILE_BYTES + 10) + '\n');
  const bomb = ['on: push', 'x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i < 12; i++) bomb.push(`x${i}: &a${i} [*a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}]`);
  bomb.push('jobs:', '  a:', '    runs-on: x', '    strategy:', '      matrix:', '        v: *a11', '    steps:', '      - run: docker push ghcr.io/acme/bomb:${{ matrix.v }}');
  writeFileSync(join(dir, '.github', 'workflows', 'bomb.yml'), bomb.join('\n') + '\n');
  // Hostile text in a name: control characters, workflow-command syntax.
  writeFileSync(join(dir, '.github', 'workflows', 'hostile.yml'), 'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: |\n          docker push "ghcr.io/acme/x::error::pwned%0A\x1b[31m:1"\n');
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

test('symbolic links are neither listed nor followed', async () => {
  const repo = openRepo(dir);
  assert.ok(!repo.files.some((f) => f.path.includes('linked')));
  const read = repo.read('linked-dir/evil.yml');
  assert.equal(read.ok, false);
  const report = await analyze({ root: dir, repository: 'acme/x' });
  assert.ok(!report.images.some((i) => i.name.includes('evil')));
});

test('binary and oversized files become parse-error findings, an alias bomb is bounded, nothing throws', async () => {
  const report = await analyze({ root: dir, repository: 'acme/x' });
  const parseErrors = report.findings.filter((f) => f.rule === 'parse-error').map((f) => f.file);
  assert.ok(parseErrors.includes('.github/workflows/binary.yml'), parseErrors.join(','));
  assert.ok(parseErrors.includes('.github/workflows/huge.yml'), parseErrors.join(','));
  // The bomb's matrix (9^12 values if expanded) is never expanded beyond the bounds.
  const bomb = report.images.filter((i) => i.name === 'ghcr.io/acme/bomb');
  assert.ok(bomb.length <= 1);
  assert.ok(report.limits.some((l) => /bound/.test(l)) || bomb.length === 0, report.limits.join('\n'));
});

test('hostile text from the tree cannot inject control sequences into the text report', async () => {
  const report = await analyze({ root: dir, repository: 'acme/x' });
  assert.ok(report.images.some((i) => i.name.includes('pwned')), 'the hostile image is reported');
  const text = renderText(report);
  assert.ok(!text.includes('\x1b'), 'no raw escape character');
  assert.ok(text.split('\n').every((line) => !line.startsWith('::')), 'no line starts a workflow command');
});

test('paths that leave the tree are refused', () => {
  const repo = openRepo(dir);
  for (const p of ['../etc/passwd', '/etc/passwd', 'a/../../x']) assert.equal(repo.read(p).ok, false, p);
});
