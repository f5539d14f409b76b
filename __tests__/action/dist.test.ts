// Runs the bundled action as a subprocess, the way the Actions runner does, against a local fake REST API.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildActionBundle, json, makeWorkspace, runAction, runnerCommands, startFakeApi, type Workspace } from './harness.js';

let bundle: { file: string; dispose: () => void };
const workspaces: Workspace[] = [];
const CONFIG = '.github/image-signing-audit.yml';

before(async () => {
  bundle = await buildActionBundle();
});
after(() => {
  bundle?.dispose();
  for (const w of workspaces) w.dispose();
});

function workspace(fixture: string, changed: string[] = []): Workspace {
  const w = makeWorkspace(fixture, changed);
  workspaces.push(w);
  return w;
}

test('lists changed files through the paginated REST API and annotates the findings on them', async () => {
  const ws = workspace('repo-config', [CONFIG]);
  const api = await startFakeApi((req, res, base) => {
    const url = new URL(req.url ?? '/', base);
    if (url.pathname !== '/repos/acme/widget/pulls/7/files') return json(res, 404, { message: 'Not Found' });
    const page = url.searchParams.get('page') ?? '1';
    if (page === '1') return json(res, 200, [{ filename: 'README.md' }, { filename: 'src/main.go' }], { link: `<${base}/repos/acme/widget/pulls/7/files?per_page=100&page=2>; rel="next", <${base}/repos/acme/widget/pulls/7/files?per_page=100&page=2>; rel="last"` });
    return json(res, 200, [{ filename: CONFIG }], { link: `<${base}/repos/acme/widget/pulls/7/files?per_page=100&page=1>; rel="first"` });
  });
  try {
    const r = await runAction({ bundle: bundle.file, workspace: ws, inputs: { 'github-token': 'test-token', 'fail-on': 'error' }, apiUrl: api.url });
    const pages = api.requests.filter((q) => q.url.startsWith('/repos/acme/widget/pulls/7/files'));
    assert.equal(pages.length, 2, 'both pages are requested');
    assert.ok(pages.every((q) => q.authorization === 'Bearer test-token'));
    assert.match(r.stdout, /^::error file=\.github\/image-signing-audit\.yml,line=7,title=config-error::/m);
    assert.match(r.stdout, /^::warning file=\.github\/image-signing-audit\.yml,line=16,title=config-error::unknown key 'requre-images'/m);
    assert.equal(r.code, 1, 'fail-on: error fails on the config error');
    assert.equal(r.outputs['verdict'], 'not-applicable');
    assert.match(r.summary, /annotate: changed; changed files from the REST API/);
  } finally {
    await api.close();
  }
});

test('a finding on a file the pull request does not change is not annotated inline; a notice points to the summary', async () => {
  const ws = workspace('repo-config', ['README.md'].filter(() => false));
  const api = await startFakeApi((_req, res) => json(res, 200, [{ filename: 'docs/unrelated.md' }]));
  try {
    const r = await runAction({ bundle: bundle.file, workspace: ws, inputs: { 'github-token': 't' }, apiUrl: api.url });
    const commands = runnerCommands(r.stdout);
    assert.equal(commands.filter((c) => c.command === 'error' || c.command === 'warning').length, 0);
    const notice = commands.find((c) => c.command === 'notice');
    assert.ok(notice, 'one closing notice');
    assert.match(notice.message, /2 more findings .*2 on files this pull request does not change.* listed in the step summary/);
    assert.match(r.summary, /config-error/);
  } finally {
    await api.close();
  }
});

test('when the API answers 500 the changed files come from git diff of the payload commits', async () => {
  const ws = workspace('repo-config', [CONFIG]);
  const api = await startFakeApi((_req, res) => json(res, 500, { message: 'Server Error' }));
  try {
    const r = await runAction({ bundle: bundle.file, workspace: ws, inputs: { 'github-token': 't' }, apiUrl: api.url });
    assert.ok(api.requests.length >= 2, 'the 500 is retried a bounded number of times');
    assert.ok(api.requests.length <= 3);
    assert.match(r.stdout, /REST API: GitHub API answered HTTP 500/);
    assert.match(r.stdout, /changed files taken from git diff/);
    assert.match(r.stdout, /^::error file=\.github\/image-signing-audit\.yml,line=7,title=config-error::/m);
    assert.match(r.summary, /changed files from git diff/);
  } finally {
    await api.close();
  }
});

test('when the API rate-limits it is not retried; git diff is used', async () => {
  const ws = workspace('repo-config', [CONFIG]);
  for (const status of [403, 429]) {
    const api = await startFakeApi((_req, res) => json(res, status, { message: 'API rate limit exceeded' }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1900000000' }));
    try {
      const r = await runAction({ bundle: bundle.file, workspace: ws, inputs: { 'github-token': 't' }, apiUrl: api.url });
      assert.equal(api.requests.length, 1, `HTTP ${status}: one request, no retry`);
      assert.match(r.stdout, /GitHub API rate limit reached/);
      assert.match(r.stdout, /changed files taken from git diff/);
      assert.match(r.stdout, /^::error file=\.github\/image-signing-audit\.yml,line=7,/m);
    } finally {
      await api.close();
    }
  }
});

test('when the API and git diff both fail, every finding is annotated and the log says why', async () => {
  const ws = workspace('repo-config');
  const api = await startFakeApi((_req, res) => json(res, 500, {}));
  try {
    const r = await runAction({ bundle: bundle.file, workspace: ws, inputs: { 'github-token': 't' }, apiUrl: api.url, base: 'a'.repeat(40), head: 'b'.repeat(40) });
    assert.match(r.stdout, /git diff failed/);
    assert.match(r.stdout, /changed files unknown: annotating findings on every file/);
    assert.match(r.stdout, /^::error file=\.github\/image-signing-audit\.yml,line=7,/m);
    assert.match(r.stdout, /^::warning file=\.github\/image-signing-audit\.yml,line=16,/m);
  } finally {
    await api.close();
  }
});

test('without a token nothing is sent over the network', async () => {
  const ws = workspace('repo-config', [CONFIG]);
  const api = await startFakeApi((_req, res) => json(res, 200, []));
  try {
    const r = await runAction({ bundle: bundle.file, workspace: ws, inputs: { 'github-token': '' }, apiUrl: api.url });
    assert.equal(api.requests.length, 0);
    assert.match(r.stdout, /no github-token/);
    assert.match(r.stdout, /changed files taken from git diff/);
  } finally {
    await api.close();
  }
});

test('exit status follows fail-on', async () => {
  const ws = workspace('repo-config');
  const cases: Array<[string, string, number]> = [
    // default configuration: one error-level and one warning-level config-error, nothing pushed (verdict not-applicable)
    [CONFIG, 'fail', 0],
    [CONFIG, 'error', 1],
    [CONFIG, 'warning', 1],
    [CONFIG, 'never', 0],
    // a configuration with only a warning
    ['.github/warn-only.yml', 'fail', 0],
    ['.github/warn-only.yml', 'error', 0],
    ['.github/warn-only.yml', 'warning', 1],
    ['.github/warn-only.yml', 'never', 0],
  ];
  for (const [config, failOn, expected] of cases) {
    const r = await runAction({ bundle: bundle.file, workspace: ws, inputs: { 'fail-on': failOn, config, annotate: 'all' } });
    assert.equal(r.code, expected, `config ${config}, fail-on ${failOn}: ${r.stdout}`);
    if (expected === 1) assert.match(r.stdout, /^::error::image-signing-audit: /m, 'setFailed explains why');
  }
  // A required image that is not pushed fails the verdict, so fail-on: fail fails the step.
  for (const [failOn, expected] of [['fail', 1], ['never', 0]] as const) {
    const r = await runAction({ bundle: bundle.file, workspace: ws, inputs: { 'fail-on': failOn, config: '.github/require.yml', annotate: 'all' } });
    assert.equal(r.outputs['verdict'], 'fail');
    assert.equal(r.code, expected, `require-images, fail-on ${failOn}`);
    assert.match(r.stdout, /^::error file=\.github\/require\.yml,line=\d+,title=required-image-missing::/m);
  }
  const bad = await runAction({ bundle: bundle.file, workspace: ws, inputs: { 'fail-on': 'sometimes' } });
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /fail-on must be one of fail, error, warning, never/);
});

test('outputs, report file, SARIF file and summary are written from one report', async () => {
  const ws = workspace('repo-unsigned');
  const r = await runAction({ bundle: bundle.file, workspace: ws, inputs: { 'fail-on': 'fail' } });
  for (const key of ['verdict', 'images', 'signed', 'enforcement', 'sentence', 'report-file', 'sarif-file']) assert.ok(key in r.outputs, `output ${key}`);
  const report = JSON.parse(r.outputs['report-file:content']!) as { version: number; verdict: string; sentence: string; images: unknown[] };
  const sarif = JSON.parse(r.outputs['sarif-file:content']!) as { version: string };
  assert.equal(report.version, 1);
  assert.equal(sarif.version, '2.1.0');
  assert.equal(r.outputs['verdict'], report.verdict);
  assert.equal(r.outputs['sentence'], report.sentence);
  assert.equal(r.outputs['images'], String(report.images.length));
  assert.match(r.outputs['enforcement']!, /^(enforce|audit|none)$/);
  assert.equal(r.summary.split('\n')[0], `### ${report.verdict === 'fail' ? '❌' : report.verdict === 'pass' ? '✅' : '➖'} Image signing audit: ${report.verdict.toUpperCase()} — ${report.sentence.replace(/[&<>"'`|\\*_[\]()#!~{}$@]/g, (c) => `&#${c.charCodeAt(0)};`)}`);
  // The verdict, not the engine's progress, decides the exit status under fail-on: fail.
  assert.equal(r.code, report.verdict === 'fail' ? 1 : 0);
});

test('repository content cannot inject workflow commands or markup', async () => {
  const ws = workspace('repo-evil');
  const r = await runAction({ bundle: bundle.file, workspace: ws, inputs: { config: '.github/evil,name:%0A::x.yml', annotate: 'all' } });
  const commands = runnerCommands(r.stdout);
  assert.ok(commands.length > 0);
  for (const c of commands) {
    assert.ok(['error', 'warning', 'notice', 'add-mask'].includes(c.command), `unexpected command ${c.command}`);
    assert.doesNotMatch(JSON.stringify(c.properties), /pwned/, 'no forged properties');
    if (c.properties['file'] !== undefined) assert.ok(['.github/evil,name:%0A::x.yml', '.github/workflows/release.yml'].includes(c.properties['file']), `file property round-trips exactly: ${c.properties['file']}`);
  }
  const injected = commands.filter((c) => /INJECTED/.test(c.message));
  assert.ok(injected.length > 0, 'the hostile key is reported');
  for (const c of injected) assert.ok(c.command === 'warning' || c.command === 'error');
  // Every stdout line that starts with `::` is either ours or inside a stop-commands block.
  assert.equal(commands.filter((c) => /INJECTED/.test(c.command)).length, 0);
  assert.doesNotMatch(r.summary, /<script|<img|`code`/i);
  assert.doesNotMatch(r.summary, /\| `/);
  assert.match(r.summary, /&#60;script&#62;/);
});
