// API faults are not evidence: whatever the REST API does (500, rate limit, hang, dropped connection,
// oversized answers), the remote parts it could not read keep the verdict they have without the network.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { buildActionBundle, json, makeWorkspace, runAction, startFakeApi, type Workspace } from './harness.js';

const workspaces: Workspace[] = [];
after(() => {
  for (const w of workspaces) w.dispose();
});

interface Report {
  verdict: string;
  images: Array<{ name: string; signed: boolean }>;
  findings: Array<{ rule: string; message: string; file: string; line: number }>;
  limits: string[];
}

function summary(r: Report): unknown {
  return {
    verdict: r.verdict,
    images: r.images.map((i) => [i.name, i.signed]),
    notInspected: r.findings.filter((f) => f.rule === 'not-inspected').map((f) => `${f.file}:${f.line}`),
  };
}

async function audit(handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined, inputs: Record<string, string> = {}) {
  const bundle = await buildActionBundle();
  const ws = makeWorkspace('repo-remote', ['.github/workflows/release.yml']);
  workspaces.push(ws);
  const api = handler ? await startFakeApi(handler) : undefined;
  try {
    const r = await runAction({ bundle: bundle.file, workspace: ws, inputs: { 'github-token': api ? 't' : '', 'fail-on': 'never', ...inputs }, ...(api ? { apiUrl: api.url } : {}) });
    assert.notEqual(r.code, -1, 'the action was killed: it hung');
    return { run: r, report: JSON.parse(r.outputs['report-file:content'] ?? '{}') as Report, requests: api?.requests.length ?? 0 };
  } finally {
    await api?.close();
  }
}

const offline = audit(undefined);

const FAULTS: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  'HTTP 500': (_req, res) => json(res, 500, { message: 'Server Error' }),
  'rate limit': (_req, res) => json(res, 403, { message: 'API rate limit exceeded' }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2000000000' }),
  'dropped connection': (req) => req.socket.destroy(),
  'connection dropped mid-body': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/vnd.github.raw+json' });
    res.write('on: workflow_call\njobs:\n');
    setTimeout(() => res.socket?.destroy(), 20);
  },
  'oversized chunked body': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/vnd.github.raw+json' });
    const chunk = '#'.repeat(64 * 1024) + '\n';
    for (let i = 0; i < 40; i++) res.write(chunk);
    res.end();
  },
};

for (const [name, handler] of Object.entries(FAULTS)) {
  test(`API fault (${name}): the verdict, images and not-inspected findings are those without the network`, async () => {
    const base = await offline;
    const faulty = await audit(handler);
    assert.ok(faulty.requests > 0, 'the API was asked');
    assert.deepEqual(summary(faulty.report), summary(base.report));
    assert.equal(faulty.report.verdict, 'fail');
    // The reason is the fault, not "not found".
    const nf = faulty.report.findings.find((f) => f.rule === 'not-inspected' && /shared/.test(f.message));
    assert.ok(nf, JSON.stringify(faulty.report.findings));
    assert.match(nf.message, /GitHub API: /);
    assert.doesNotMatch(nf.message, /not available through the GitHub API/);
    const action = faulty.report.findings.find((f) => f.rule === 'not-inspected' && /push-image/.test(f.message));
    assert.ok(action, JSON.stringify(faulty.report.findings));
    assert.match(action.message, /GitHub API: /);
    assert.doesNotMatch(action.message, /not found in the remote checkouts/);
  });
}

test('a hanging API is cut off by the overall deadline (api-timeout); the verdict is the offline one', async () => {
  const base = await offline;
  const hung = await audit(() => undefined, { 'api-timeout': '2' });
  assert.deepEqual(summary(hung.report), summary(base.report));
  assert.ok(hung.report.limits.some((l) => /deadline/.test(l)), hung.report.limits.join('\n'));
  assert.match(hung.run.stdout, /changed files taken from git diff/);
});

test('a changed-files page over the size bound is refused and git diff is used', async () => {
  const r = await audit((req, res) => {
    if (/\/pulls\/\d+\/files/.test(req.url ?? '')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[');
      const entry = JSON.stringify({ filename: 'x', patch: 'y'.repeat(1024 * 1024) });
      for (let i = 0; i < 9; i++) res.write((i ? ',' : '') + entry);
      res.end(']');
    } else json(res, 404, { message: 'Not Found' });
  });
  assert.match(r.run.stdout, /listing pull request files: over the 8388608-byte bound/);
  assert.match(r.run.stdout, /changed files taken from git diff/);
});
