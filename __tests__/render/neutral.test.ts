import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Report } from '../../src/model/report.js';
import { planAnnotations } from '../../src/render/annotations.js';
import { neutralJson, neutralLine, oneLine, printable, repoRelativePath } from '../../src/render/neutral.js';
import { buildSarif } from '../../src/render/sarif.js';
import { renderText } from '../../src/render/text.js';

test('neutralLine escapes v2 commands after whitespace and v1 commands anywhere', () => {
  assert.equal(neutralLine('  ::error::x'), '  \\:\\:error::x');
  assert.equal(neutralLine('\t::set-output name=a::b'), '\t\\:\\:set-output name=a::b');
  assert.equal(neutralLine('text ##[group]x'), 'text ##\\[group]x');
  assert.equal(neutralLine('a::b'), 'a::b');
  assert.equal(JSON.parse(neutralJson(JSON.stringify({ a: '##[x]' }))).a, '##[x]');
});

test('bidirectional and other control characters are removed or made visible', () => {
  assert.equal(oneLine('a\u202eb\u2066c\nd\u0007'), 'abc d');
  assert.equal(printable('a\u202eb'), 'a\\u202eb');
});

test('repoRelativePath refuses paths that leave the repository', () => {
  for (const p of ['../x', 'a/../../x', '/etc/passwd', 'C:\\x', 'https://evil/x', 'a\u202eb']) assert.equal(repoRelativePath(p), undefined, p);
  assert.equal(repoRelativePath('./a/./b/../c.yml'), 'a/c.yml');
});

const report: Report = {
  version: 1,
  verdict: 'fail',
  sentence: 'x',
  images: [],
  localBuilds: [],
  enforcement: [],
  findings: [
    { rule: 'parse-error', severity: 'warning', message: 'uses ../../outside\u202e', file: '../../outside/action.yml', line: 3, related: [{ file: '/etc/passwd', line: 1, message: 'abs' }, { file: '.github/workflows/a.yml', line: 7, message: 'called here' }] },
    { rule: 'parse-error', severity: 'warning', message: 'absolute', file: '/tmp/x.yml', line: 1 },
  ],
  limits: [],
  stats: { filesScanned: 0, workflows: 0, manifestsParsed: 0 },
};

test('SARIF carries no location outside the repository; annotations drop such files', () => {
  const sarif = JSON.stringify(buildSarif(report));
  assert.doesNotMatch(sarif, /"uri": ?"(\.\.|\/|%2F|\.\.%2F)/);
  assert.doesNotMatch(sarif, /outside\/action|etc\/passwd|tmp\/x/);
  assert.match(sarif, /\.github\/workflows\/a\.yml/, 'falls back to the related location inside the repository');
  assert.doesNotMatch(sarif, /\u202e/);
  const plan = planAnnotations(report, { mode: 'all' });
  for (const a of plan.annotations) assert.ok(a.file === undefined || repoRelativePath(a.file) === a.file, a.file);
  assert.doesNotMatch(renderText(report), /\u202e/);
});
