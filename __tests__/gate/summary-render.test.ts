// The step summary as GitHub would show it: rendered from Markdown to HTML (marked, a GFM renderer), on a
// generated repository of 400 workflows, and on hand-built reports.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { marked } from 'marked';
import { audit } from '../../src/audit/audit.js';
import { openRepo } from '../../src/discover/repo.js';
import { loadBaseline } from '../../src/gate/baseline.js';
import { compareWithBaseline } from '../../src/gate/change.js';
import { decideGate } from '../../src/gate/fail-on.js';
import { Git } from '../../src/gate/git.js';
import { renderSummary } from '../../src/render/summary.js';
import { image, report } from '../action/reports.js';
import { git } from './workspace.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function workflow(name: string, signed: boolean): string {
  return [
    `name: ${name}`,
    'on:',
    '  push:',
    '    tags: ["v*"]',
    'permissions:',
    '  contents: read',
    '  packages: write',
    '  id-token: write',
    'jobs:',
    '  image:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: actions/checkout@v4',
    '      - id: build',
    '        uses: docker/build-push-action@v6',
    '        with:',
    '          push: true',
    `          tags: ghcr.io/acme/${name}:latest`,
    ...(signed ? ['      - uses: sigstore/cosign-installer@v3', `      - run: cosign sign --yes ghcr.io/acme/${name}@\${{ steps.build.outputs.digest }}`] : []),
    '',
  ].join('\n');
}

/** Visible text of the HTML before `index` (tags removed, whitespace collapsed). */
function textBefore(html: string, index: number): string {
  return html.slice(0, index).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
}

test('400 workflows: the first thing that fails the check comes before the image table, on the first screen', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'isa-400-'));
  dirs.push(dir);
  mkdirSync(join(dir, '.github', 'workflows'), { recursive: true });
  // The base: 400 services, one of them pushed unsigned (old debt), no admission policy (verdict fail).
  for (let i = 0; i < 400; i++) writeFileSync(join(dir, '.github', 'workflows', `svc-${String(i).padStart(3, '0')}.yml`), workflow(`svc-${String(i).padStart(3, '0')}`, i !== 7));
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'base');
  // The head adds one more service, pushed unsigned; its name sorts last.
  writeFileSync(join(dir, '.github', 'workflows', 'zz-new.yml'), workflow('zz-new', false));
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'head');

  const head = openRepo(dir);
  const options = { root: dir, repo: head, repository: 'acme/mono', policyPaths: [] };
  const headReport = (await audit({ options, config: '.github/image-signing-audit.yml', configExplicit: false })).report;
  assert.equal(headReport.images.length, 401);
  const g = Git.locate(dir, dir);
  assert.ok(!('error' in g));
  const baseline = await loadBaseline({ root: dir, head, git: g, commit: 'HEAD~1' });
  const change = await compareWithBaseline({
    head: headReport,
    baseline,
    asked: 'HEAD~1',
    requireEnforcement: true,
    auditBase: async (repo, policyRepos) => (await audit({ options: { ...options, repo, policyRepos }, config: '.github/image-signing-audit.yml', configExplicit: false })).report,
  });
  assert.equal(change.status, 'compared');
  const withChange = { ...headReport, change };

  for (const failOn of ['new', 'fail'] as const) {
    const gate = decideGate(withChange, failOn);
    assert.equal(gate.fail, true);
    const html = await marked.parse(renderSummary(withChange, { gate }));
    const first = gate.gating[0]!;
    assert.equal(first.image, failOn === 'new' ? 'ghcr.io/acme/zz-new' : 'ghcr.io/acme/svc-007', 'errors first, by image');
    const at = html.indexOf(first.image!, html.indexOf(failOn === 'new' ? 'What this change makes worse' : 'What fails this check'));
    const table = html.indexOf('<table>');
    assert.ok(at > 0 && table > 0);
    assert.ok(at < table, `${failOn}: the first gating finding comes before the image table`);
    // The first screen: a heading, a few lines of text, then the finding (not 400 rows of anything).
    assert.ok(textBefore(html, at).length < 600, `${failOn}: ${textBefore(html, at).length} characters of text before the first gating finding`);
    // The image table shows 20 rows; the other 381 are collapsed.
    const firstTable = html.slice(table, html.indexOf('</table>', table));
    assert.equal((firstTable.match(/<tr>/g) ?? []).length, 21, 'header and 20 rows');
    assert.match(html, /<details><summary>381 more images<\/summary>/);
  }
});

test('Mermaid: every classDef sets a text colour; a partially signed image has its own style', () => {
  const partial = image('ghcr.io/acme/half', { signed: false, pushes: [{ file: 'a.yml', line: 3 }, { file: 'b.yml', line: 4 }] });
  const s = renderSummary(report({ images: [image('ghcr.io/acme/widget'), partial, image('ghcr.io/acme/none', { signed: false, methods: [], byDigest: null, signatures: [], pushes: [{ file: 'c.yml', line: 1 }] })] }));
  const classDefs = s.split('\n').filter((l) => l.trim().startsWith('classDef'));
  assert.ok(classDefs.length >= 6);
  for (const c of classDefs) assert.match(c, /,color:#[0-9a-f]{6}$/, c);
  const blocks = s.match(/```mermaid[\s\S]*?```/g)!;
  const half = blocks.find((b) => b.includes('ghcr.io/acme/half'))!;
  assert.match(half, /classDef partial fill:#fff8c5,stroke:#9a6700,color:#1f2328/);
  assert.match(half, /sign0\["sign#58; cosign-keyless<br\/>\.github\/workflows\/release\.yml#58;50"\]:::partial/);
  assert.match(half, /gap\["partially signed: not signed on every push path"\]:::partial/);
  assert.doesNotMatch(half, /"not signed"/);
  assert.match(blocks.find((b) => b.includes('ghcr.io/acme/none'))!, /sign0\["not signed"\]:::bad/);
  assert.match(s, /\| ghcr\.io\/acme\/half \| a\.yml:3<br>b\.yml:4 \| ⚠️ partially \|/);
});

test('the change and the fallback are said at the top, under the verdict', () => {
  const r = report({ change: { status: 'unavailable', reason: 'base commit 0123456789ab is not in the checkout', worse: [], other: [] } });
  const gate = decideGate(r, 'new');
  const lines = renderSummary(r, { gate }).split('\n').filter(Boolean);
  assert.match(lines[0]!, /^### ❌ Image signing audit: FAIL/);
  assert.equal(lines[1], '> [!CAUTION]');
  assert.equal(lines[2], '> **Not compared with the base commit:** base commit 0123456789ab is not in the checkout. This check gates on the whole-repository verdict instead of on what the change makes worse (fail-on: new falls back to fail).');
  assert.match(lines[3]!, /^❌ \*\*This check fails\*\* \(fail-on: fail \(asked: new\)\): the verdict is FAIL\.$/);
});
