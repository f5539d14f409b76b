import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { audit } from '../../src/audit/audit.js';
import { MAX_FILE_BYTES, openRepo } from '../../src/discover/repo.js';
import { baseTreeReader, blobId } from '../../src/gate/base-tree.js';
import { loadBaseline } from '../../src/gate/baseline.js';
import { Git, parseBatch, parseLsTree } from '../../src/gate/git.js';
import { PROJECT_ROOT } from '../helpers/golden.js';
import { git } from './workspace.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A git repository holding `example` (a folder of the project) as its only commit. */
function repoOf(example: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'isa-tree-'));
  dirs.push(dir);
  cpSync(join(PROJECT_ROOT, example), dir, { recursive: true });
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'base');
  return dir;
}

function gitAt(dir: string): Git {
  const g = Git.locate(dir, dir);
  assert.ok(!('error' in g), 'git is on PATH');
  return g;
}

async function auditBoth(dir: string, root = dir, extra: { policyPaths?: string[] } = {}) {
  const head = openRepo(root);
  const options = { root, repo: head, repository: 'example-org/shop', policyPaths: extra.policyPaths ?? [] };
  const headReport = (await audit({ options, config: '.github/image-signing-audit.yml', configExplicit: false })).report;
  const baseline = await loadBaseline({ root, head, git: gitAt(root), commit: 'HEAD', ...(extra.policyPaths ? { policyPaths: extra.policyPaths } : {}) });
  assert.ok(baseline.ok, baseline.ok ? '' : baseline.reason);
  const baseReport = (await audit({ options: { ...options, repo: baseline.reader, policyRepos: baseline.policyRepos }, config: '.github/image-signing-audit.yml', configExplicit: false })).report;
  return { headReport, baseReport, baseline };
}

test('the base view of an unchanged commit gives the same report as the checkout', async () => {
  for (const example of ['examples/signed-and-enforced', 'examples/unsigned', '__tests__/fixtures/action/repo-inline']) {
    const dir = repoOf(example);
    const { headReport, baseReport, baseline } = await auditBoth(dir);
    assert.deepEqual(baseReport, headReport, example);
    assert.ok(baseline.ok && baseline.missing().length === 0);
    assert.ok(headReport.images.length > 0, `${example} pushes images`);
  }
});

test('a file changed in the checkout but not committed is read at the commit (from the object store)', async () => {
  const dir = repoOf('examples/unsigned');
  const wf = join(dir, '.github', 'workflows');
  writeFileSync(join(wf, 'extra.yml'), 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker push ghcr.io/example-org/extra:1\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'extra');
  writeFileSync(join(wf, 'extra.yml'), 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo nothing\n');
  const { headReport, baseReport } = await auditBoth(dir);
  assert.ok(baseReport.images.some((i) => i.name === 'ghcr.io/example-org/extra'), 'the committed content');
  assert.ok(!headReport.images.some((i) => i.name === 'ghcr.io/example-org/extra'), 'the working tree');
});

test('files git does not track (a second checkout inside the workspace) belong to both trees; a subdirectory is scanned at its prefix', async () => {
  const dir = repoOf('examples/signed-and-enforced');
  mkdirSync(join(dir, 'untracked-gitops'), { recursive: true });
  writeFileSync(join(dir, 'untracked-gitops', 'note.yaml'), 'a: 1\n');
  const head = openRepo(dir);
  const baseline = await loadBaseline({ root: dir, head, git: gitAt(dir), commit: 'HEAD' });
  assert.ok(baseline.ok);
  assert.ok(baseline.reader.has('untracked-gitops/note.yaml'));
  assert.deepEqual(baseline.reader.read('untracked-gitops/note.yaml'), { ok: true, text: 'a: 1\n' });
  assert.deepEqual(
    baseline.reader.files.map((f) => f.path),
    head.files.map((f) => f.path),
  );
  // Scanning a subdirectory of the repository: paths are relative to it in both views.
  const outer = mkdtempSync(join(tmpdir(), 'isa-outer-'));
  dirs.push(outer);
  cpSync(join(PROJECT_ROOT, 'examples'), join(outer, 'examples'), { recursive: true });
  git(outer, 'init', '-q');
  git(outer, 'add', '-A');
  git(outer, 'commit', '-q', '-m', 'base');
  const sub = join(outer, 'examples', 'signed-and-enforced');
  const { headReport, baseReport } = await auditBoth(outer, sub);
  assert.deepEqual(baseReport, headReport);
  assert.ok(headReport.images.length > 0);
});

test('a policy path inside the tree that git tracks is read at the base commit', async () => {
  const dir = repoOf('examples/signed-and-enforced');
  const policies = join(dir, 'deploy');
  const { headReport, baseReport } = await auditBoth(dir, dir, { policyPaths: [policies] });
  assert.deepEqual(baseReport, headReport);
  assert.ok(headReport.enforcement.some((e) => e.deployedBy?.includes('policy-paths')), 'counted through policy-paths');
});

test('bounds and refusals are the checkout reader’s; CRLF checkouts are read from disk; what cannot be had is missing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'isa-crlf-'));
  dirs.push(dir);
  const lf = Buffer.from('name: x\non: push\n');
  writeFileSync(join(dir, 'crlf.yml'), lf.toString().replace(/\n/g, '\r\n'));
  writeFileSync(join(dir, 'big.yml'), 'x');
  writeFileSync(join(dir, 'bin.yml'), Buffer.from([0x61, 0, 0x62]));
  const head = openRepo(dir);
  const entries = [
    { path: 'crlf.yml', oid: blobId(lf, 'a'.repeat(40)), size: lf.length },
    { path: 'big.yml', oid: 'b'.repeat(40), size: MAX_FILE_BYTES + 1 },
    { path: 'bin.yml', oid: blobId(Buffer.from([0x61, 0, 0x62]), 'a'.repeat(40)), size: 3 },
    { path: 'changed.yml', oid: 'c'.repeat(40), size: 10 },
  ];
  const headOids = new Map(entries.filter((e) => e.path !== 'changed.yml').map((e) => [e.path, e.oid]));
  const reader = baseTreeReader({ head, entries, headOids, blobs: { prefetched: new Map() } });
  assert.deepEqual(reader.read('crlf.yml'), { ok: true, text: 'name: x\r\non: push\r\n' }, 'as the checkout holds it');
  assert.deepEqual(reader.read('big.yml'), { ok: false, reason: `file is ${MAX_FILE_BYTES + 1} bytes, over the ${MAX_FILE_BYTES}-byte bound; not read` });
  assert.deepEqual(reader.read('bin.yml'), head.read('bin.yml'));
  assert.deepEqual(reader.read('../etc/passwd'), { ok: false, reason: 'path leaves the repository' });
  assert.equal(reader.read('changed.yml').ok, false);
  assert.deepEqual(reader.missing(), ['changed.yml']);
  assert.deepEqual(
    reader.boundHits!().map((h) => h.path),
    ['big.yml', 'bin.yml'],
  );
  assert.equal(blobId(Buffer.from('hello\n'), 'a'.repeat(40)), 'ce013625030ba8dba906f756967f9e9ca394464a', 'git hash-object');
});

test('git output parsers: ls-tree records and cat-file --batch answers', () => {
  const oid = 'ce013625030ba8dba906f756967f9e9ca394464a';
  const listing = `100644 blob ${oid}       6\ta b.txt\u0000120000 blob ${oid}       6\tlink\u0000160000 commit ${oid}       -\tsub\u0000100755 blob ${oid}       6\trun.sh\u0000`;
  assert.deepEqual(parseLsTree(listing), [
    { path: 'a b.txt', oid, size: 6 },
    { path: 'run.sh', oid, size: 6 },
  ]);
  const batch = Buffer.concat([Buffer.from(`${oid} blob 6\nhello\n\n`), Buffer.from(`${'d'.repeat(40)} missing\n`)]);
  const parsed = parseBatch(batch);
  assert.ok(parsed.ok);
  assert.equal(parsed.blobs.get(oid)?.toString(), 'hello\n');
  assert.equal(parsed.blobs.size, 1);
  assert.equal(parseBatch(Buffer.from(`${oid} blob 60\nhello\n`)).ok, false, 'cut short');
});
