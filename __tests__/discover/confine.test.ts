import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { confineDir } from '../../src/discover/confine.js';
import { analyze } from '../../src/engine/analyze.js';

/**
 * Every path the tool opens under `--remote-checkouts DIR` and the policy roots stays where it was given: links at
 * any level (owner folder, repository folder, a file inside) are refused, with a note where a file was asked for.
 * (The CLI and action tests in __tests__/cli/confine.test.ts cover the links at the top: DIR/<owner>/<repo>, a
 * policy root, the configuration file.)
 */
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function write(root: string, files: Record<string, string>): void {
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), c);
  }
}

function base(): string {
  const b = mkdtempSync(join(tmpdir(), 'isa-confine-lib-'));
  dirs.push(b);
  return b;
}

const CALLER = 'on: push\njobs:\n  build:\n    uses: acme/shared/.github/workflows/docker-publish.yml@v1\n';
const CALLEE = 'on: workflow_call\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker push ghcr.io/acme/from-outside:1\n';
const POLICY = 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: outside-policy\nspec:\n  validationFailureAction: Enforce\n  rules:\n    - name: v\n      verifyImages:\n        - imageReferences: ["ghcr.io/acme/*"]\n';

test('a symlinked owner folder (DIR/<owner> -> elsewhere) is refused with a note, like a symlinked repository folder', async () => {
  const b = base();
  write(join(b, 'repo'), { '.github/workflows/ci.yml': CALLER });
  write(join(b, 'elsewhere', 'acme', 'shared'), { '.github/workflows/docker-publish.yml': CALLEE });
  mkdirSync(join(b, 'remote'));
  symlinkSync(join(b, 'elsewhere', 'acme'), join(b, 'remote', 'acme'));
  const report = await analyze({ root: join(b, 'repo'), repository: 'acme/app', remoteCheckouts: join(b, 'remote') });
  assert.ok(!report.images.some((i) => i.name === 'ghcr.io/acme/from-outside'), 'the workflow outside DIR was read');
  assert.ok(report.limits.some((l) => /remote checkout '.*remote\/acme\/shared' resolves to .*, outside .*remote \(a symbolic link\); not read/.test(l)), report.limits.join('\n'));
  assert.ok(report.findings.some((f) => f.rule === 'not-inspected' && f.file === '.github/workflows/ci.yml'), 'the call is reported not inspected');
});

test('a symlinked file inside a real checkout is not read: the call is not inspected, and says why', async () => {
  const b = base();
  write(join(b, 'repo'), { '.github/workflows/ci.yml': CALLER });
  write(join(b, 'elsewhere'), { 'build.yml': CALLEE });
  mkdirSync(join(b, 'remote', 'acme', 'shared', '.github', 'workflows'), { recursive: true });
  symlinkSync(join(b, 'elsewhere', 'build.yml'), join(b, 'remote', 'acme', 'shared', '.github', 'workflows', 'docker-publish.yml'));
  const report = await analyze({ root: join(b, 'repo'), repository: 'acme/app', remoteCheckouts: join(b, 'remote') });
  assert.ok(!report.images.some((i) => i.name === 'ghcr.io/acme/from-outside'));
  const finding = report.findings.find((f) => f.rule === 'not-inspected');
  assert.match(finding?.message ?? '', /symbolic link/);
});

test('a policy root lists no file or folder that links out of it', async () => {
  const b = base();
  write(join(b, 'repo'), { 'README.md': 'x\n' });
  write(join(b, 'elsewhere'), { 'policy.yaml': POLICY, 'dir/policy.yaml': POLICY.replace('outside-policy', 'outside-dir-policy') });
  mkdirSync(join(b, 'policies'));
  symlinkSync(join(b, 'elsewhere', 'policy.yaml'), join(b, 'policies', 'policy.yaml'));
  symlinkSync(join(b, 'elsewhere', 'dir'), join(b, 'policies', 'dir'));
  const report = await analyze({ root: join(b, 'repo'), repository: 'acme/app', policyPaths: [join(b, 'policies')] });
  assert.deepEqual(report.enforcement.map((e) => e.name), []);
});

test('confineDir: a path inside a base must stay inside it once links are resolved', () => {
  const b = base();
  mkdirSync(join(b, 'dir', 'real'), { recursive: true });
  mkdirSync(join(b, 'out'));
  symlinkSync(join(b, 'out'), join(b, 'dir', 'link'));
  assert.equal(confineDir(join(b, 'dir', 'real'), [join(b, 'dir')], 'x').ok, true);
  assert.match((confineDir(join(b, 'dir', 'link'), [join(b, 'dir')], 'x') as { reason: string }).reason, /outside .*symbolic link/);
  assert.match((confineDir(join(b, 'dir', 'link', 'sub'), [join(b, 'dir')], 'x') as { reason: string }).reason, /does not exist/);
});
