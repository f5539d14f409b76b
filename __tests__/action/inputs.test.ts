import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideFailure } from '../../src/action/fail-on.js';
import { parseInputs } from '../../src/action/inputs.js';
import { createApiRemoteFetcher, GitHubApi, nextLink } from '../../src/action/github-api.js';
import { pullRequestFromPayload } from '../../src/action/event.js';
import { actionOutputs, repoPrefix } from '../../src/action/run.js';
import { finding, report } from './reports.js';
import { json, startFakeApi } from './harness.js';

const inputs = (values: Record<string, string>) => parseInputs((n) => values[n] ?? '');

test('inputs: defaults, lists and validation', () => {
  const d = inputs({});
  assert.ok(!('error' in d));
  assert.equal(d.failOn, 'fail');
  assert.equal(d.annotate, 'changed');
  assert.equal(d.requireEnforcement, true);
  assert.equal(d.config, '.github/image-signing-audit.yml');
  assert.equal(d.configExplicit, false);
  const c = inputs({ 'policy-paths': 'gitops/a\n gitops/b ,gitops/c', config: 'ci/isa.yml', 'require-enforcement': 'false' });
  assert.ok(!('error' in c));
  assert.deepEqual(c.policyPaths, ['gitops/a', 'gitops/b', 'gitops/c']);
  assert.equal(c.configExplicit, true);
  assert.equal(c.requireEnforcement, false);
  assert.match((inputs({ 'fail-on': 'maybe' }) as { error: string }).error, /fail-on/);
  assert.match((inputs({ annotate: 'some' }) as { error: string }).error, /annotate/);
  assert.match((inputs({ repository: 'no-slash' }) as { error: string }).error, /owner\/name/);
  assert.match((inputs({ 'require-enforcement': 'yes' }) as { error: string }).error, /true or false/);
});

test('fail-on levels are increasingly strict', () => {
  const pass = report({ verdict: 'pass', findings: [finding('signed-by-tag', { severity: 'warning' })] });
  assert.deepEqual(['fail', 'error', 'warning', 'never'].map((f) => decideFailure(pass, f as 'fail').fail), [false, false, true, false]);
  const failing = report({ verdict: 'fail', findings: [] });
  assert.deepEqual(['fail', 'error', 'warning', 'never'].map((f) => decideFailure(failing, f as 'fail').fail), [true, true, true, false]);
  const suppressedOnly = report({ verdict: 'pass', findings: [finding('unsigned-image', { suppressed: { reason: 'r', source: 'config' } })] });
  assert.equal(decideFailure(suppressedOnly, 'warning').fail, false, 'suppressed findings never fail the step');
  const noteOnly = report({ verdict: 'not-applicable', findings: [finding('parse-error', { severity: 'note' })] });
  assert.equal(decideFailure(noteOnly, 'warning').fail, false);
});

test('outputs and paths', () => {
  const out = actionOutputs(report(), '/t/r.json', '/t/r.sarif');
  assert.deepEqual(out, { verdict: 'fail', images: '2', signed: '1', enforcement: 'enforce', sentence: report().sentence, 'report-file': '/t/r.json', 'sarif-file': '/t/r.sarif' });
  assert.equal(actionOutputs(report({ enforcement: [] }), 'a', 'b')['enforcement'], 'none');
  assert.equal(repoPrefix('/w', '/w'), '');
  assert.equal(repoPrefix('/w', '/w/services/api'), 'services/api');
  assert.equal(repoPrefix('/w', '/elsewhere'), '');
});

test('event payload: pull request number and commits, malformed payloads ignored', () => {
  assert.deepEqual(pullRequestFromPayload({ pull_request: { number: 3, base: { sha: 'a'.repeat(40), repo: { full_name: 'o/r' } }, head: { sha: 'b'.repeat(40) } } }), {
    number: 3,
    baseSha: 'a'.repeat(40),
    headSha: 'b'.repeat(40),
    repository: 'o/r',
  });
  assert.deepEqual(pullRequestFromPayload({ pull_request: { number: 3, base: { sha: '--output=/etc/x' } } }), { number: 3 });
  assert.equal(pullRequestFromPayload({ push: {} }), undefined);
  assert.equal(pullRequestFromPayload(null), undefined);
});

test('Link header parsing and refusal to send the token to another origin', async () => {
  assert.equal(nextLink('<https://api.github.com/x?page=2>; rel="next", <https://api.github.com/x?page=5>; rel="last"'), 'https://api.github.com/x?page=2');
  assert.equal(nextLink('<https://api.github.com/x?page=1>; rel="prev"'), undefined);
  const api = await startFakeApi((_req, res) => json(res, 200, [{ filename: 'a' }], { link: '<https://evil.example/steal>; rel="next"' }));
  try {
    const client = new GitHubApi({ apiUrl: api.url, token: 't', retries: 0 });
    const r = await client.listPullRequestFiles('o/r', 1);
    assert.equal(r.ok, false);
    assert.match((r as { reason: string }).reason, /refusing to send the token/);
    assert.equal(api.requests.length, 1);
  } finally {
    await api.close();
  }
});

test('remote fetcher: raw contents, 404 as absent, cached, and it stops after a rate limit', async () => {
  let limited = false;
  const api = await startFakeApi((req, res) => {
    if (limited) return json(res, 403, { message: 'rate limit' }, { 'x-ratelimit-remaining': '0' });
    if (req.url?.startsWith('/repos/acme/shared/contents/.github/workflows/build.yml?ref=v1')) {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('on: workflow_call\n');
      return;
    }
    json(res, 404, { message: 'Not Found' });
  });
  try {
    const fetcher = createApiRemoteFetcher(new GitHubApi({ apiUrl: api.url, token: 't', retries: 0 }));
    const file = await fetcher.readFile('acme', 'shared', 'v1', '.github/workflows/build.yml');
    assert.deepEqual(file, { text: 'on: workflow_call\n', source: 'GitHub API' });
    await fetcher.readFile('acme', 'shared', 'v1', '.github/workflows/build.yml');
    assert.equal(api.requests.length, 1, 'cached');
    assert.equal(await fetcher.readFile('acme', 'shared', 'v1', 'missing.yml'), undefined);
    assert.deepEqual(fetcher.failures, []);
    limited = true;
    assert.equal(await fetcher.readFile('acme', 'other', 'v1', 'a.yml'), undefined);
    assert.equal(await fetcher.readFile('acme', 'other', 'v1', 'b.yml'), undefined);
    assert.equal(api.requests.length, 3, 'no request after the rate limit');
    assert.match(fetcher.failures[0]!, /rate limit/);
  } finally {
    await api.close();
  }
});
