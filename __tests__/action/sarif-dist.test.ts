// The SARIF file the bundled action writes, as upload-sarif reads it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type * as Sarif from 'sarif';
import { buildActionBundle, makeWorkspace, ROOT, runAction, type Workspace } from './harness.js';

const workspaces: Workspace[] = [];
after(() => {
  for (const w of workspaces) w.dispose();
});

test('the bundle reports its package.json version as tool.driver.version and semanticVersion, and no fixed automationDetails', async () => {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const bundle = await buildActionBundle();
  const ws = makeWorkspace('repo-unsigned');
  workspaces.push(ws);
  const r = await runAction({ bundle: bundle.file, workspace: ws, inputs: { 'github-token': '', 'fail-on': 'never' }, eventName: 'push' });
  const sarif = JSON.parse(r.outputs['sarif-file:content']!) as Sarif.Log;
  assert.equal(sarif.runs[0]!.tool.driver.version, version);
  assert.equal(sarif.runs[0]!.tool.driver.semanticVersion, version);
  assert.equal(sarif.runs[0]!.automationDetails, undefined, "upload-sarif's category input decides the category");
});
