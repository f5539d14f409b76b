import assert from 'node:assert/strict';
import { test } from 'node:test';
import { annotationMessage, ANNOTATION_LIMIT_PER_LEVEL, escapeCommandData, escapeCommandProperty, firstSentence, formatWorkflowCommand, MAX_MESSAGE_CHARS, planAnnotations } from '../../src/render/annotations.js';
import { RULES } from '../../src/rules/index.js';
import { finding, HOSTILE, image, report } from './reports.js';
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
  assert.equal(plan.annotations[0]!.message, 'docker.io/acme/widget is pushed at .github/workflows/release.yml:42 and never signed. Fix: Sign the pushed digest after the push, e.g. `cosign sign --yes IMAGE@DIGEST`.', 'what is wrong, then the fix, on one line');
});

test('changed files come first, then severity; at most 9 errors (the failure takes the 10th), then one notice with the count', () => {
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
  assert.equal(shown.filter((a) => a.level === 'error').length, ANNOTATION_LIMIT_PER_LEVEL - 1, "one error slot is left for the step's failure message");
  assert.equal(plan.overLimit, 6);
  const last = plan.annotations.at(-1)!;
  assert.equal(last.level, 'notice');
  assert.equal(last.file, undefined);
  assert.match(last.message, /^6 more findings \(6 over GitHub's limit/);
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

test('every annotation message is one line of at most 200 characters: the first sentence, then the fix', () => {
  const long = 'quay.io/acme/clang is pushed but never signed. ' + 'A signing step targets it but does not count: its condition is narrower than the push and '.repeat(5) + 'more. Sign its digest after the push.';
  const plan = planAnnotations(report({ findings: [finding('unsigned-image', { image: 'quay.io/acme/clang', message: long }), finding('partially-signed-image', { line: 7, message: 'x '.repeat(300) + 'end' })] }), { mode: 'all' });
  for (const a of plan.annotations) {
    assert.ok(a.message.length <= MAX_MESSAGE_CHARS, `${a.message.length}: ${a.message}`);
    assert.doesNotMatch(a.message, /[\r\n]/);
  }
  const byRule = (id: string) => plan.annotations.find((a) => a.title === id)!.message;
  assert.equal(byRule('unsigned-image'), 'quay.io/acme/clang is pushed but never signed. Fix: Sign the pushed digest after the push, e.g. `cosign sign --yes IMAGE@DIGEST`.');
  assert.match(byRule('partially-signed-image'), /^(x )+x?…? ?… Fix: Sign on every path/, 'a first sentence that does not fit is cut at a word, the fix is kept');
  assert.equal(firstSentence('a.b is signed (e.g. cosign sign). Sign it.'), 'a.b is signed (e.g. cosign sign).');
  assert.equal(annotationMessage('no sentence end here', '', undefined), 'no sentence end here');
});

test('every rule declares a short fix and whether it is a security or a tool-health rule', () => {
  for (const r of RULES) {
    assert.ok(r.fix.length > 10 && r.fix.length <= 90, `${r.id}: fix of ${r.fix.length} characters`);
    assert.doesNotMatch(r.fix, /\n/);
    assert.ok(r.kind === 'security' || r.kind === 'tool-health', r.id);
  }
});

test('the legs of a matrix that push at one line are one annotation, not one per leg', () => {
  const legs = ['amd64', 'arm64', 'ppc64le'].map((arch) => finding('unsigned-image', { image: `ghcr.io/acme/app-${arch}`, line: 30, message: `ghcr.io/acme/app-${arch} is pushed but never signed. Sign its digest.` }));
  const same = [finding('signed-by-tag', { severity: 'warning', line: 40, image: 'ghcr.io/acme/x', message: 'ghcr.io/acme/x is signed by tag.' }), finding('signed-by-tag', { severity: 'warning', line: 40, image: 'ghcr.io/acme/x', message: 'ghcr.io/acme/x is signed by tag.' })];
  const plan = planAnnotations(report({ findings: [...legs, ...same] }), { mode: 'all' });
  assert.deepEqual(plan.annotations.map((a) => [a.level, a.line]), [['error', 30], ['warning', 40]]);
  assert.match(plan.annotations[0]!.message, /^ghcr\.io\/acme\/app-amd64 is pushed but never signed\. \(\+2 more images at this line\) Fix: /);
  assert.match(plan.annotations[1]!.message, /^ghcr\.io\/acme\/x is signed by tag\. \(\+1 more finding at this line\) Fix: /);
  assert.equal(plan.overLimit, 0);
});

test('repository-level findings are one notice without a file, not pinned to a push line', () => {
  const noEnforcement = finding('no-admission-enforcement', { image: 'docker.io/acme/widget', line: 42, message: 'No admission policy in the repository verifies image signatures; 2 pushed images are admitted unverified.' });
  const plan = planAnnotations(report({ findings: [finding('unsigned-image', { image: 'docker.io/acme/widget' }), noEnforcement] }), { mode: 'changed', changedFiles: new Set(['README.md']) });
  assert.deepEqual(plan.annotations.map((a) => [a.level, a.title, a.file]), [['notice', 'no-admission-enforcement', undefined], ['notice', 'image-signing-audit', undefined]]);
  assert.match(plan.annotations[0]!.message, /^No admission policy in the repository verifies image signatures; 2 pushed images are admitted unverified\. Fix: Add an enforcing/);
  assert.equal(plan.unchanged, 1, 'the finding on an unchanged file is left out; the repository-level one is not');

  // image-not-covered is repository-level only when no pushed image is covered; otherwise it stays at the image's push.
  const notCovered = (name: string, line: number) => finding('image-not-covered', { image: name, line, message: `No enforcing admission policy matches ${name}; it is admitted unverified.` });
  const images = [image('ghcr.io/acme/a'), image('ghcr.io/acme/b')];
  const none = planAnnotations(report({ images, findings: [notCovered('ghcr.io/acme/a', 10), notCovered('ghcr.io/acme/b', 20)] }), { mode: 'all' });
  assert.deepEqual(none.annotations.map((a) => [a.level, a.file]), [['notice', undefined]]);
  assert.match(none.annotations[0]!.message, /matches ghcr\.io\/acme\/a; it is admitted unverified\. \(\+1 more image\) Fix: /);
  const one = planAnnotations(report({ images, findings: [notCovered('ghcr.io/acme/b', 20)] }), { mode: 'all' });
  assert.deepEqual(one.annotations.map((a) => [a.level, a.file, a.line]), [['error', '.github/workflows/release.yml', 20]]);
});
