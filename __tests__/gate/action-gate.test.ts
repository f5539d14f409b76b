// fail-on: new, run as the runner runs dist/index.js, on git repositories with a base and a head commit.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { buildActionBundle, json, runAction, runnerCommands, startFakeApi, type Workspace } from '../action/harness.js';
import { git, gitWorkspace, shallowClone } from './workspace.js';

const bundle = await buildActionBundle();
const workspaces: Workspace[] = [];
after(() => {
  bundle.dispose();
  for (const w of workspaces) w.dispose();
});

function ws(w: Workspace): Workspace {
  workspaces.push(w);
  return w;
}

/** No token: nothing goes over the network, and the base comes from the local objects. */
const OFFLINE = { 'github-token': '' };

test('a pull request that adds an unsigned image fails with fail-on left at its default', async () => {
  const w = ws(gitWorkspace(['add-unsigned']));
  const r = await runAction({ bundle: bundle.file, workspace: w, inputs: OFFLINE });
  assert.equal(r.code, 1, r.stdout);
  assert.equal(r.outputs['new-findings'], '1');
  assert.equal(r.outputs['verdict'], 'fail', 'the verdict still describes the whole repository');
  assert.equal(r.outputs['images'], '2');
  const failure = runnerCommands(r.stdout).find((c) => c.command === 'error' && c.properties['file'] === undefined && /image-signing-audit: /.test(c.message));
  assert.ok(failure, 'the step failure message');
  assert.match(failure.message, /1 thing is worse than the base commit [0-9a-f]{12}: adds ghcr\.io\/acme\/worker, pushed unsigned at \.github\/workflows\/release\.yml:24/);
  assert.match(failure.message, /fail-on: new, the default for pull_request events/);
  // The summary opens with the verdict, then the change, then what fails the check.
  const lines = r.summary.split('\n').filter(Boolean);
  assert.match(lines[0]!, /^### ❌ Image signing audit: FAIL — 1 of 2 images are signed/);
  assert.match(lines[1]!, /^\*\*This change\*\* \(against the base commit [0-9a-f]{12}, from the local git objects\): adds ghcr\.io\/acme\/worker, pushed unsigned at \.github\/workflows\/release\.yml:24; enforcement unchanged\.$/);
  assert.match(lines[2]!, /^❌ \*\*This check fails\*\* \(fail-on: new\): 1 thing is worse than the base commit\.$/);
  assert.ok(r.summary.indexOf('What this change makes worse') < r.summary.indexOf('#### Images'));
});

test('a pull request that only edits the README passes although the verdict is fail', async () => {
  const w = ws(gitWorkspace(['readme']));
  const r = await runAction({ bundle: bundle.file, workspace: w, inputs: OFFLINE });
  assert.equal(r.code, 0, r.stdout);
  assert.equal(r.outputs['verdict'], 'fail');
  assert.equal(r.outputs['new-findings'], '0');
  assert.match(r.stdout, /passing the step \(nothing is worse than the base commit [0-9a-f]{12} \(the whole repository: verdict fail\); fail-on: new, the default for pull_request events\)/);
  assert.match(r.summary, /✅ \*\*This check passes\*\* \(fail-on: new\): nothing is worse than the base commit; the whole-repository verdict is FAIL/);
  // The whole-repository findings are still reported.
  assert.match(r.summary, /no-admission-enforcement/);
});

test('a pull request that only moves lines changes nothing (findings are matched without line numbers)', async () => {
  const w = ws(gitWorkspace(['moved']));
  const r = await runAction({ bundle: bundle.file, workspace: w, inputs: OFFLINE });
  assert.equal(r.code, 0, r.stdout);
  assert.equal(r.outputs['new-findings'], '0');
});

test('a pull request that deletes the signing step fails', async () => {
  const w = ws(gitWorkspace(['unsign']));
  const r = await runAction({ bundle: bundle.file, workspace: w, inputs: OFFLINE });
  assert.equal(r.code, 1, r.stdout);
  assert.equal(r.outputs['signed'], '0');
  assert.ok(Number(r.outputs['new-findings']) >= 1);
  assert.match(r.summary, /ghcr\.io\/acme\/widget is no longer signed where it is pushed at \.github\/workflows\/release\.yml:16/);
});

test('a missing base commit with no token gates on the verdict, and says so at the top of the summary and in the log', async () => {
  const w = ws(gitWorkspace(['readme']));
  const r = await runAction({ bundle: bundle.file, workspace: w, inputs: OFFLINE, base: 'c0ffee'.repeat(6) + 'c0ff' });
  assert.equal(r.outputs['verdict'], 'fail');
  assert.equal(r.code, 1, 'the verdict is fail, so the fallback gate fails: never a silent pass');
  assert.equal(r.outputs['new-findings'], undefined, 'not compared: the count is unknown, not 0');
  assert.match(r.stdout, /NOT compared with a base commit: .*c0ffeec0ffee is not in the checkout.*no github-token: the base commit cannot be read through the REST API; the gate is the whole-repository verdict/);
  const lines = r.summary.split('\n').filter(Boolean);
  assert.match(lines[1]!, /^> \[!CAUTION\]$/);
  assert.match(lines[2]!, /^> \*\*Not compared with the base commit:\*\* .*This check gates on the whole-repository verdict/);
  const failure = runnerCommands(r.stdout).find((c) => c.command === 'error' && /image-signing-audit: /.test(c.message));
  assert.match(failure!.message, /the base commit could not be compared \(.*\), so the gate is the whole-repository verdict: verdict is fail/);
});

test('a shallow checkout fetches just the base commit from origin', async () => {
  const source = ws(gitWorkspace(['add-unsigned']));
  const w = ws(shallowClone(source, true));
  assert.notEqual(spawnSync('git', ['cat-file', '-e', `${source.base}^{commit}`], { cwd: w.dir }).status, 0, 'the base is not in the clone');
  const r = await runAction({ bundle: bundle.file, workspace: w, inputs: OFFLINE });
  assert.match(r.stdout, /fetched base commit [0-9a-f]{12} from origin/);
  assert.equal(r.outputs['new-findings'], '1');
  assert.equal(r.code, 1);
  assert.match(r.summary, /against the base commit [0-9a-f]{12}, fetched from origin/);
});

test('without the base commit locally or from origin, the base is read through the REST API with the token', async () => {
  const source = ws(gitWorkspace(['readme']));
  const w = ws(shallowClone(source, false));
  const api = await startFakeApi((req, res, base) => {
    const url = new URL(req.url ?? '/', base);
    const tree = /^\/repos\/acme\/widget\/git\/trees\/([0-9a-f]{40})$/.exec(url.pathname);
    if (tree && url.searchParams.get('recursive') === '1') {
      const listing = git(source.dir, 'ls-tree', '-r', '-l', '--full-tree', tree[1]!);
      const entries = listing.split('\n').map((l) => {
        const [meta, path] = l.split('\t');
        const [mode, type, sha, size] = meta!.split(/ +/);
        return { path, mode, type, sha, size: Number(size) };
      });
      return json(res, 200, { sha: tree[1], tree: entries, truncated: false });
    }
    const blob = /^\/repos\/acme\/widget\/git\/blobs\/([0-9a-f]{40})$/.exec(url.pathname);
    if (blob) {
      res.writeHead(200, { 'content-type': 'application/vnd.github.raw+json' });
      return res.end(spawnSync('git', ['cat-file', 'blob', blob[1]!], { cwd: source.dir }).stdout);
    }
    return json(res, 404, { message: 'Not Found' });
  });
  try {
    const r = await runAction({ bundle: bundle.file, workspace: w, inputs: { 'github-token': 'test-token' }, apiUrl: api.url });
    assert.ok(api.requests.some((q) => q.url.startsWith(`/repos/acme/widget/git/trees/${source.base}`)), 'the tree is listed');
    assert.ok(api.requests.filter((q) => q.url.includes('/git/blobs/')).length >= 1, 'the README the base has differently is read');
    assert.equal(r.outputs['new-findings'], '0', r.stdout);
    assert.equal(r.code, 0);
    assert.match(r.summary, /against the base commit [0-9a-f]{12}, read through the REST API/);
  } finally {
    await api.close();
  }
});

test('fail-on stays fail by default outside pull requests and merge queues; merge_group compares with its base', async () => {
  const w = ws(gitWorkspace(['readme']));
  const push = await runAction({ bundle: bundle.file, workspace: w, inputs: OFFLINE, eventName: 'push' });
  assert.equal(push.code, 1, 'push: the verdict (fail) decides');
  assert.equal(push.outputs['new-findings'], undefined);
  assert.doesNotMatch(push.summary, /This change/);
  const explicit = await runAction({ bundle: bundle.file, workspace: w, inputs: { ...OFFLINE, 'fail-on': 'fail' } });
  assert.equal(explicit.code, 1, 'an explicit fail-on: fail on a pull request gates on the verdict');
  assert.equal(explicit.outputs['new-findings'], '0', 'the change is still reported');
  // A merge queue names its base as merge_group.base_sha.
  const tmp = mkdtempSync(join(tmpdir(), 'isa-mg-'));
  try {
    const event = join(tmp, 'event.json');
    writeFileSync(event, JSON.stringify({ merge_group: { base_sha: w.base, head_sha: w.head, base_ref: 'refs/heads/main', head_ref: 'refs/heads/gh-readonly-queue/main/pr-7' } }));
    const queue = await runAction({ bundle: bundle.file, workspace: w, inputs: OFFLINE, eventName: 'merge_group', env: { GITHUB_EVENT_PATH: event } });
    assert.equal(queue.code, 0, queue.stdout);
    assert.equal(queue.outputs['new-findings'], '0');
    assert.match(queue.stdout, /compared with base commit [0-9a-f]{40} \(merge_group\.base_sha, read from the local git objects\)/);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('a suppressed unsigned image does not fail the step; verdict, sentence, outputs, summary and exit status agree', async () => {
  const w = ws(gitWorkspace(['suppressed']));
  const inputs = { ...OFFLINE, 'require-enforcement': 'false' };
  const r = await runAction({ bundle: bundle.file, workspace: w, inputs, eventName: 'push' });
  assert.equal(r.outputs['verdict'], 'pass', r.stdout);
  assert.equal(r.code, 0);
  assert.equal(r.outputs['images'], '2');
  assert.equal(r.outputs['signed'], '1', 'the image is still unsigned');
  assert.equal(r.outputs['sentence'], '1 of 2 images are signed (1 unsigned, suppressed); verification enforced via none found.');
  assert.match(r.summary, /\| ghcr\.io\/acme\/scratch \| [^|]+ \| ❌ no \(suppressed\) \|/);
  assert.match(r.summary, /<summary>1 suppressed finding<\/summary>[\s\S]*scratch image for the load test, deleted nightly/);
  // On the pull request that adds it, the suppressed image is not a new problem either.
  const pr = await runAction({ bundle: bundle.file, workspace: w, inputs });
  assert.equal(pr.code, 0, pr.stdout);
  assert.equal(pr.outputs['new-findings'], '0');
});
