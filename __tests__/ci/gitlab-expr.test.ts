import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gitlabCondition, refCondition } from '../../src/ci/gitlab/expr.js';
import { formulaKey, implies, not } from '../../src/logic/formula.js';

const none = new Map<string, string>();
const k = (text: string, known = none) => formulaKey(gitlabCondition(text, known));

test('GitLab expressions: the same condition written two ways is one formula; only: [tags] is if: $CI_COMMIT_TAG', () => {
  assert.equal(k('$CI_COMMIT_TAG'), k('${CI_COMMIT_TAG}'));
  assert.equal(k('"main" == $CI_COMMIT_BRANCH'), k('$CI_COMMIT_BRANCH == "main"'));
  assert.equal(formulaKey(refCondition('tags')), k('$CI_COMMIT_TAG'));
  assert.equal(formulaKey(refCondition('merge_requests')), k('$CI_PIPELINE_SOURCE == "merge_request_event"'));
  assert.equal(k('$A != "x"'), formulaKey(not(gitlabCondition('$A == "x"', none))));
});

test('GitLab expressions: && and || with parentheses; a narrower condition implies the wider, not the reverse', () => {
  const wide = gitlabCondition('$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH || $CI_COMMIT_TAG', none);
  const narrow = gitlabCondition('($CI_COMMIT_TAG) && $CI_PIPELINE_SOURCE != "merge_request_event"', none);
  assert.equal(implies(narrow, wide), true);
  assert.notEqual(implies(wide, narrow), true);
});

test('GitLab expressions: known variables decide; comparisons are case-sensitive; null is its own condition', () => {
  const known = new Map([['MODE', 'release'], ['EMPTY', '']]);
  assert.equal(k('$MODE == "release"', known), 'T');
  assert.equal(k('$MODE == "Release"', known), 'F');
  assert.equal(k('$EMPTY', known), 'F');
  assert.equal(k('$MODE == null', known), 'F');
  // Unknown: "Main" and "main" are different conditions in GitLab, never merged by the case-insensitive eq.
  assert.notEqual(implies(gitlabCondition('$B == "Main"', none), gitlabCondition('$B == "main"', none)), true);
  // `$X != null` does not make `$X` true (it may be set and empty).
  assert.notEqual(implies(gitlabCondition('$X != null', none), gitlabCondition('$X', none)), true);
});

test('GitLab expressions: what does not parse is one opaque atom of the whole text (it implies only itself)', () => {
  const odd = gitlabCondition('$A == "x" &&', none);
  assert.equal(odd.k, 'atom');
  assert.equal(implies(odd, gitlabCondition('$A == "x"', none)) === true, false);
  assert.equal(k('$A =~ /^v\\d+/'), k('$A =~ /^v\\d+/'));
  assert.equal(gitlabCondition('$A =~ /unterminated', none).k, 'atom');
});
