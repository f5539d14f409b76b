// The annotations as the runner sees them when the bundled action runs on a repository with many findings.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { ANNOTATION_LIMIT_PER_LEVEL, MAX_MESSAGE_CHARS } from '../../src/render/annotations.js';
import { buildActionBundle, makeWorkspace, runAction, runnerCommands, type Workspace } from './harness.js';

const workspaces: Workspace[] = [];
after(() => {
  for (const w of workspaces) w.dispose();
});

test("past GitHub's cap the step's failure message is still one of the 10 errors shown; matrix legs are one annotation; no enforcement is one notice without a file", async () => {
  const bundle = await buildActionBundle();
  const ws = makeWorkspace('repo-many-findings');
  workspaces.push(ws);
  const r = await runAction({ bundle: bundle.file, workspace: ws, inputs: { 'github-token': '', annotate: 'all' }, eventName: 'push' });
  assert.equal(r.code, 1, 'fifteen unsigned images fail the verdict');
  const commands = runnerCommands(r.stdout);
  const errors = commands.filter((c) => c.command === 'error');
  assert.ok(errors.length <= ANNOTATION_LIMIT_PER_LEVEL, `${errors.length} error annotations: GitHub would drop the rest`);
  const failure = errors.filter((c) => c.properties['file'] === undefined);
  assert.equal(failure.length, 1, 'the failure is an error annotation without a file');
  assert.match(failure[0]!.message, /^image-signing-audit: /);
  assert.equal(errors.filter((c) => c.properties['file'] !== undefined).length, ANNOTATION_LIMIT_PER_LEVEL - 1);

  // The three legs of the matrix push at line 10: one annotation that counts the others.
  const atMatrix = commands.filter((c) => c.properties['line'] === '10');
  assert.equal(atMatrix.length, 1, JSON.stringify(atMatrix));
  assert.equal(atMatrix[0]!.properties['title'], 'unsigned-image');
  assert.match(atMatrix[0]!.message, /^ghcr\.io\/acme\/app-amd64 is pushed but never signed\. \(\+2 more images at this line\) Fix: Sign the pushed digest/);

  // No admission policy at all: one notice about the repository, not pinned to the first push.
  const repositoryLevel = commands.filter((c) => c.properties['title'] === 'no-admission-enforcement');
  assert.equal(repositoryLevel.length, 1);
  assert.equal(repositoryLevel[0]!.command, 'notice');
  assert.equal(repositoryLevel[0]!.properties['file'], undefined);
  assert.equal(repositoryLevel[0]!.properties['line'], undefined);

  const closing = commands.filter((c) => c.properties['title'] === 'image-signing-audit' && c.command === 'notice');
  assert.equal(closing.length, 1);
  assert.match(closing[0]!.message, /^4 more findings \(4 over GitHub's limit/, '13 error places, 9 shown: the 4 others are in the summary');

  for (const c of commands.filter((x) => x.properties['title'] !== undefined)) {
    assert.ok(c.message.length <= MAX_MESSAGE_CHARS, c.message);
    assert.doesNotMatch(c.message, /\n/);
  }
});
