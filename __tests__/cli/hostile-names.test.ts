import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { runAction, runnerCommands } from '../action/harness.js';
import { PROJECT_ROOT } from '../helpers/golden.js';

/**
 * Repository-controlled names that the Actions runner would execute as workflow commands (`::` at the start of a
 * line, `##[` anywhere) or that reorder text (bidirectional overrides), run through the CLI and the action bundle.
 */
const POLICY_NAME = 'evil\\n::warning::pwned\\u202e ##[group]y\\u2066';
const EVIL_SCRIPT = '::error::pwned.sh';
const BIDI = /[\u202a-\u202e\u2066-\u2069]/;

function hostileTree(): { dir: string; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'isa-names-'));
  const files: Record<string, string> = {
    '.github/workflows/release.yml': `on: push\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          docker push ghcr.io/acme/app:1\n          ./${EVIL_SCRIPT}\n`,
    // Padded past the size bound, so its name is echoed in an input-bound-exceeded finding.
    [EVIL_SCRIPT]: 'docker push ghcr.io/acme/b:1\n' + '#'.repeat(1024 * 1024 + 10),
    'deploy/policy.yaml': `apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: "${POLICY_NAME}"\nspec:\n  validationFailureAction: Enforce\n  rules:\n    - name: verify\n      verifyImages:\n        - imageReferences: ["ghcr.io/acme/*"]\n          attestors:\n            - entries:\n                - keyless:\n                    issuer: https://token.actions.githubusercontent.com\n                    subject: "https://github.com/acme/app/*"\n`,
  };
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), c);
  }
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

function cli(args: string[]): string {
  const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'dist', 'cli.js'), ...args], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

function assertNeutral(out: string, what: string): void {
  for (const line of out.split('\n')) {
    assert.doesNotMatch(line, /^\s*::/, `${what}: a line starts with '::': ${line}`);
    assert.doesNotMatch(line, /##\[/, `${what}: a line holds '##[': ${line}`);
    assert.doesNotMatch(line, BIDI, `${what}: a bidirectional control survives: ${line}`);
  }
}

test('CLI text, JSON and SARIF: no line is a workflow command, no bidi control survives', () => {
  const t = hostileTree();
  try {
    const text = cli([t.dir, '--repository', 'acme/app']);
    assert.match(text, /pwned\.sh/, 'the hostile file name is reported');
    assert.match(text, /ClusterPolicy\/evil/, 'the hostile policy is reported');
    assertNeutral(text, 'text');
    const json = cli([t.dir, '--repository', 'acme/app', '--format', 'json']);
    assertNeutral(json, 'json');
    const report = JSON.parse(json) as { enforcement: Array<{ name: string }>; findings: Array<{ file: string }> };
    // The JSON value itself is unchanged: `#\u0023[` parses back to `##[`.
    assert.ok(report.enforcement.some((e) => e.name.includes('##[group]')));
    assert.ok(report.findings.some((f) => f.file === EVIL_SCRIPT));
    assertNeutral(cli([t.dir, '--repository', 'acme/app', '--format', 'sarif']), 'sarif');
  } finally {
    t.dispose();
  }
});

test('action bundle: one-line sentence output, clean annotations, SARIF and summary', async () => {
  const t = hostileTree();
  try {
    const r = await runAction({ bundle: join(PROJECT_ROOT, 'dist', 'index.js'), workspace: { dir: t.dir, dispose: t.dispose }, inputs: { 'github-token': '', annotate: 'all' }, eventName: 'push' });
    assert.equal(r.code, 1, 'the check fails (unsigned image, unread script)');
    assert.ok(r.outputs['sentence'], 'sentence output written');
    assert.doesNotMatch(r.outputs['sentence']!, /[\n\r]/);
    assert.doesNotMatch(r.outputs['sentence']!, BIDI);
    const commands = runnerCommands(r.stdout);
    for (const c of commands) {
      assert.ok(['error', 'warning', 'notice'].includes(c.command), `unexpected command ${c.command}`);
      assert.doesNotMatch(c.message, BIDI);
    }
    assert.ok(commands.some((c) => c.properties['file'] === EVIL_SCRIPT), 'the unread script is annotated at its file');
    assertNeutral(r.outputs['sarif-file:content'] ?? '', 'sarif file');
    assertNeutral(r.outputs['report-file:content'] ?? '', 'report file');
    assert.doesNotMatch(r.summary, BIDI);
  } finally {
    t.dispose();
  }
});
