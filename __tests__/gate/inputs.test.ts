import assert from 'node:assert/strict';
import { test } from 'node:test';
import { baseCommitFromEvent } from '../../src/action/event.js';
import { parseInputs } from '../../src/action/inputs.js';
import { actionOutputs } from '../../src/action/run.js';
import { githubRepository, originUrl } from '../../src/discover/origin.js';
import { report } from '../action/reports.js';

const A = 'a'.repeat(40);

test('an empty fail-on follows the event: new on pull requests and merge queues, fail elsewhere; an explicit one wins', () => {
  const failOn = (event: string | undefined, value = '') => {
    const r = parseInputs((n) => (n === 'fail-on' ? value : ''), event);
    assert.ok(!('error' in r));
    return [r.failOn, r.failOnDefaulted];
  };
  assert.deepEqual(failOn('pull_request'), ['new', true]);
  assert.deepEqual(failOn('pull_request_target'), ['new', true]);
  assert.deepEqual(failOn('merge_group'), ['new', true]);
  assert.deepEqual(failOn('push'), ['fail', true]);
  assert.deepEqual(failOn(undefined), ['fail', true]);
  assert.deepEqual(failOn('pull_request', 'fail'), ['fail', false]);
  assert.deepEqual(failOn('push', 'new'), ['new', false]);
  assert.match((parseInputs((n) => (n === 'fail-on' ? 'newer' : '')) as { error: string }).error, /fail-on must be one of fail, error, warning, never, new/);
});

test('the base commit comes from pull_request.base.sha or merge_group.base_sha, full ids only', () => {
  assert.deepEqual(baseCommitFromEvent('pull_request', { pull_request: { number: 1, base: { sha: A } } }), { sha: A, from: 'pull_request.base.sha' });
  assert.deepEqual(baseCommitFromEvent('pull_request_target', { pull_request: { number: 1, base: { sha: A } } }), { sha: A, from: 'pull_request.base.sha' });
  assert.deepEqual(baseCommitFromEvent('merge_group', { merge_group: { base_sha: A, head_sha: 'b'.repeat(40) } }), { sha: A, from: 'merge_group.base_sha' });
  assert.equal(baseCommitFromEvent('pull_request', { pull_request: { number: 1, base: { sha: 'abc1234' } } }), undefined, 'abbreviated');
  assert.equal(baseCommitFromEvent('merge_group', { merge_group: { base_sha: '--upload-pack=x' } }), undefined);
  assert.equal(baseCommitFromEvent('push', { before: A }), undefined);
  assert.equal(baseCommitFromEvent('pull_request', null), undefined);
});

test('new-findings is an output only when a base was compared', () => {
  assert.equal(actionOutputs(report(), 'r', 's')['new-findings'], undefined);
  assert.equal(actionOutputs(report({ change: { status: 'unavailable', reason: 'x', worse: [], other: [] } }), 'r', 's')['new-findings'], undefined);
  const worse = [{ kind: 'new-error' as const, severity: 'error' as const, message: 'm' }];
  assert.equal(actionOutputs(report({ change: { status: 'compared', base: A, source: 'git', worse, other: [], enforcement: 'unchanged' } }), 'r', 's')['new-findings'], '1');
});

test('origin remote: the url of [remote "origin"], and which urls name a github.com repository', () => {
  const config = ['[core]', '\tbare = false', '[remote "upstream"]', '\turl = https://github.com/up/stream.git', '[remote "origin"]', '\t# comment', '\tfetch = +refs/heads/*:refs/remotes/origin/*', '\turl = "git@github.com:acme/widget.git" ; trailing comment'].join('\n');
  assert.equal(originUrl(config), 'git@github.com:acme/widget.git');
  assert.equal(originUrl('[remote.origin]\nurl = https://github.com/a/b\n'), 'https://github.com/a/b');
  assert.equal(originUrl('[remote "origin2"]\nurl = https://github.com/a/b\n'), undefined);
  const cases: Array<[string, string | undefined]> = [
    ['https://github.com/acme/widget.git', 'acme/widget'],
    ['https://github.com/acme/widget', 'acme/widget'],
    ['https://x-access-token:secret@github.com/acme/widget.git', 'acme/widget'],
    ['ssh://git@github.com/acme/widget.git', 'acme/widget'],
    ['ssh://git@github.com:22/acme/widget', 'acme/widget'],
    ['git@github.com:acme/widget.git', 'acme/widget'],
    ['git://github.com/acme/widget.git', 'acme/widget'],
    ['https://github.com.evil.example/acme/widget.git', undefined],
    ['https://gitlab.com/acme/widget.git', undefined],
    ['https://github.com/acme/widget/tree/main', undefined],
    ['https://github.com/acme/wid get', undefined],
  ];
  for (const [url, expected] of cases) assert.equal(githubRepository(url), expected, url);
});
