import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { analyze } from '../../src/engine/analyze.js';
import { openRepo } from '../../src/discover/repo.js';
import { loadShellParser } from '../../src/shell/index.js';
import { AnalysisBudget } from '../../src/util/budget.js';
import { readWorkflows, type WorkflowReadResult } from '../../src/ci/github/reader.js';
import { RemoteSource } from '../../src/ci/github/remote.js';
import { FIXTURES } from '../helpers/golden.js';

/**
 * Hostile call graphs (issue 12): long `needs:` chains, call cycles, reusable workflows and composite actions
 * called from many places. Bounds are checked through the budget and the reader's call counters, never the clock.
 */
const WORKFLOWS = join(FIXTURES, 'workflows');
const REMOTE = join(WORKFLOWS, 'remote-checkouts');
let dir = '';
before(async () => {
  await loadShellParser();
  dir = mkdtempSync(join(tmpdir(), 'isa-calls-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function tree(name: string, files: Record<string, string>): string {
  const root = join(dir, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const read = (root: string, options: { reuse?: boolean; budget?: AnalysisBudget } = {}) =>
  readWorkflows({ repo: openRepo(root), repository: 'acme/app', remote: new RemoteSource(REMOTE, undefined), ephemeralRegistries: [], ...options });

const budgetFindings = (r: { findings: Array<{ rule: string; file: string; line: number }> }) => r.findings.filter((f) => f.rule === 'analysis-budget-exceeded').map((f) => `${f.file}:${f.line}`);

/** 8,000 jobs chained by `needs:`; j0 pushes `first`, the last job signs it; j7998 pushes `late`, j10 signs it too early. */
function chainTree(): string {
  const jobs: string[] = [];
  for (let i = 0; i < 8_000; i++) {
    const step = i === 0 ? 'docker push ghcr.io/acme/first:1' : i === 7_999 ? 'cosign sign --key env://COSIGN_KEY ghcr.io/acme/first:1' : i === 7_998 ? 'docker push ghcr.io/acme/late:1' : i === 10 ? 'cosign sign --key env://COSIGN_KEY ghcr.io/acme/late:1' : `echo ${i}`;
    jobs.push(`  j${i}:\n    runs-on: ubuntu-latest\n${i ? `    needs: j${i - 1}\n` : ''}    steps:\n      - run: ${step}\n`);
  }
  return tree('chain', { '.github/workflows/chain.yml': `on: push\njobs:\n${jobs.join('')}` });
}

let chain = '';
test('a needs chain of 8,000 jobs: read in full, ordering across the chain is credited and checked', async () => {
  const root = (chain = chainTree());
  const report = await analyze({ root, repository: 'acme/app' });
  assert.deepEqual(budgetFindings(report), []);
  const first = report.images.find((i) => i.name === 'ghcr.io/acme/first');
  const late = report.images.find((i) => i.name === 'ghcr.io/acme/late');
  assert.equal(first?.signed, true, 'a sign 7,999 jobs after the push, through needs, follows it');
  assert.equal(late?.signed, false, 'a sign in j10 runs before the push in j7998');
});

test('a needs chain past the budget stops where the work was, keeping what it found', async () => {
  const root = chain || chainTree();
  const report = await analyze({ root, repository: 'acme/app', budget: new AnalysisBudget({ work: 1_000_000, valueLength: 1 << 20, deadlineMs: 300_000 }) });
  const hits = budgetFindings(report);
  assert.equal(hits.length, 1, hits.join('\n'));
  assert.match(hits[0]!, /^\.github\/workflows\/chain\.yml:\d+$/);
  assert.ok(report.images.some((i) => i.name === 'ghcr.io/acme/first'), 'the push of the first job is kept');
  assert.ok(!report.images.some((i) => i.name === 'ghcr.io/acme/late'), 'jobs past the bound were not read');
});

test('needs cycles and needs on missing jobs neither loop nor order anything', async () => {
  const root = tree('needs-cycle', {
    '.github/workflows/a.yml': 'on: push\njobs:\n  a:\n    runs-on: x\n    needs: [b, missing]\n    steps:\n      - run: docker push ghcr.io/acme/a:1\n  b:\n    runs-on: x\n    needs: a\n    steps:\n      - run: cosign sign --key env://K ghcr.io/acme/a:1\n  c:\n    runs-on: x\n    needs: c\n    steps:\n      - run: cosign sign --key env://K ghcr.io/acme/a:1\n',
  });
  const wf = await read(root);
  const a = wf.jobs.get('.github/workflows/a.yml#a')!;
  const b = wf.jobs.get('.github/workflows/a.yml#b')!;
  const c = wf.jobs.get('.github/workflows/a.yml#c')!;
  assert.equal(b.waitsFor(a.jobKey) && a.waitsFor(b.jobKey), false, 'a cycle is never an ordering both ways');
  assert.equal(c.waitsFor(c.jobKey), false);
  const report = await analyze({ root, repository: 'acme/app' });
  assert.equal(report.images.find((i) => i.name === 'ghcr.io/acme/a')?.signed, false);
});

test('a workflow whose jobs call itself: each call is a cycle, reported at its uses: line and cut', async () => {
  const calls = Array.from({ length: 6 }, (_, i) => `  c${i}:\n    uses: ./.github/workflows/a.yml\n`).join('');
  const root = tree('self-reusable', { '.github/workflows/a.yml': `on:\n  push:\n  workflow_call:\njobs:\n${calls}  p:\n    runs-on: x\n    steps:\n      - run: docker push ghcr.io/acme/p:1\n` });
  const report = await analyze({ root, repository: 'acme/app' });
  assert.deepEqual(budgetFindings(report), [6, 8, 10, 12, 14, 16].map((l) => `.github/workflows/a.yml:${l}`));
  assert.ok(report.limits.includes('call cycle at .github/workflows/a.yml:6: .github/workflows/a.yml calls itself through .github/workflows/a.yml → .github/workflows/a.yml; the cycle is cut there'), report.limits.join('\n'));
  assert.deepEqual(report.images.map((i) => i.name), ['ghcr.io/acme/p']);
  const wf = await read(root);
  assert.deepEqual(wf.calls, { analysed: 0, reused: 0 });
});

test('A calls B calls A, and a composite action calling itself: reported once per call site and cut', async () => {
  const root = join(WORKFLOWS, 'call-cycles');
  const report = await analyze({ root, repository: 'acme/app' });
  assert.deepEqual(budgetFindings(report).sort(), ['.github/actions/again/action.yml:5', '.github/workflows/b.yml:5']);
  assert.ok(report.limits.includes('call cycle at .github/workflows/b.yml:5: .github/workflows/a.yml calls itself through .github/workflows/a.yml → .github/workflows/b.yml → .github/workflows/a.yml; the cycle is cut there'), report.limits.join('\n'));
  assert.ok(report.limits.includes('call cycle at .github/actions/again/action.yml:5: .github/actions/again/action.yml calls itself through .github/actions/again/action.yml → .github/actions/again/action.yml; the cycle is cut there'), report.limits.join('\n'));
  assert.deepEqual(report.images.map((i) => i.name).sort(), ['ghcr.io/acme/a', 'ghcr.io/acme/b', 'ghcr.io/acme/composite']);
});

test('a diamond: the same reusable workflow with the same inputs is analysed once, with other inputs again', async () => {
  const root = join(WORKFLOWS, 'reusable-diamond');
  const wf = await read(root);
  assert.deepEqual(wf.calls, { analysed: 2, reused: 1 });
  const pushed = (prefix: string) => wf.operations.filter((o) => o.kind === 'push' && o.jobKey?.startsWith(prefix)).flatMap((o) => o.refs.map((r) => r.name)).sort();
  assert.deepEqual(pushed('.github/workflows/release.yml#api>'), ['ghcr.io/acme/api', 'ghcr.io/acme/api-late']);
  assert.deepEqual(pushed('.github/workflows/release.yml#api-again>'), ['ghcr.io/acme/api', 'ghcr.io/acme/api-late']);
  assert.deepEqual(pushed('.github/workflows/release.yml#web>'), ['ghcr.io/acme/web', 'ghcr.io/acme/web-late']);
  // The reused copy waits for its own caller's jobs, not for the first caller's.
  const key = (caller: string, job: string) => `.github/workflows/release.yml#${caller}>.github/workflows/image.yml#${job}`;
  assert.equal(wf.jobs.get(key('api-again', 'sign'))!.waitsFor(key('api-again', 'build')), true);
  assert.equal(wf.jobs.get(key('api-again', 'sign'))!.waitsFor(key('api', 'build')), false);
  const release = wf.jobs.get('.github/workflows/release.yml#release')!;
  assert.equal(release.waitsFor(key('api', 'build')), true);
  assert.equal(release.waitsFor(key('api-again', 'build')), false);
  const off = await read(root, { reuse: false });
  assert.deepEqual(off.calls, { analysed: 3, reused: 0 });
});

test('composite actions called again in the same state are read once; their step numbers move with the call', async () => {
  const wf = await read(join(WORKFLOWS, 'composite-reuse'));
  assert.deepEqual(wf.calls, { analysed: 3, reused: 2 });
  const twice = wf.operations.filter((o) => o.jobKey === '.github/workflows/release.yml#twice').map((o) => `${o.kind} ${o.stepIndex} ${o.seq}`);
  assert.deepEqual(twice, ['push 2 2000', 'sign 3 3000', 'push 5 5000']);
});

/** What a read gives, in comparable form (job facts without their query, plus every ordering between them). */
function comparable(r: WorkflowReadResult): unknown {
  const jobs = [...r.jobs.values()];
  return {
    operations: r.operations,
    localBuilds: r.localBuilds,
    findings: r.findings,
    limits: [...new Set(r.limits)],
    jobs: jobs.map(({ waitsFor: _, ...facts }) => facts),
    order: jobs.map((j) => jobs.filter((k) => j.waitsFor(k.jobKey)).map((k) => k.jobKey)),
  };
}

test('reusing an analysed call changes nothing: every workflow fixture reads the same with reuse off', async () => {
  const hostile = tree('nested-reuse', {
    // Two levels of fan-out through distinct files, a matrix calling a workflow, composites in several jobs.
    '.github/workflows/root.yml': 'on: push\njobs:\n  a:\n    uses: ./.github/workflows/mid.yml\n  b:\n    uses: ./.github/workflows/mid.yml\n  m:\n    strategy:\n      matrix:\n        v: [1, 2]\n    uses: ./.github/workflows/mid.yml\n  after:\n    needs: [a, m]\n    runs-on: x\n    steps:\n      - uses: ./.github/actions/c\n      - run: cosign sign --key env://K ghcr.io/acme/leaf:1\n',
    '.github/workflows/mid.yml': 'on:\n  workflow_call:\njobs:\n  x:\n    uses: ./.github/workflows/leaf.yml\n  y:\n    needs: x\n    uses: ./.github/workflows/leaf.yml\n  z:\n    needs: y\n    runs-on: x\n    steps:\n      - uses: ./.github/actions/c\n      - uses: ./.github/actions/c\n',
    '.github/workflows/leaf.yml': 'on:\n  workflow_call:\njobs:\n  p:\n    runs-on: x\n    steps:\n      - run: docker push ghcr.io/acme/leaf:1\n      - uses: ./.github/actions/c\n',
    '.github/actions/c/action.yml': 'runs:\n  using: composite\n  steps:\n    - shell: bash\n      run: docker push ghcr.io/acme/composite:1\n',
  });
  const roots = [...readdirSync(WORKFLOWS).filter((n) => n !== 'remote-checkouts').map((n) => join(WORKFLOWS, n)), hostile];
  for (const root of roots) {
    const on = await read(root);
    const off = await read(root, { reuse: false });
    assert.deepEqual(comparable(on), comparable(off), root);
    // mid.yml for b and both matrix runs of m, leaf.yml for y, the composite for z's second step.
    if (root === hostile) assert.deepEqual(on.calls, { analysed: 5, reused: 5 });
  }
});

test('fan-out through distinct files (6 callers per level, 8 levels): each file analysed once, copies bounded by the budget', async () => {
  const files: Record<string, string> = {};
  for (let d = 0; d < 9; d++) {
    const calls = d < 8 ? Array.from({ length: 6 }, (_, i) => `  c${i}:\n    uses: ./.github/workflows/w${d + 1}.yml\n`).join('') : '';
    files[`.github/workflows/w${d}.yml`] = `${d === 0 ? 'on: push' : 'on:\n  workflow_call:'}\njobs:\n${calls}  p:\n    runs-on: x\n    steps:\n      - run: docker push ghcr.io/acme/w${d}:1\n`;
  }
  const root = tree('fan-out', files);
  const budget = new AnalysisBudget({ work: 5_000_000, valueLength: 1 << 20, deadlineMs: 300_000 });
  const wf = await read(root, { budget });
  assert.ok(wf.calls.analysed <= 8, JSON.stringify(wf.calls));
  assert.ok(wf.calls.reused > 0);
  assert.ok(budget.hits().some((h) => h.kind === 'work'), 'the copies ran into the bound, and said so');
  assert.ok(wf.jobs.size < 5_000, `${wf.jobs.size} job runs`);
  assert.ok(wf.operations.some((o) => o.refs.some((r) => r.name === 'ghcr.io/acme/w8')), 'the deepest level was read');
});
