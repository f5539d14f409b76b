import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeCommandData, escapeCommandProperty, formatWorkflowCommand, planAnnotations } from '../../src/render/annotations.js';
import { finding, HOSTILE, report } from './reports.js';
import { runnerCommands } from './harness.js';

test('one annotation per unsuppressed finding, level by severity, title = rule id', () => {
  const plan = planAnnotations(report(), { mode: 'all' });
  assert.deepEqual(
    plan.annotations.map((a) => [a.level, a.title, a.file, a.line]),
    [
      ['error', 'unsigned-image', '.github/workflows/release.yml', 42],
      ['warning', 'signed-by-tag', '.github/workflows/release.yml', 50],
    ],
  );
  assert.match(plan.annotations[0]!.message, /never signed\.\n.*Sign the pushed digest/s, 'the message says what to do');
});

test('changed files come first, then severity; at most 10 per level, then one notice with the count', () => {
  const findings = [
    ...Array.from({ length: 14 }, (_, i) => finding('unsigned-image', { file: `old/${i}.yml`, line: i + 1 })),
    ...Array.from({ length: 3 }, (_, i) => finding('signed-by-tag', { severity: 'warning', file: 'changed.yml', line: i + 1 })),
    finding('unsigned-image', { file: 'changed.yml', line: 9 }),
  ];
  const plan = planAnnotations(report({ findings }), { mode: 'all', changedFiles: new Set(['changed.yml']) });
  const shown = plan.annotations.filter((a) => a.file);
  assert.equal(shown[0]!.file, 'changed.yml');
  assert.equal(shown[0]!.level, 'error', 'the error on a changed file leads');
  assert.deepEqual(shown.slice(1, 4).map((a) => a.level), ['warning', 'warning', 'warning']);
  assert.equal(shown.filter((a) => a.level === 'error').length, 10);
  assert.equal(plan.overLimit, 5);
  const last = plan.annotations.at(-1)!;
  assert.equal(last.level, 'notice');
  assert.equal(last.file, undefined);
  assert.match(last.message, /^5 more findings \(5 over GitHub's limit/);
});

test('mode changed leaves out findings on unchanged files; mode none emits nothing; nothing left out = no notice', () => {
  const r = report();
  const changed = planAnnotations(r, { mode: 'changed', changedFiles: new Set(['other.yml']) });
  assert.equal(changed.annotations.length, 1);
  assert.equal(changed.unchanged, 2);
  assert.deepEqual(planAnnotations(r, { mode: 'none' }).annotations, []);
  const all = planAnnotations(r, { mode: 'changed', changedFiles: new Set(['.github/workflows/release.yml']) });
  assert.equal(all.annotations.length, 2);
  assert.ok(all.annotations.every((a) => a.level !== 'notice'));
});

test('a scanned-root prefix makes annotation paths repository-relative and is used for the changed-file match', () => {
  const plan = planAnnotations(report(), { mode: 'changed', changedFiles: new Set(['services/api/.github/workflows/release.yml']), pathPrefix: 'services/api' });
  assert.equal(plan.annotations[0]!.file, 'services/api/.github/workflows/release.yml');
});

test('workflow-command escaping: data escapes % CR LF; properties also : and ,', () => {
  assert.equal(escapeCommandData('100%\r\n::x'), '100%25%0D%0A::x');
  assert.equal(escapeCommandProperty('a:b,c%\n'), 'a%3Ab%2Cc%25%0A');
  const line = formatWorkflowCommand({ level: 'error', file: 'a,b:c.yml', line: 3, title: 'unsigned-image', message: HOSTILE });
  assert.equal(line.split('\n').length, 1);
  const parsed = runnerCommands(line);
  assert.equal(parsed.length, 1);
  assert.deepEqual(parsed[0]!.properties, { file: 'a,b:c.yml', line: '3', title: 'unsigned-image' });
  assert.equal(parsed[0]!.message, HOSTILE, 'the message round-trips exactly, as text');
});

test('hostile finding text yields one command per finding and nothing else', () => {
  const plan = planAnnotations(report({ findings: [finding('unsigned-image', { message: HOSTILE, file: HOSTILE })] }), { mode: 'all' });
  const out = plan.annotations.map(formatWorkflowCommand).join('\n');
  const cmds = runnerCommands(out);
  assert.equal(cmds.length, 1);
  assert.equal(cmds[0]!.command, 'error');
  // A path with line breaks or bidirectional controls is not a location the runner gets (neutral.ts); the
  // message keeps the text without the controls.
  assert.equal(cmds[0]!.properties['file'], undefined);
  assert.doesNotMatch(cmds[0]!.message, /[\u202a-\u202e\u2066-\u2069]/);
});
