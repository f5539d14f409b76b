// The files a user copies or relies on when installing from a tag: pins, licence, runtime.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from './harness.js';

const read = (...p: string[]) => readFileSync(join(ROOT, ...p), 'utf8');

/** `uses: owner/repo[/path]@ref # comment` lines of a text. */
function uses(text: string): Array<{ action: string; ref: string; comment: string }> {
  return [...text.matchAll(/uses:\s*([A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+)@([^\s`]+)`?(?:\s+#\s*(\S+))?/g)].map((m) => ({ action: m[1]!, ref: m[2]!, comment: m[3] ?? '' }));
}

test('every third-party action in the workflows and the README Quick start is pinned to a commit, the same one everywhere', () => {
  const workflows = readdirSync(join(ROOT, '.github', 'workflows')).map((f) => read('.github', 'workflows', f));
  const readme = read('README.md');
  const section = readme.slice(readme.indexOf('## GitHub Action'), readme.indexOf('## Accuracy and speed'));
  const yamlBlocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).join('\n');
  const ours = /^image-signing-audit\/image-signing-audit$/;
  const pins = new Map<string, string>();
  for (const u of [...workflows.flatMap(uses), ...uses(yamlBlocks)]) {
    if (ours.test(u.action)) {
      assert.ok(u.ref === 'v1' || u.ref === '<40-hex-commit-sha>', `our own action: @v1 or the documented placeholder, got @${u.ref}`);
      continue;
    }
    assert.match(u.ref, /^[0-9a-f]{40}$/, `${u.action}@${u.ref} is pinned to a full commit SHA`);
    assert.match(u.comment, /^v\d+\.\d+\.\d+$/, `${u.action}@${u.ref} names its version in a comment`);
    const repo = u.action.split('/').slice(0, 2).join('/');
    assert.equal(pins.get(repo) ?? `${u.ref} ${u.comment}`, `${u.ref} ${u.comment}`, `${repo}: one pin everywhere`);
    pins.set(repo, `${u.ref} ${u.comment}`);
  }
  assert.ok(pins.has('actions/checkout') && pins.has('github/codeql-action'), [...pins.keys()].join(', '));
});

test('the licence is MIT as package.json says, and the action runs on node24', () => {
  assert.match(read('LICENSE'), /^MIT License\n/);
  assert.equal((JSON.parse(read('package.json')) as { license: string }).license, 'MIT');
  assert.match(read('action.yml'), /^runs:\n {2}using: node24\n {2}main: dist\/index\.js\n/m);
  assert.match(read('CHANGELOG.md'), /^## \[Unreleased\]$/m, 'changes are collected under Unreleased until the release renames it');
});
